/**
 * The fake's API routes: what the SDK sends (method, path, form parameters) and what Stripe answers, including
 * `expand[]` for the fields the fake models. Unknown routes answer 404 as Stripe does.
 */
import { type FakeResponse, invalid, notFound, rejectUnknownParameters, StripeFakeError } from "./errors.js";
import {
  type FormObject,
  type FormValue,
  formAt,
  formInteger,
  formString,
  formStringList,
  formStringMap,
} from "./form.js";
import { embeddedList, equals, listPage } from "./lists.js";
import type {
  FakeBillingPortalSession,
  FakeCharge,
  FakeCheckoutSession,
  FakeDispute,
  FakeInvoice,
  FakeInvoicePayment,
  FakeRefund,
  FakeSubscription,
} from "./objects.js";
import { newId, type StripeState } from "./state.js";

type Router = (method: string, path: string, body: FormObject, query: FormObject) => FakeResponse;

const SUBSCRIPTION_STATUSES = [
  "active",
  "all",
  "canceled",
  "ended",
  "incomplete",
  "incomplete_expired",
  "past_due",
  "paused",
  "trialing",
  "unpaid",
];
const INVOICE_STATUSES = ["draft", "open", "paid", "uncollectible", "void"];
const SESSION_STATUSES = ["open", "complete", "expired"];

