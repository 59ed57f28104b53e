/**
 * Starts the Discord bot on an existing core context: logs in over the gateway, registers the slash commands on the
 * guild, plugs the Discord gateway into `ctx.gateways`, compares the guild's paid roles with the entitlements, and
 * from then on turns interactions, member events and forum posts into core calls.
 *
 * The REST base is configurable (`apiBase`), and discord.js asks that REST API for the gateway URL, so a local fake
 * Discord (test/fakes/discord) stands in for both.
 *
 * @example const discord = await startDiscord(app.ctx, { token, applicationId, guildId, qaForumId }); … await discord.close();
 */
import { Client, Events, GatewayIntentBits, type Guild, Routes } from "discord.js";
import type { CoreContext } from "../../core/context.js";
import { ACCESS_SWEEP_JOB } from "../../jobs/definitions.js";
import { buildCommands } from "./discord-commands.js";
import { onForumMessage } from "./discord-forum.js";
import { DiscordGateway, describeError } from "./discord-gateway.js";
import { handleInteraction } from "./discord-interactions.js";
import { onMemberJoin, onMemberLeave, onMemberUpdate, syncGuildRoles } from "./discord-roles.js";

export interface DiscordOptions {
  token: string;
  applicationId: string;
  guildId: string;
  /** The forum channel used for Q&A; without it, forum posts are ignored (and MessageContent is not requested). */
  qaForumId?: string | null;
  /** REST base, e.g. `http://127.0.0.1:8080/api` for a local fake (default: Discord's). */
  apiBase?: string | null;
  /** How often the guild's roles are compared with the entitlements (default: 15 minutes; 0: only at start). */
  sweepIntervalMs?: number;
  /** Own pacing of DMs (default 25 per second: half of Discord's 50 requests per second). */
  sendsPerSecond?: number;
  /** Log every this many invalid requests (401/403/429); Discord bans at 10,000 per 10 minutes. */
  invalidRequestWarningInterval?: number;
}

export interface RateLimitStats {
  /** 429 answers Discord gave (the REST queue waited each out and retried). */
  rateLimited: number;
  /** 401, 403 and 429 answers in the current 10-minute window (Discord's ban line is 10,000). */
  invalidInWindow: number;
}

export interface DiscordBot {
  client: Client;
  gateway: DiscordGateway;
  /** Resolves when every interaction and event handler started so far has finished. */
  idle(): Promise<void>;
  /** Compares the guild's paid roles with the entitlements now, then runs the access sweep. */
  sync(): Promise<void>;
  stats(): RateLimitStats;
  close(): Promise<void>;
}

const TEN_MINUTES = 10 * 60_000;

export async function startDiscord(ctx: CoreContext, options: DiscordOptions): Promise<DiscordBot> {
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers];
  if (options.qaForumId) intents.push(GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent);
  const stats: RateLimitStats = { rateLimited: 0, invalidInWindow: 0 };
  const client = new Client({
    intents,
    rest: {
      ...(options.apiBase ? { api: options.apiBase } : {}),
      invalidRequestWarningInterval: options.invalidRequestWarningInterval ?? 250,
      // Called for every rate limit the queue meets (429 answers and its own waits): logged here. Short waits are the
      // queue's job; a long one goes back to the caller, so a job retries later instead of holding a worker.
      rejectOnRateLimit: (data) => {
        ctx.log.warn(
          {
            route: data.route,
            method: data.method,
            retryAfterMs: data.retryAfter,
            global: data.global,
            scope: data.scope,
          },
          "discord rate limited",
        );
        return data.retryAfter > 10_000;
      },
    },
  });
  const gateway = new DiscordGateway(client, {
    guildId: options.guildId,
    log: ctx.log,
    sendsPerSecond: options.sendsPerSecond,
  });

  // --- 429 and invalid requests (401/403/429), counted in Discord's 10-minute window
  let windowStart = Date.now();
  client.rest.on("response", (_request, response) => {
    if (response.status !== 401 && response.status !== 403 && response.status !== 429) return;
    if (Date.now() - windowStart > TEN_MINUTES) {
      windowStart = Date.now();
      stats.invalidInWindow = 0;
    }
    stats.invalidInWindow += 1;
    if (response.status === 429) stats.rateLimited += 1;
  });
  client.rest.on("invalidRequestWarning", (info) => {
    ctx.log.error(
      { invalidRequests: info.count, windowRemainingMs: info.remainingTime },
      "discord invalid requests are piling up (ban at 10000 per 10 minutes)",
    );
  });

  // --- Handlers run in the background; tests and shutdown wait for them
  const running = new Set<Promise<void>>();
  const track = (what: string, work: () => Promise<void>) => {
    const promise = work()
      .catch((error: unknown) => ctx.log.error({ err: describeError(error) }, what))
      .finally(() => running.delete(promise));
    running.add(promise);
  };

  const context = { ctx, gateway, guildId: options.guildId };
  client.on(Events.InteractionCreate, (interaction) => {
    track("discord interaction failed", () => handleInteraction(context, interaction));
  });
  client.on(Events.GuildMemberUpdate, (before, after) => {
    track("discord member update failed", () => onMemberUpdate(ctx, before, after));
  });
  client.on(Events.GuildMemberRemove, (member) => {
    track("discord member leave failed", () => onMemberLeave(ctx, member));
  });
  client.on(Events.GuildMemberAdd, (member) => {
    track("discord member join failed", () => onMemberJoin(ctx, member));
  });
  if (options.qaForumId) {
    const forumId = options.qaForumId;
    client.on(Events.MessageCreate, (message) => {
      track("discord forum message failed", () => onForumMessage(ctx, forumId, message));
    });
  }
  client.on(Events.Error, (error) => ctx.log.error({ err: describeError(error) }, "discord client error"));

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(options.token);
  await ready;
  ctx.gateways.DISCORD = gateway;

  await client.rest.put(Routes.applicationGuildCommands(options.applicationId, options.guildId), {
    body: buildCommands(),
  });

  const guild = (): Guild | undefined => client.guilds.cache.get(options.guildId);
  async function sync() {
    const g = guild();
    if (!g) {
      ctx.log.warn({ guildId: options.guildId }, "the bot is not in the configured Discord server");
      return;
    }
    const result = await syncGuildRoles(ctx, g);
    ctx.log.info(result, "discord roles compared with entitlements");
    await ctx.jobs.enqueue(ACCESS_SWEEP_JOB, {});
  }
  await sync().catch((error: unknown) => ctx.log.error({ err: describeError(error) }, "discord role sync failed"));
  const interval = options.sweepIntervalMs ?? 15 * 60_000;
  const timer = interval > 0 ? setInterval(() => track("discord role sync failed", sync), interval) : null;
  timer?.unref();
  ctx.log.info({ guildId: options.guildId, user: client.user?.tag }, "Discord bot connected");

  return {
    client,
    gateway,
    async idle() {
      while (running.size) await Promise.allSettled([...running]);
    },
    sync,
    stats: () => ({ ...stats }),
    async close() {
      if (timer) clearInterval(timer);
      while (running.size) await Promise.allSettled([...running]);
      if (ctx.gateways.DISCORD === gateway) delete ctx.gateways.DISCORD;
      await client.destroy();
    },
  };
}
