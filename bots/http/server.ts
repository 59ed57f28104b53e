/**
 * The HTTP server: Stripe webhooks (signature checked on the raw body), checkout return pages, health.
 * Answers fast: the event is applied in one short transaction, and anything slow (gates, messages) goes to the
 * outbox.
 */
import Fastify, { type FastifyBaseLogger, LogController } from "fastify";
import { handlePaymentEvent } from "../../core/commerce/handle-payment-event.js";
import type { CoreContext } from "../../core/context.js";
import { WebhookSignatureError } from "../../core/ports.js";
import type { AppLogger } from "../logger.js";
import { registerMetrics } from "./metrics.js";
import { type Readiness, registerReadiness } from "./readiness.js";

export interface HttpServerOptions {
  /** Serve `/metrics` here, to requests with this bearer token (METRICS_TOKEN); without it, no `/metrics` here. */
  metricsToken?: string;
  /** Serve `/readyz` with these checks. */
  readiness?: Readiness;
}

/**
 * The public HTTP server. `/metrics` is only served here behind a token (see HttpServerOptions); its usual home is
 * the metrics listener (bots/http/metrics.ts).
 */
export function buildHttpServer(ctx: CoreContext, logger?: AppLogger, options: HttpServerOptions = {}) {
  // No "incoming request" / "request completed" pair per webhook: at hundreds of updates a second they cost more CPU
  // than the reply and say nothing the handlers do not log (failures, refusals, Stripe outcomes).
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger | undefined,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1_048_576,
  });

  if (options.metricsToken) registerMetrics(app, ctx, { token: options.metricsToken });
  if (options.readiness) registerReadiness(app, options.readiness);

  app.get("/healthz", async (_request, replyTo) => {
    try {
      await ctx.prisma.$queryRaw`SELECT 1`;
      return { ok: true, database: "up" };
    } catch {
      return replyTo.code(503).send({ ok: false, database: "down" });
    }
  });

  app.register(async (scope) => {
    // Stripe signs the exact bytes it sent: keep them, parse nothing before the signature is checked.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
    scope.post("/webhooks/stripe", async (request, replyTo) => {
      const stripe = ctx.payments.stripe;
      if (!stripe) return replyTo.code(404).send({ error: "stripe is not configured" });
      const signature = request.headers["stripe-signature"];
      let event: ReturnType<typeof stripe.parseWebhook>;
      try {
        event = stripe.parseWebhook(request.body as Buffer, typeof signature === "string" ? signature : undefined);
      } catch (error) {
        if (error instanceof WebhookSignatureError) {
          ctx.log.warn({ ip: request.ip }, "stripe webhook with a bad signature rejected");
          return replyTo.code(400).send({ error: "invalid signature" });
        }
        throw error;
      }
      const result = await handlePaymentEvent(ctx, stripe, event);
      ctx.log.info({ eventId: event.eventId, type: event.type, outcome: result.outcome }, "stripe event");
      // 503 makes Stripe deliver again later: the event referred to something we have not seen yet.
      if (result.outcome === "retry-later") return replyTo.code(503).send({ received: false, retry: true });
      return { received: true, outcome: result.outcome };
    });
  });

  const page = (title: string, body: string) =>
    `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family:system-ui;max-width:32rem;margin:4rem auto;padding:0 1rem"><h1>${title}</h1><p>${body}</p></body></html>`;
  app.get("/checkout/success", async (_request, replyTo) =>
    replyTo
      .type("text/html")
      .send(
        page(
          "Thank you · 谢谢",
          "Your payment is being confirmed; go back to the chat, your access opens in a moment.<br>付款正在确认中，请回到聊天，权限稍后自动开通。",
        ),
      ),
  );
  // Where Stripe's Customer Portal (/billing) leads back to.
  app.get("/billing/return", async (_request, replyTo) =>
    replyTo
      .type("text/html")
      .send(
        page(
          "Billing · 账单",
          "Any change you made is confirmed in the chat in a moment.<br>您所做的更改稍后会在聊天中确认。",
        ),
      ),
  );
  app.get("/checkout/cancel", async (_request, replyTo) =>
    replyTo
      .type("text/html")
      .send(
        page(
          "Payment canceled · 付款已取消",
          "Nothing was charged. You can buy again from the chat at any time.<br>没有扣款，随时可以回到聊天重新购买。",
        ),
      ),
  );
  return app;
}