/** Builds the router over the fake's state. */
export function createRouter(state: StripeState): Router {
  // --- Expansion

  /** Fields each object type can expand, and what they expand to (`undefined`: leave the id as it is). */
  const expanders: Record<string, Record<string, (object: Record<string, unknown>) => unknown>> = {
    charge: {
      // Includable since 2022-11-15: absent unless expanded.
      refunds: (charge) =>
        embeddedList(
          [...state.refunds.values()].filter((refund) => refund.charge === charge.id),
          `/v1/charges/${String(charge.id)}/refunds`,
        ),
      payment_intent: (charge) => byId(state.paymentIntents, charge.payment_intent),
    },
    refund: {
      charge: (refund) => byId(state.charges, refund.charge),
      payment_intent: (refund) => byId(state.paymentIntents, refund.payment_intent),
    },
    dispute: {
      charge: (dispute) => byId(state.charges, dispute.charge),
      payment_intent: (dispute) => byId(state.paymentIntents, dispute.payment_intent),
    },
    invoice: {
      // Includable: absent unless expanded.
      payments: (invoice) => ({
        object: "list",
        data: [...state.invoicePayments.values()].filter((payment) => payment.invoice === invoice.id),
        has_more: false,
        url: `/v1/invoice_payments?invoice=${String(invoice.id)}`,
      }),
    },
    "checkout.session": {
      payment_intent: (session) => byId(state.paymentIntents, session.payment_intent),
      subscription: (session) => byId(state.subscriptions, session.subscription),
      invoice: (session) => byId(state.invoices, session.invoice),
    },
    subscription: {
      latest_invoice: (subscription) => byId(state.invoices, subscription.latest_invoice),
    },
    payment_intent: {
      latest_charge: (paymentIntent) => byId(state.charges, paymentIntent.latest_charge),
    },
  };

  function byId<T>(map: Map<string, T>, id: unknown): T | unknown {
    return typeof id === "string" ? (map.get(id) ?? id) : id;
  }

  /** Applies one `expand[]` path (`refunds`, `data.charge`, `latest_invoice.payments`) to a response body. */
  function expand(value: unknown, path: string[], fullPath: string): unknown {
    const [field, ...rest] = path;
    if (field === undefined || value === null || typeof value !== "object") return value;
    const object = value as Record<string, unknown>;
    if (object.object === "list" && field === "data" && Array.isArray(object.data)) {
      return { ...object, data: object.data.map((item) => expand(item, rest, fullPath)) };
    }
    const expander = expanders[String(object.object)]?.[field];
    if (!expander) {
      throw invalid(
        `This property cannot be expanded (${fullPath}). (The Stripe fake expands only the fields it models.)`,
        "expand",
      );
    }
    return { ...object, [field]: expand(expander(object), rest, fullPath) };
  }

  function withExpansions(body: unknown, params: FormObject): unknown {
    let result = body;
    for (const path of formStringList(params.expand) ?? []) result = expand(result, path.split("."), path);
    return result;
  }

  // --- Helpers

  function retrieve<T>(map: Map<string, T>, id: string, objectName: string, params: FormObject): T {
    rejectUnknownParameters(params, ["expand"]);
    const found = map.get(id);
    if (!found) throw notFound(objectName, id);
    return found;
  }

  function oneOf(value: FormValue, allowed: string[], param: string): string {
    const text = formString(value);
    if (!text || !allowed.includes(text))
      throw invalid(`Invalid ${param}: must be one of ${allowed.join(", ")}`, param);
    return text;
  }

  function booleanParam(value: FormValue | undefined, param: string): boolean | undefined {
    if (value === undefined) return undefined;
    if (value === "true") return true;
    if (value === "false") return false;
    throw invalid(`Invalid boolean: ${String(value)}`, param);
  }

  // --- Checkout Sessions

  function createCheckoutSession(params: FormObject): FakeCheckoutSession {
    const mode = formString(params.mode);
    if (mode !== "payment" && mode !== "subscription")
      throw invalid("Invalid mode: must be one of payment, setup, or subscription", "mode");
    // Removed in API version 2026-09-30; a request that still sends it is rejected like any unknown parameter.
    if ("payment_method_types" in params)
      throw invalid("Received unknown parameter: payment_method_types", "payment_method_types");
    if (!formString(params.success_url)) throw invalid("Missing required param: success_url.", "success_url");
    const lineItems = Array.isArray(params.line_items) ? params.line_items : [];
    if (lineItems.length === 0) throw invalid("Missing required param: line_items.", "line_items");
    let amount = 0;
    let currency: string | undefined;
    for (const [index, item] of lineItems.entries()) {
      const unitAmount = formInteger(formAt(item, "price_data", "unit_amount"));
      const itemCurrency = formString(formAt(item, "price_data", "currency"));
      if (unitAmount === undefined || !itemCurrency)
        throw invalid("Missing required param: price_data.", `line_items[${index}][price_data]`);
      const recurring = formAt(item, "price_data", "recurring") !== undefined;
      if (mode === "payment" && recurring) {
        throw invalid("You specified `payment` mode but passed a recurring price.", `line_items[${index}]`);
      }
      if (mode === "subscription" && !recurring) {
        throw invalid(
          "You must provide at least one recurring price in `subscription` mode when using prices.",
          `line_items[${index}]`,
        );
      }
      amount += unitAmount * (formInteger(formAt(item, "quantity")) ?? 1);
      currency = itemCurrency.toLowerCase();
    }
    // During a free trial nothing is due today, and Checkout shows (and reports) a total of zero.
    if (mode === "subscription" && (formInteger(formAt(params, "subscription_data", "trial_period_days")) ?? 0) > 0)
      amount = 0;
    const customer = formString(params.customer);
    if (customer && !knownCustomer(customer)) throw notFound("customer", customer);
    const session = state.createSession(
      {
        mode,
        amount,
        currency: currency ?? null,
        clientReferenceId: formString(params.client_reference_id) ?? null,
        metadata: formStringMap(params.metadata),
        locale: (formString(params.locale) as FakeCheckoutSession["locale"]) ?? null,
        successUrl: formString(params.success_url) ?? null,
        cancelUrl: formString(params.cancel_url) ?? null,
        allowedPaymentMethodTypes: formStringList(params.allowed_payment_method_types),
        paymentLink: null,
      },
      params,
    );
    session.customer = customer ?? null;
    return session;
  }

  function listSessions(params: FormObject): unknown {
    if (params.status !== undefined) oneOf(params.status, SESSION_STATUSES, "status");
    return listPage(state.sessions.values(), params, {
      url: "/v1/checkout/sessions",
      objectName: "checkout.session",
      filters: {
        payment_intent: equals((session: FakeCheckoutSession) => session.payment_intent),
        subscription: equals((session: FakeCheckoutSession) => session.subscription),
        customer: equals((session: FakeCheckoutSession) => session.customer),
        payment_link: equals((session: FakeCheckoutSession) => session.payment_link),
        status: equals((session: FakeCheckoutSession) => session.status),
      },
    });
  }

  /** A customer Stripe knows: one made by a checkout (the fake keeps no separate customer objects). */
  function knownCustomer(id: string): boolean {
    return [...state.sessions.values()].some((session) => session.customer === id);
  }

  // --- Customer Portal

  function createPortalSession(params: FormObject): FakeBillingPortalSession {
    rejectUnknownParameters(params, ["customer", "return_url", "locale", "configuration", "flow_data", "expand"]);
    const customer = formString(params.customer);
    if (!customer) throw invalid("Missing required param: customer.", "customer");
    if (!knownCustomer(customer)) throw notFound("customer", customer);
    const id = newId("bps");
    const session: FakeBillingPortalSession = {
      id,
      object: "billing_portal.session",
      customer,
      url: `https://billing.stripe.com/p/session/test_${id}`,
      return_url: formString(params.return_url) ?? null,
      locale: (formString(params.locale) as FakeBillingPortalSession["locale"]) ?? null,
      created: state.nowSeconds(),
      livemode: false,
    };
    state.portalSessions.push(session);
    return session;
  }

  // --- Charges, refunds and disputes

  function listCharges(params: FormObject): unknown {
    return listPage(state.charges.values(), params, {
      url: "/v1/charges",
      objectName: "charge",
      filters: {
        payment_intent: equals((charge: FakeCharge) => charge.payment_intent),
        customer: equals((charge: FakeCharge) => charge.customer),
      },
    });
  }

  function listRefunds(params: FormObject): unknown {
    return listPage(state.refunds.values(), params, {
      url: "/v1/refunds",
      objectName: "refund",
      filters: {
        charge: equals((refund: FakeRefund) => refund.charge),
        payment_intent: equals((refund: FakeRefund) => refund.payment_intent),
      },
    });
  }

  function createRefund(params: FormObject): FakeRefund {
    const paymentIntentId = formString(params.payment_intent);
    const chargeId = formString(params.charge);
    if (!paymentIntentId && !chargeId)
      throw invalid("One of the following params should be provided for this request: payment_intent or charge.");
    const charge = chargeId
      ? state.resolveCharge(chargeId, "charge")
      : state.resolveCharge(paymentIntentId ?? "", "payment_intent");
    const amount = formInteger(params.amount);
    if (params.amount !== undefined && amount === undefined)
      throw invalid(`Invalid integer: ${String(params.amount)}`, "amount");
    return state.refundCharge(charge, {
      amount,
      metadata: formStringMap(params.metadata),
      reason: formString(params.reason),
    }).refund;
  }

  function listDisputes(params: FormObject): unknown {
    return listPage(state.disputes.values(), params, {
      url: "/v1/disputes",
      objectName: "dispute",
      filters: {
        charge: equals((dispute: FakeDispute) => dispute.charge),
        payment_intent: equals((dispute: FakeDispute) => dispute.payment_intent),
      },
    });
  }

  // --- Invoices

  function listInvoices(params: FormObject): unknown {
    if (params.status !== undefined) oneOf(params.status, INVOICE_STATUSES, "status");
    return listPage(state.invoices.values(), params, {
      url: "/v1/invoices",
      objectName: "invoice",
      filters: {
        subscription: equals((invoice: FakeInvoice) => invoice.parent.subscription_details.subscription),
        customer: equals((invoice: FakeInvoice) => invoice.customer),
        status: equals((invoice: FakeInvoice) => invoice.status),
      },
    });
  }

  function listInvoicePayments(params: FormObject): unknown {
    return listPage(state.invoicePayments.values(), params, {
      url: "/v1/invoice_payments",
      objectName: "invoice_payment",
      filters: {
        invoice: equals((payment: FakeInvoicePayment) => payment.invoice),
        payment: (payment, value) => {
          const type = formString(formAt(value, "type"));
          const paymentIntentId = formString(formAt(value, "payment_intent"));
          return (
            (!type || payment.payment.type === type) &&
            (!paymentIntentId || payment.payment.payment_intent === paymentIntentId)
          );
        },
      },
    });
  }

  // --- Subscriptions

  function listSubscriptions(params: FormObject): unknown {
    const status = params.status === undefined ? undefined : oneOf(params.status, SUBSCRIPTION_STATUSES, "status");
    const matches = (subscription: FakeSubscription) =>
      status === "all" ||
      (status === undefined && subscription.status !== "canceled") ||
      (status === "ended" && (subscription.status === "canceled" || subscription.status === "incomplete_expired")) ||
      subscription.status === status;
    const { status: _status, ...rest } = params;
    return listPage([...state.subscriptions.values()].filter(matches), rest, {
      url: "/v1/subscriptions",
      objectName: "subscription",
      filters: { customer: equals((subscription: FakeSubscription) => subscription.customer) },
    });
  }

  /** A canceled subscription is gone for the API: Stripe answers "No such subscription". */
  function liveSubscription(id: string): FakeSubscription {
    const subscription = state.subscriptions.get(id);
    if (!subscription || subscription.status === "canceled") throw notFound("subscription", id);
    return subscription;
  }

  function cancelSubscription(id: string, params: FormObject): FakeSubscription {
    rejectUnknownParameters(params, ["expand", "cancellation_details", "invoice_now", "prorate"]);
    const subscription = liveSubscription(id);
    state.endSubscription(subscription);
    return subscription;
  }

  function updateSubscription(id: string, params: FormObject): FakeSubscription {
    rejectUnknownParameters(params, ["expand", "cancel_at_period_end", "metadata"]);
    const subscription = state.subscriptions.get(id);
    if (!subscription) throw notFound("subscription", id);
    const cancelAtPeriodEnd = booleanParam(params.cancel_at_period_end, "cancel_at_period_end");
    if (
      cancelAtPeriodEnd !== undefined &&
      (subscription.status === "canceled" || subscription.status === "incomplete_expired")
    ) {
      throw invalid("A canceled subscription can only update its cancellation_details and metadata.");
    }
    const previous: Record<string, unknown> = {};
    if (cancelAtPeriodEnd !== undefined && cancelAtPeriodEnd !== subscription.cancel_at_period_end) {
      previous.cancel_at_period_end = subscription.cancel_at_period_end;
      previous.cancel_at = subscription.cancel_at;
      previous.canceled_at = subscription.canceled_at;
      subscription.cancel_at_period_end = cancelAtPeriodEnd;
      // Stripe schedules the cancellation at the period end and records when it was asked for.
      subscription.cancel_at = cancelAtPeriodEnd ? (subscription.items.data[0]?.current_period_end ?? null) : null;
      subscription.canceled_at = cancelAtPeriodEnd ? state.nowSeconds() : null;
    }
    if (params.metadata !== undefined) {
      const metadata = { ...subscription.metadata };
      for (const [key, value] of Object.entries(formStringMap(params.metadata))) {
        // Stripe unsets a key given an empty value.
        if (value === "") delete metadata[key];
        else metadata[key] = value;
      }
      if (JSON.stringify(metadata) !== JSON.stringify(subscription.metadata)) {
        previous.metadata = subscription.metadata;
        subscription.metadata = metadata;
      }
    }
    if (Object.keys(previous).length > 0) state.raise("customer.subscription.updated", subscription, previous);
    return subscription;
  }

  // --- Dispatch

  function dispatch(method: string, segments: string[], params: FormObject): unknown {
    const [version, resource, second, third] = segments;
    if (version !== "v1" || !resource) return undefined;
    const id = second;

    if (resource === "billing_portal" && second === "sessions" && segments.length === 3 && method === "POST") {
      return createPortalSession(params);
    }

    if (resource === "checkout" && second === "sessions") {
      if (segments.length === 3) {
        if (method === "POST") return createCheckoutSession(params);
        if (method === "GET") return listSessions(params);
      }
      if (segments.length === 4 && third && method === "GET")
        return retrieve(state.sessions, third, "checkout.session", params);
      return undefined;
    }

    if (segments.length === 2) {
      if (method === "GET") {
        if (resource === "charges") return listCharges(params);
        if (resource === "refunds") return listRefunds(params);
        if (resource === "disputes") return listDisputes(params);
        if (resource === "invoices") return listInvoices(params);
        if (resource === "invoice_payments") return listInvoicePayments(params);
        if (resource === "subscriptions") return listSubscriptions(params);
      }
      if (method === "POST" && resource === "refunds") return createRefund(params);
      return undefined;
    }

    if (segments.length === 3 && id) {
      if (method === "GET") {
        if (resource === "charges") return retrieve(state.charges, id, "charge", params);
        if (resource === "refunds") return retrieve(state.refunds, id, "refund", params);
        if (resource === "disputes") return retrieve(state.disputes, id, "dispute", params);
        if (resource === "invoices") return retrieve(state.invoices, id, "invoice", params);
        if (resource === "subscriptions") return retrieve(state.subscriptions, id, "subscription", params);
        if (resource === "payment_intents") return retrieve(state.paymentIntents, id, "payment_intent", params);
      }
      if (resource === "subscriptions" && method === "POST") return updateSubscription(id, params);
      if (resource === "subscriptions" && method === "DELETE") return cancelSubscription(id, params);
    }
    return undefined;
  }

  return (method, path, body, query) => {
    const segments = path.split("/").filter(Boolean).map(decodeURIComponent);
    // The SDK sends GET and DELETE parameters in the query string, POST parameters in the body.
    const params = method === "POST" ? body : query;
    const result = dispatch(method, segments, params);
    if (result === undefined) {
      throw new StripeFakeError(404, {
        type: "invalid_request_error",
        message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      });
    }
    return { status: 200, body: withExpansions(result, params) };
  };
}
