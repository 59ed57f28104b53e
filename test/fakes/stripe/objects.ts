/**
 * The objects the Stripe fake keeps, typed as `Pick`s of the installed SDK's types, so each field the fake models has
 * the shape the pinned API version (`Stripe.API_VERSION`) describes; fields it does not model are simply absent.
 */
import type { IncomingHttpHeaders } from "node:http";
import type Stripe from "stripe";
import type { FormObject } from "./form.js";

// --- Object shapes (subsets of the SDK's types)

export interface FakeList<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}

export type FakeCheckoutSession = Pick<
  Stripe.Checkout.Session,
  | "id"
  | "object"
  | "mode"
  | "status"
  | "payment_status"
  | "client_reference_id"
  | "metadata"
  | "amount_subtotal"
  | "amount_total"
  | "currency"
  | "customer"
  | "payment_intent"
  | "subscription"
  | "invoice"
  | "locale"
  | "url"
  | "success_url"
  | "cancel_url"
  | "created"
  | "expires_at"
  | "livemode"
  | "allowed_payment_method_types"
  | "payment_method_types"
  | "payment_link"
>;

export type FakePaymentIntent = Pick<
  Stripe.PaymentIntent,
  | "id"
  | "object"
  | "amount"
  | "amount_received"
  | "currency"
  | "customer"
  | "created"
  | "description"
  | "latest_charge"
  | "livemode"
  | "metadata"
  | "status"
>;

export type FakeCharge = Pick<
  Stripe.Charge,
  | "id"
  | "object"
  | "amount"
  | "amount_captured"
  | "amount_refunded"
  | "captured"
  | "created"
  | "currency"
  | "customer"
  | "description"
  | "disputed"
  | "livemode"
  | "metadata"
  | "paid"
  | "payment_intent"
  | "refunded"
  | "status"
>;

export type FakeRefund = Pick<
  Stripe.Refund,
  "id" | "object" | "amount" | "charge" | "created" | "currency" | "metadata" | "payment_intent" | "reason" | "status"
>;

export type FakeDispute = Pick<
  Stripe.Dispute,
  | "id"
  | "object"
  | "amount"
  | "charge"
  | "created"
  | "currency"
  | "is_charge_refundable"
  | "livemode"
  | "metadata"
  | "payment_intent"
  | "reason"
  | "status"
>;

export type FakePrice = Pick<
  Stripe.Price,
  "id" | "object" | "active" | "currency" | "livemode" | "product" | "type" | "unit_amount"
> & { recurring: Pick<Stripe.Price.Recurring, "interval" | "interval_count"> };

export type FakeSubscriptionItem = Pick<
  Stripe.SubscriptionItem,
  "id" | "object" | "created" | "current_period_start" | "current_period_end" | "metadata" | "quantity" | "subscription"
> & { price: FakePrice };

export type FakeSubscription = Pick<
  Stripe.Subscription,
  | "id"
  | "object"
  | "cancel_at"
  | "cancel_at_period_end"
  | "canceled_at"
  | "created"
  | "currency"
  | "customer"
  | "ended_at"
  | "latest_invoice"
  | "livemode"
  | "metadata"
  | "start_date"
  | "status"
  | "trial_end"
  | "trial_start"
> & { items: FakeList<FakeSubscriptionItem> };

export type FakeInvoiceLine = Pick<
  Stripe.InvoiceLineItem,
  "id" | "object" | "amount" | "currency" | "description" | "invoice" | "livemode" | "metadata" | "period" | "quantity"
> & {
  parent: Pick<Stripe.InvoiceLineItem.Parent, "type" | "invoice_item_details"> & {
    subscription_item_details: Pick<
      Stripe.InvoiceLineItem.Parent.SubscriptionItemDetails,
      "invoice_item" | "proration" | "subscription" | "subscription_item"
    >;
  };
};

export type FakeInvoice = Pick<
  Stripe.Invoice,
  | "id"
  | "object"
  | "amount_due"
  | "amount_paid"
  | "amount_remaining"
  | "attempt_count"
  | "attempted"
  | "billing_reason"
  | "collection_method"
  | "created"
  | "currency"
  | "customer"
  | "livemode"
  | "metadata"
  | "period_end"
  | "period_start"
  | "status"
  | "subtotal"
  | "total"
> & {
  parent: Pick<Stripe.Invoice.Parent, "type" | "quote_details"> & {
    subscription_details: Pick<Stripe.Invoice.Parent.SubscriptionDetails, "metadata" | "subscription">;
  };
  lines: FakeList<FakeInvoiceLine>;
};

export type FakeInvoicePayment = Stripe.InvoicePayment;

/** A Customer Portal session: a single-use link to the portal for one customer. */
export type FakeBillingPortalSession = Pick<
  Stripe.BillingPortal.Session,
  "id" | "object" | "customer" | "url" | "return_url" | "locale" | "created" | "livemode"
>;

/** A charge retrieved with `expand[]=refunds`: its refunds, newest first (Stripe includes the 10 most recent). */
export type FakeChargeWithRefunds = FakeCharge & { refunds: FakeList<FakeRefund> };

/** An invoice retrieved with `expand[]=payments`. */
export type FakeInvoiceWithPayments = FakeInvoice & { payments: FakeList<FakeInvoicePayment> };

/** A Stripe `Event` as JSON, the way Stripe posts it to a webhook endpoint. */
export interface StripeEventJson<T = unknown> {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: Stripe.Event["type"];
  data: { object: T; previous_attributes?: Record<string, unknown> };
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/checkout/sessions`. */
  path: string;
  /** Parsed query string (GET parameters), nested like the body. */
  query: FormObject;
  /** Parsed form body (POST parameters), nested: `a[b][0][c]=1` → `{ a: { b: [{ c: "1" }] } }`. */
  body: FormObject;
  headers: IncomingHttpHeaders;
}

export interface FailureOptions {
  /** Sets `Stripe-Should-Retry`, which the SDK obeys before looking at the status. */
  shouldRetry?: boolean;
}
