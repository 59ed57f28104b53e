/**
 * The product assembled for use-case tests: a real database, the real in-process job runner, the real HTTP server
 * listening on a random port, the real Stripe adapter pointed at the local Stripe fake, an in-memory chat gateway and
 * a clock the test moves. Members talk to it through the same router every chat adapter uses.
 */

import { buildHttpServer } from "../../bots/http/server.js";
import { createStripeProvider } from "../../bots/stripe/stripe-provider.js";
import { type CoreContext, defaultCoreConfig, silentLogger } from "../../core/context.js";
import { handleChatRequest } from "../../core/conversation/handle-request.js";
import { plainText, type Reply } from "../../core/conversation/reply.js";
import { parseCommand } from "../../core/conversation/request.js";
import type { Clock } from "../../core/ports.js";
import { ACCESS_SWEEP_JOB } from "../../jobs/definitions.js";
import { InProcessJobRunner } from "../../jobs/in-process-runner.js";
import { seedDemoCatalog } from "../../prisma/seed.js";
import { RecordingGateway } from "../fakes/recording-gateway.js";
import { type StripeEventJson, type StripeFake, signStripeEvent, startStripeFake } from "../fakes/stripe-fake.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

export const WEBHOOK_SECRET = "whsec_test_lyceum";
export const CREATOR = "creator";

export class TestClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current);
  }
  advanceDays(days: number): void {
    this.current = new Date(this.current.getTime() + days * 86_400_000);
  }
}

export interface Harness {
  db: TestDatabase;
  ctx: CoreContext;
  clock: TestClock;
  gateway: RecordingGateway;
  jobs: InProcessJobRunner;
  stripe: StripeFake | null;
  webhookUrl: string;
  /** A chat line from `user` (a console account); returns the reply as plain text, after background work settled. */
  say(user: string, line: string, languageCode?: string): Promise<string>;
  /** The raw reply, for tests that look at buttons. */
  sayReply(user: string, line: string): Promise<Reply>;
  /** Presses a button (its action string). */
  press(user: string, action: string): Promise<string>;
  /** Signs and POSTs a Stripe event to the webhook endpoint over HTTP. */
  deliver(
    event: StripeEventJson,
    options?: { secret?: string; tamper?: boolean },
  ): Promise<{ status: number; body: unknown }>;
  sweep(): Promise<void>;
  /** Empty database with the demo catalog again, empty gateway: a clean slate between tests. */
  reset(): Promise<void>;
  memberId(user: string): Promise<number>;
  close(): Promise<void>;
}

export async function createHarness(
  options: { stripe?: boolean; gracePeriodDays?: number; config?: Partial<CoreContext["config"]> } = {},
): Promise<Harness> {
  const db = await createTestDatabase();
  const clock = new TestClock();
  const gateway = new RecordingGateway("CONSOLE");
  const jobs = new InProcessJobRunner();
  // Stripe's clock is the test's clock, so periods, grace and the reconciler's window move together.
  const stripe = options.stripe ? await startStripeFake({ now: () => clock.now() }) : null;
  const ctx: CoreContext = {
    prisma: db.prisma,
    sql: db.sql,
    clock,
    config: {
      ...defaultCoreConfig,
      gracePeriodDays: options.gracePeriodDays ?? 3,
      ownerAccounts: [`console:${CREATOR}`],
      ...options.config,
    },
    log: silentLogger,
    jobs,
    payments: {
      stripe: stripe
        ? createStripeProvider({ secretKey: "sk_test_lyceum", webhookSecret: WEBHOOK_SECRET, apiBase: stripe.apiBase })
        : undefined,
    },
    gateways: { CONSOLE: gateway },
  };
  jobs.start(ctx);
  await seedDemoCatalog(db.prisma, clock.now());
  const http = buildHttpServer(ctx);
  const address = await http.listen({ host: "127.0.0.1", port: 0 });

  const request = async (
    user: string,
    input: Parameters<typeof handleChatRequest>[1]["input"],
    languageCode?: string,
  ) => {
    const reply = await handleChatRequest(ctx, {
      user: {
        platform: "CONSOLE",
        externalId: user,
        displayName: user,
        username: user,
        languageCode: languageCode ?? "en",
        chatId: user,
      },
      chat: { id: user, kind: "private" },
      input,
    });
    await jobs.idle();
    return reply;
  };
  const text = (reply: Reply) => reply.messages.map((m) => plainText(m.text)).join("\n");

  return {
    db,
    ctx,
    clock,
    gateway,
    jobs,
    stripe,
    webhookUrl: `${address}/webhooks/stripe`,
    async sayReply(user, line) {
      return request(user, parseCommand(line) ?? { kind: "text", text: line });
    },
    async say(user, line, languageCode) {
      return text(await request(user, parseCommand(line) ?? { kind: "text", text: line }, languageCode));
    },
    async press(user, action) {
      return text(await request(user, { kind: "action", data: action }));
    },
    async deliver(event, deliverOptions = {}) {
      const { body, signature } = signStripeEvent(event, deliverOptions.secret ?? WEBHOOK_SECRET);
      const sent = deliverOptions.tamper ? body.replace(/"amount_total":\s*\d+/, '"amount_total": 1') : body;
      if (deliverOptions.tamper && sent === body) throw new Error("the event has no amount_total to tamper with");
      const response = await fetch(`${address}/webhooks/stripe`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": signature },
        body: sent,
      });
      const json = await response.json().catch(() => null);
      await jobs.idle();
      return { status: response.status, body: json };
    },
    async sweep() {
      await jobs.enqueue(ACCESS_SWEEP_JOB, {});
      await jobs.idle();
    },
    async reset() {
      await jobs.idle();
      await db.truncate();
      await seedDemoCatalog(db.prisma, clock.now());
      gateway.sent.length = 0;
      gateway.inside.clear();
      gateway.blocked.clear();
      gateway.refusing.clear();
      gateway.grants = 0;
      gateway.rateLimited.next = 0;
      gateway.rateLimitAnswers = 0;
      gateway.beforeSend = null;
      gateway.revokes = 0;
    },
    async memberId(user) {
      const account = await db.prisma.platformAccount.findUniqueOrThrow({
        where: { platform_externalId: { platform: "CONSOLE", externalId: user } },
      });
      return account.memberId;
    },
    async close() {
      await jobs.idle();
      await jobs.close();
      await http.close();
      await stripe?.close();
      await db.close();
    },
  };
}
