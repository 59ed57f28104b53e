/**
 * The product with its Telegram bot, end to end: a real database, the real job runner, the real HTTP server, and the
 * real grammY client (or a Telegraf bot with the features mounted) talking HTTP to the local fake Bot API. Tests act
 * as Telegram users through the fake and wait until the bot finished each update and background work settled.
 */
import type { FastifyInstance } from "fastify";
import { buildHttpServer } from "../../bots/http/server.js";
import { createTelegram, type TelegramBot } from "../../bots/telegram/start-telegram.js";
import { type CoreContext, defaultCoreConfig, silentLogger } from "../../core/context.js";
import { ACCESS_SWEEP_JOB } from "../../jobs/definitions.js";
import { InProcessJobRunner } from "../../jobs/in-process-runner.js";
import { seedDemoCatalog } from "../../prisma/seed.js";
import {
  type BotApiFake,
  FAKE_TOKEN,
  type FakeUser,
  type RecordedCall,
  startBotApiFake,
} from "../fakes/telegram/bot-api-fake.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { TestClock } from "./harness.js";

export const CREATOR_ID = 1000;
export const WEBHOOK_SECRET = "tg-webhook-secret-for-tests";

/** How the bot under test is carried: our grammY bot (polling or webhook), or a Telegraf bot with the mount. */
export type TelegramCarrier = "polling" | "webhook" | "telegraf";

export interface TelegramHarness {
  db: TestDatabase;
  ctx: CoreContext;
  clock: TestClock;
  jobs: InProcessJobRunner;
  fake: BotApiFake;
  http: FastifyInstance;
  httpAddress: string;
  creator: FakeUser;
  /** What the bot called while starting (command menus, webhook), kept before any reset. */
  startupCalls: RecordedCall[];
  /** Waits until the bot handled these updates and the background work they started settled. */
  settle(...updateIds: number[]): Promise<void>;
  /** A private message from `user`; resolves after it was handled. */
  say(user: FakeUser, text: string): Promise<void>;
  press(user: FakeUser, data: string): Promise<void>;
  sweep(): Promise<void>;
  reset(): Promise<void>;
  memberIdOf(user: FakeUser): Promise<number>;
  close(): Promise<void>;
}

export async function createTelegramHarness(carrier: TelegramCarrier = "polling"): Promise<TelegramHarness> {
  const db = await createTestDatabase();
  const clock = new TestClock();
  const jobs = new InProcessJobRunner();
  const fake = await startBotApiFake();
  const handled = new Set<number>();
  const waiters = new Map<number, () => void>();
  const onUpdateHandled = (updateId: number) => {
    handled.add(updateId);
    waiters.get(updateId)?.();
  };

  const ctx: CoreContext = {
    prisma: db.prisma,
    sql: db.sql,
    clock,
    config: { ...defaultCoreConfig, ownerAccounts: [`telegram:${CREATOR_ID}`] },
    log: silentLogger,
    jobs,
    payments: {},
    gateways: {},
  };
  const http = buildHttpServer(ctx);
  let stopBot: () => Promise<void>;
  let httpAddress: string;
  if (carrier === "telegraf") {
    const { startTelegrafWithLyceum } = await import("./telegram-telegraf.js");
    const started = await startTelegrafWithLyceum({ ctx, apiRoot: fake.apiRoot, onUpdateHandled });
    stopBot = started.stop;
    httpAddress = await http.listen({ host: "127.0.0.1", port: 0 });
  } else {
    const telegram: TelegramBot = createTelegram({
      token: FAKE_TOKEN,
      apiRoot: fake.apiRoot,
      mode: carrier,
      webhookSecret: WEBHOOK_SECRET,
      publicUrl: "http://placeholder",
      maxRetryDelaySeconds: 2,
      onUpdateHandled,
    });
    ctx.gateways.TELEGRAM = telegram.gateway;
    ctx.payments.stars = telegram.gateway;
    await telegram.prepare(ctx, http);
    stopBot = () => telegram.stop();
    httpAddress = await http.listen({ host: "127.0.0.1", port: 0 });
    await telegram.start();
    if (carrier === "webhook") {
      // The bot registered PUBLIC_URL with the fake; the server's port is only known now, so point the fake at it.
      fake.webhook = { url: `${httpAddress}/webhooks/telegram`, secretToken: fake.webhook?.secretToken };
    }
  }
  const startupCalls = [...fake.calls];
  jobs.start(ctx);
  await seedDemoCatalog(db.prisma, clock.now());
  const creator = fake.user(CREATOR_ID, "Cora", { username: "cora_creator", language_code: "en" });

  const waitHandled = async (updateIds: number[]) => {
    await Promise.all(
      [...new Set(updateIds)].map((id) =>
        handled.has(id)
          ? undefined
          : new Promise<void>((resolve, reject) => {
              const timer = setTimeout(() => reject(new Error(`update ${id} was never handled`)), 10_000);
              waiters.set(id, () => {
                clearTimeout(timer);
                waiters.delete(id);
                resolve();
              });
            }),
      ),
    );
  };
  /**
   * Waits for the given updates and for every update pushed so far, including those the bot's own calls caused (an
   * approval makes Telegram send a chat_member update), then for background jobs; again until nothing new arrived.
   */
  const settle = async (...updateIds: number[]) => {
    let seen = -1;
    while (seen !== fake.lastUpdateId) {
      seen = fake.lastUpdateId;
      const all = Array.from({ length: seen }, (_, i) => i + 1).filter((id) => !handled.has(id));
      // 0: an update Telegram never created (a kind the bot did not ask for); there is nothing to wait for.
      await waitHandled([...updateIds.filter((id) => id > 0), ...all]);
      await jobs.idle();
    }
  };

  return {
    db,
    ctx,
    clock,
    jobs,
    fake,
    http,
    httpAddress,
    creator,
    startupCalls,
    settle,
    async say(user, text) {
      await settle(fake.say(user, text));
    },
    async press(user, data) {
      await settle(fake.press(user, data));
    },
    async sweep() {
      await jobs.enqueue(ACCESS_SWEEP_JOB, {});
      await jobs.idle();
    },
    async reset() {
      await jobs.idle();
      await db.truncate();
      await seedDemoCatalog(db.prisma, clock.now());
      fake.reset();
      fake.user(CREATOR_ID, "Cora", { username: "cora_creator", language_code: "en" });
    },
    async memberIdOf(user) {
      const account = await db.prisma.platformAccount.findUniqueOrThrow({
        where: { platform_externalId: { platform: "TELEGRAM", externalId: String(user.id) } },
      });
      return account.memberId;
    },
    async close() {
      await jobs.idle();
      await stopBot();
      await jobs.close();
      await http.close();
      await fake.close();
      await db.close();
    },
  };
}
