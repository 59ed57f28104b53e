/**
 * The broadcast benchmark's platforms: the real adapters (grammY Telegram gateway, discord.js Discord gateway) pointed
 * at the local fakes, which enforce the platforms' global limits and tell the benchmark when each message arrives.
 */
import { Client, GatewayIntentBits } from "discord.js";
import { DiscordGateway } from "../bots/discord/discord-gateway.js";
import { createTelegram } from "../bots/telegram/start-telegram.js";
import type { Logger } from "../core/context.js";
import type { ChatGateway } from "../core/ports.js";
import { type DiscordFake, startDiscordFake } from "../test/fakes/discord/discord-fake.js";
import { type BotApiFake, FAKE_TOKEN, startBotApiFake } from "../test/fakes/telegram/bot-api-fake.js";

export type BenchPlatform = "TELEGRAM" | "DISCORD";
export const DISCORD_TOKEN = "discord-bench-token.secret";
/** Published global caps (shared/FACTS.md): Telegram 30 messages/s, Discord 50 requests/s. */
export const CAPS: Record<BenchPlatform, number> = { TELEGRAM: 30, DISCORD: 50 };

export interface Arrival {
  /** The recipient (Telegram chat id, Discord user id). */
  to: string;
  at: number;
}

export interface BenchFake {
  platform: BenchPlatform;
  /** What the adapter is pointed at: Telegram's apiRoot, Discord's REST base. */
  apiRoot: string;
  /** Recipient external ids to create accounts for (Discord users must exist in the fake guild). */
  prepareRecipients(count: number): string[];
  /** Chat id stored on the account (Telegram: the user id; Discord: none, the adapter opens the DM). */
  chatIdOf(externalId: string): string | null;
  /** 429 answers the fake gave. */
  rateLimited(): number;
  /** Requests that counted against the global limit. */
  requests(): number;
  onArrival: ((arrival: Arrival) => void) | null;
  close(): Promise<void>;
}

export async function startBenchFake(platform: BenchPlatform): Promise<BenchFake> {
  return platform === "TELEGRAM" ? startTelegramFake() : startDiscordBenchFake();
}

async function startTelegramFake(): Promise<BenchFake> {
  const fake: BotApiFake = await startBotApiFake();
  fake.limitSendMessage(CAPS.TELEGRAM);
  const bench: BenchFake = {
    platform: "TELEGRAM",
    apiRoot: fake.apiRoot,
    prepareRecipients: (count) => Array.from({ length: count }, (_, i) => String(100_000 + i)),
    chatIdOf: (externalId) => externalId,
    rateLimited: () => fake.rateLimited,
    requests: () => fake.calls.length,
    onArrival: null,
    close: () => fake.close(),
  };
  fake.onCall = (call) => {
    if (call.method === "sendMessage") bench.onArrival?.({ to: String(call.params.chat_id), at: performance.now() });
  };
  return bench;
}

async function startDiscordBenchFake(): Promise<BenchFake> {
  const fake: DiscordFake = await startDiscordFake({ token: DISCORD_TOKEN });
  fake.limitRequests(CAPS.DISCORD);
  const dmOwner = new Map<string, string>();
  const bench: BenchFake = {
    platform: "DISCORD",
    apiRoot: fake.apiBase,
    prepareRecipients(count) {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const user = fake.user(`member${i}`);
        fake.addMember(user);
        ids.push(user.id);
      }
      return ids;
    },
    chatIdOf: () => null,
    rateLimited: () => fake.rateLimited,
    requests: () => fake.requests.filter((r) => r.status !== 429).length,
    onArrival: null,
    close: () => fake.close(),
  };
  fake.onMessage = (message) => {
    let to = dmOwner.get(message.channel_id);
    if (!to) {
      to = fake.channels.get(message.channel_id)?.recipients?.[0]?.id ?? message.channel_id;
      dmOwner.set(message.channel_id, to);
    }
    bench.onArrival?.({ to, at: performance.now() });
  };
  return bench;
}

export interface ConnectedGateway {
  gateway: ChatGateway;
  close(): Promise<void>;
}

/** The real adapter of `platform`, talking to the fake at `apiRoot`. */
export async function connectGateway(platform: BenchPlatform, apiRoot: string, log: Logger): Promise<ConnectedGateway> {
  if (platform === "TELEGRAM") {
    const telegram = createTelegram({ token: FAKE_TOKEN, apiRoot });
    return { gateway: telegram.gateway, close: async () => {} };
  }
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers],
    rest: { api: apiRoot, rejectOnRateLimit: (data) => data.retryAfter > 10_000 },
  });
  const ready = new Promise<void>((resolve) => client.once("clientReady", () => resolve()));
  await client.login(DISCORD_TOKEN);
  await ready;
  const guildId = client.guilds.cache.first()?.id;
  if (!guildId) throw new Error("the fake Discord sent no guild");
  return {
    gateway: new DiscordGateway(client, {
      guildId,
      log,
      sendsPerSecond: Number(process.env.BENCH_DISCORD_SENDS ?? 25),
    }),
    close: () => client.destroy(),
  };
}
