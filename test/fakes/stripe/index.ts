/**
 * A small in-process fake of Stripe's HTTP API, enough for the official SDK to run Checkout, refunds, disputes,
 * subscriptions and the lists over them against it, plus scenario helpers that move its state the way Stripe would
 * and return the webhook event Stripe would then send. No stripe-mock is installable here, and `stripe-stateful-mock`
 * lacks Checkout Sessions (see /work/shared/FACTS.md).
 *
 * Modules: `objects.ts` (the shapes, `Pick`s of the SDK's types), `form.ts` (Stripe's form encoding), `state.ts`
 * (the state and how Stripe moves it), `lists.ts` (list pagination), `routes.ts` (the API), `scenarios.ts` (what
 * happens at Stripe outside our calls), this file (the server and the `StripeFake` handle).
 *
 * @example
 * const fake = await startStripeFake();
 * const provider = createStripeProvider({ secretKey: "sk_test_x", webhookSecret, apiBase: fake.apiBase });
 * const { ref } = await provider.startCheckout(request);
 * const { body, signature } = signStripeEvent(fake.completeCheckout(ref), webhookSecret);
 * provider.parseWebhook(Buffer.from(body), signature);
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { type FakeResponse, StripeFakeError } from "./errors.js";
import { parseStripeForm } from "./form.js";
import type {
  FailureOptions,
  FakeBillingPortalSession,
  FakeCharge,
  FakeCheckoutSession,
  FakeDispute,
  FakeInvoice,
  FakePaymentIntent,
  FakeRefund,
  FakeSubscription,
  RecordedRequest,
  StripeEventJson,
} from "./objects.js";
import { createRouter } from "./routes.js";
import { createScenarios } from "./scenarios.js";
import { newId, StripeState, snapshot } from "./state.js";

export { type FormObject, type FormValue, formAt, parseStripeForm } from "./form.js";
export type * from "./objects.js";

export interface StripeFakeOptions {
  /** Stripe's clock: every `created`, period start/end and event timestamp reads it. Default: real time. */
  now?: () => Date;
}

export interface StripeFake {
  /** e.g. `http://127.0.0.1:40123`, for the provider's `apiBase`. */
  readonly apiBase: string;
  /** Every request received, in order, including the ones answered with an injected failure. */
  readonly requests: RecordedRequest[];
  /** Every event the scenario helpers (and API calls with side effects) produced, in the order Stripe raised them. */
  readonly events: StripeEventJson[];
  readonly sessions: Map<string, FakeCheckoutSession>;
  readonly paymentIntents: Map<string, FakePaymentIntent>;
  readonly charges: Map<string, FakeCharge>;
  readonly invoices: Map<string, FakeInvoice>;
  readonly subscriptions: Map<string, FakeSubscription>;
  readonly refunds: Map<string, FakeRefund>;
  readonly disputes: Map<string, FakeDispute>;
  /** Customer Portal sessions created (`POST /v1/billing_portal/sessions`), in order. */
  readonly portalSessions: FakeBillingPortalSession[];
  /** Stripe's clock in unix seconds (`options.now` when given). */
  nowSeconds(): number;
  /** Answers the next `times` requests to `path` (any method) with `status` and Stripe's error JSON. */
  failNext(path: string, times: number, status?: number, options?: FailureOptions): void;
  /**
   * While `down`, every API request answers 503 with Stripe's error JSON (and is still recorded). Scenario helpers
   * keep working: Stripe itself moves on, only our calls fail.
   */
  setDown(down: boolean): void;
  /** The member pays (or starts an asynchronous payment when `paid` is false) → `checkout.session.completed`. */
  completeCheckout(sessionId: string, options?: { paid?: boolean }): StripeEventJson<FakeCheckoutSession>;
  /** Nobody paid on the page before it expired (Stripe: 24 hours) → `checkout.session.expired`. */
  expireCheckout(sessionId: string): StripeEventJson<FakeCheckoutSession>;
  /** A delayed payment method settles → `checkout.session.async_payment_succeeded`. */
  asyncPaymentSucceeded(sessionId: string): StripeEventJson<FakeCheckoutSession>;
  /** A delayed payment method fails → `checkout.session.async_payment_failed`. */
  asyncPaymentFailed(sessionId: string): StripeEventJson<FakeCheckoutSession>;
  /**
   * A Checkout Session created outside our API on the same account (e.g. by a Payment Link): stored like ours, so
   * `completeCheckout(session.id)` works and raises the usual events. `mode` defaults to `payment`; a subscription
   * bills `amount` monthly. Raises no event (Stripe sends none for a created session).
   */
  createForeignSession(options: {
    amount: number;
    currency: string;
    mode?: "payment" | "subscription";
    clientReferenceId?: string | null;
    metadata?: Record<string, string>;
    paymentIntentMetadata?: Record<string, string>;
    subscriptionMetadata?: Record<string, string>;
  }): FakeCheckoutSession;
  /**
   * The next period is charged successfully → `invoice.paid` (with a new period end), after a
   * `customer.subscription.updated` in `events`. Throws for a subscription set to cancel at its period end.
   */
  renewSubscription(subscriptionId: string, options?: { periodDays?: number }): StripeEventJson<FakeInvoice>;
  /** The renewal charge is declined → `[invoice.payment_failed, customer.subscription.updated (past_due)]`. */
  failRenewal(subscriptionId: string): [StripeEventJson<FakeInvoice>, StripeEventJson<FakeSubscription>];
  /**
   * Stripe's automatic retry after `failRenewal` pays the same open invoice (no new period) with a new charge on its
   * PaymentIntent → `[invoice.paid, customer.subscription.updated (active)]`.
   */
  retryRenewal(subscriptionId: string): [StripeEventJson<FakeInvoice>, StripeEventJson<FakeSubscription>];
  /** Retries are exhausted on a `past_due` subscription → `customer.subscription.updated` (`unpaid`). */
  markUnpaid(subscriptionId: string): StripeEventJson<FakeSubscription>;
  /**
   * The first payment of an `incomplete` subscription never completed → `customer.subscription.updated`
   * (`incomplete_expired`); its open first invoice is voided (an `invoice.voided` lands in `events` before it).
   */
  expireIncomplete(subscriptionId: string): StripeEventJson<FakeSubscription>;
  /** The subscription ends now → `customer.subscription.deleted`. */
  cancelSubscription(subscriptionId: string): StripeEventJson<FakeSubscription>;
  /**
   * A refund made outside our API (e.g. in the Dashboard) of a PaymentIntent, invoice or charge, of all that is left
   * or of `amount` → `charge.refunded`, whose charge has the cumulative `amount_refunded` (and no `refunds` list).
   */
  refund(paymentRef: string, options?: { amount?: number }): StripeEventJson<FakeCharge>;
  /** The cardholder disputes the payment → `charge.dispute.created` (status `needs_response`). */
  dispute(paymentRef: string): StripeEventJson<FakeDispute>;
  /** The card network decides the dispute → `charge.dispute.closed` with status `won` or `lost`. */
  closeDispute(disputeId: string, outcome: "won" | "lost"): StripeEventJson<FakeDispute>;
  close(): Promise<void>;
}

// --- Signing

/**
 * Serializes and signs an event as Stripe does for a webhook delivery.
 *
 * @example const { body, signature } = signStripeEvent(event, "whsec_test");
 */
export function signStripeEvent(event: StripeEventJson, webhookSecret: string): { body: string; signature: string } {
  const body = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: webhookSecret });
  return { body, signature };
}

// --- HTTP plumbing

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function failureResponse(status: number, options: FailureOptions): FakeResponse {
  const error =
    status === 429
      ? { type: "invalid_request_error", code: "rate_limit", message: "Request rate limit exceeded." }
      : status >= 500
        ? { type: "api_error", message: "An unknown error occurred (injected by the Stripe fake)." }
        : { type: "invalid_request_error", message: "Injected failure." };
  const headers: Record<string, string> = {};
  if (options.shouldRetry !== undefined) headers["Stripe-Should-Retry"] = String(options.shouldRetry);
  return { status, body: { error }, headers };
}

// --- The fake

/**
 * Starts the fake on a random local port.
 *
 * @example const fake = await startStripeFake(); afterAll(() => fake.close());
 * @example const fake = await startStripeFake({ now: () => clock.now() }); // Stripe's timestamps follow a fake clock
 */
export async function startStripeFake(options: StripeFakeOptions = {}): Promise<StripeFake> {
  const state = new StripeState(options.now ?? (() => new Date()));
  const route = createRouter(state);
  const scenarios = createScenarios(state);
  const requests: RecordedRequest[] = [];
  const failures = new Map<string, { remaining: number; status: number; options: FailureOptions }>();
  const idempotentResults = new Map<string, { fingerprint: string; response: FakeResponse }>();
  let down = false;

  async function respond(request: IncomingMessage): Promise<FakeResponse> {
    const url = new URL(request.url ?? "/", "http://stripe.fake");
    const method = request.method ?? "GET";
    const rawBody = await readBody(request);
    const body = rawBody ? parseStripeForm(rawBody) : {};
    const query = parseStripeForm(url.search.slice(1));
    requests.push({ method, path: url.pathname, query, body, headers: request.headers });

    if (down) {
      return {
        status: 503,
        body: { error: { type: "api_error", message: "Stripe is temporarily unavailable (the fake is down)." } },
      };
    }

    const failure = failures.get(url.pathname);
    if (failure && failure.remaining > 0) {
      failure.remaining -= 1;
      return failureResponse(failure.status, failure.options);
    }

    const authorization = request.headers.authorization ?? "";
    if (!/^Bearer (sk|rk)_(test|live)_\S+$/.test(authorization)) {
      return {
        status: 401,
        body: { error: { type: "invalid_request_error", message: "Invalid API Key provided." } },
      };
    }

    // Stripe replays a successful result for a repeated key and refuses a key reused with other parameters.
    const idempotencyKey = method === "POST" ? request.headers["idempotency-key"] : undefined;
    const fingerprint = `${method} ${url.pathname} ${rawBody}`;
    if (typeof idempotencyKey === "string") {
      const earlier = idempotentResults.get(idempotencyKey);
      if (earlier && earlier.fingerprint !== fingerprint) {
        return {
          status: 400,
          body: {
            error: {
              type: "idempotency_error",
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            },
          },
        };
      }
      if (earlier)
        return { ...earlier.response, headers: { ...earlier.response.headers, "Idempotent-Replayed": "true" } };
    }

    let response: FakeResponse;
    try {
      response = route(method, url.pathname, body, query);
    } catch (error) {
      if (!(error instanceof StripeFakeError)) throw error;
      return { status: error.status, body: { error: error.error } };
    }
    if (typeof idempotencyKey === "string") {
      idempotentResults.set(idempotencyKey, { fingerprint, response: { ...response, body: snapshot(response.body) } });
    }
    return response;
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    respond(request)
      .then((result) => {
        response.writeHead(result.status, {
          "Content-Type": "application/json",
          "Request-Id": newId("req"),
          "Stripe-Version": Stripe.API_VERSION,
          ...result.headers,
        });
        response.end(JSON.stringify(result.body));
      })
      .catch((error: unknown) => {
        response.writeHead(500, { "Content-Type": "application/json" });
        response.end(
          JSON.stringify({ error: { type: "api_error", message: `Stripe fake crashed: ${String(error)}` } }),
        );
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiBase,
    requests,
    events: state.events,
    sessions: state.sessions,
    paymentIntents: state.paymentIntents,
    charges: state.charges,
    invoices: state.invoices,
    subscriptions: state.subscriptions,
    refunds: state.refunds,
    disputes: state.disputes,
    portalSessions: state.portalSessions,
    nowSeconds: () => state.nowSeconds(),
    failNext(path, times, status = 500, failureOptions = {}) {
      failures.set(path, { remaining: times, status, options: failureOptions });
    },
    setDown(isDown) {
      down = isDown;
    },
    ...scenarios,
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
