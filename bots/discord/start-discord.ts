/**
 * Starts the Discord bot on an existing core context: logs in over the gateway, registers the slash commands on the
 * guild, plugs the Discord gateway into `ctx.gateways`, compares the guild's paid roles with the entitlements, and
 * from then on turns interactions, member events and forum posts into core calls.
 *
 * Essential: the token works and the gateway accepts the Server Members intent (paid roles need it); no answer, 5xx
 * and 429 are retried with backoff, a refusal throws a StartupError (exit code and one line, see bots/startup).
 * Optional: the Message Content intent (only the Q&A forum needs it: refused, the bot runs without the forum) and the
 * slash-command registration (refused, a warning, and retried later).
 *
 * The REST base is configurable (`apiBase`), and discord.js asks that REST API for the gateway URL, so a local fake
 * Discord (test/fakes/discord) stands in for both.
 *
 * @example const discord = await startDiscord(app.ctx, { token, applicationId, guildId, qaForumId }); … await discord.close();
 */
import { Client, Events, GatewayIntentBits, type Guild, Routes, Status } from "discord.js";
import type { CoreContext } from "../../core/context.js";
import { attachmentStore } from "../../core/learning/attachments.js";
import { ACCESS_SWEEP_JOB } from "../../jobs/definitions.js";
import type { ComponentStatus } from "../http/readiness.js";
import { type OptionalStep, retryTransient, runOptionalStep } from "../startup/retry.js";
import { StartupError } from "../startup/startup-error.js";
import { buildCommands } from "./discord-commands.js";
import { onDiscussionMessage } from "./discord-discussion.js";
import { onForumMessage } from "./discord-forum.js";
import { DiscordGateway, describeError } from "./discord-gateway.js";
import { handleInteraction } from "./discord-interactions.js";
import { onMemberJoin, onMemberLeave, onMemberUpdate, syncGuildRoles } from "./discord-roles.js";
import { discordFailure, GATEWAY_CLOSE, isTransientDiscordError } from "./discord-startup.js";

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
  /** The bot cannot go on after start (Discord closed the gateway for good: token reset, intent turned off). */
  onFatal?: (failure: StartupError) => void;
  /** First wait before a failed optional step (slash commands) is tried again (default 1 minute, then doubling). */
  optionalRetryDelayMs?: number;
  /** Stop retrying an unreachable Discord at start after this long (default 2 minutes). */
  startupGiveUpMs?: number;
  /** The role community helpers get (DISCORD_HELPER_ROLE_ID); absent: no helper role. */
  helperRoleId?: string | null;
  /** The text channel where each lesson gets a discussion thread (LESSON_DISCUSSION_CHANNEL_ID; needs Message Content). */
  discussionChannelId?: string | null;
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
  /** Whether the Q&A forum runs (false when Discord refused the Message Content intent). */
  forumEnabled: boolean;
  /** Last known state, for /readyz: the gateway session is ready and the bot is in the server. */
  status(): ComponentStatus;
  close(): Promise<void>;
}

const TEN_MINUTES = 10 * 60_000;

export async function startDiscord(ctx: CoreContext, options: DiscordOptions): Promise<DiscordBot> {
  const stats: RateLimitStats = { rateLimited: 0, invalidInWindow: 0 };

  // --- Handlers run in the background; tests and shutdown wait for them
  const running = new Set<Promise<void>>();
  const track = (what: string, work: () => Promise<void>) => {
    const promise = work()
      .catch((error: unknown) => ctx.log.error({ err: describeError(error) }, what))
      .finally(() => running.delete(promise));
    running.add(promise);
  };

  // --- Log in: a new client per attempt (a client that failed to log in is destroyed and cannot be reused)
  const connect = (messageContent: boolean) =>
    retryTransient(
      async () => {
        const built = buildClient(ctx, options, { messageContent, stats, track });
        try {
          const ready = new Promise<void>((resolve) => built.client.once(Events.ClientReady, () => resolve()));
          await built.client.login(options.token);
          await ready;
          return built;
        } catch (error) {
          await built.client.destroy().catch(() => {});
          throw error;
        }
      },
      {
        what: "discord login",
        log: ctx.log,
        isTransient: isTransientDiscordError,
        giveUpAfterMs: options.startupGiveUpMs,
      },
    ).catch((error: unknown) => {
      throw discordFailure(error, "login");
    });
  let built: BuiltClient;
  let forumEnabled = Boolean(options.qaForumId || options.discussionChannelId);
  try {
    built = await connect(forumEnabled);
  } catch (error) {
    // 4014 names no intent: try once more without the one only the forum needs. Refused again, it is Server Members.
    if (!(error instanceof StartupError && error.kind === "discordIntents" && forumEnabled)) throw error;
    built = await connect(false);
    forumEnabled = false;
    ctx.log.warn(
      { qaForumId: options.qaForumId },
      "Discord refused the Message Content intent: the Q&A forum is off. Turn it on (Developer Portal → Bot → Privileged Gateway Intents) and restart to use it",
    );
  }
  const { client, gateway } = built;

  // The token decides the application; a DISCORD_APPLICATION_ID that differs would register commands nowhere.
  const actualApplication = client.application?.id;
  if (actualApplication && actualApplication !== options.applicationId) {
    await client.destroy();
    throw new StartupError("discordApplicationMismatch", { given: options.applicationId, actual: actualApplication });
  }
  ctx.gateways.DISCORD = gateway;

  // Discord closed the session for good after start (a reset token, an intent turned off): nothing will reconnect.
  let gatewayClosed: string | null = null;
  client.on(Events.ShardDisconnect, (event) => {
    gatewayClosed = `gateway closed for good (${event.code})`;
    if (event.code === GATEWAY_CLOSE.authenticationFailed) {
      options.onFatal?.(new StartupError("discordTokenInvalid"));
    } else if (event.code === GATEWAY_CLOSE.disallowedIntents) {
      options.onFatal?.(new StartupError("discordIntents"));
    }
  });

  // Optional: the commands Discord already has keep working meanwhile; a refusal is logged and tried again later.
  const commands: OptionalStep = await runOptionalStep(
    () =>
      client.rest.put(Routes.applicationGuildCommands(options.applicationId, options.guildId), {
        body: buildCommands(),
      }),
    { what: "discord slash commands", log: ctx.log, initialDelayMs: options.optionalRetryDelayMs },
  );

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
  // In the background: comparing every role holder with the entitlements takes a while on a large server, and members'
  // commands are answered meanwhile (stop() waits for tracked work).
  track("discord role sync failed", sync);
  const interval = options.sweepIntervalMs ?? 15 * 60_000;
  const timer = interval > 0 ? setInterval(() => track("discord role sync failed", sync), interval) : null;
  timer?.unref();
  ctx.log.info({ guildId: options.guildId, user: client.user?.tag, forumEnabled }, "Discord bot connected");

  return {
    client,
    gateway,
    async idle() {
      while (running.size) await Promise.allSettled([...running]);
    },
    sync,
    stats: () => ({ ...stats }),
    forumEnabled,
    status() {
      if (gatewayClosed) return { up: false, detail: gatewayClosed };
      // The client's own ready flag stays set through reconnects; each shard's status says where it is now.
      const shards = [...client.ws.shards.values()];
      if (!shards.length || shards.some((shard) => shard.status !== Status.Ready)) {
        return { up: false, detail: "gateway reconnecting" };
      }
      if (!guild()) return { up: false, detail: "the bot is not in the configured server" };
      return { up: true };
    },
    async close() {
      commands.stop();
      if (timer) clearInterval(timer);
      while (running.size) await Promise.allSettled([...running]);
      if (ctx.gateways.DISCORD === gateway) delete ctx.gateways.DISCORD;
      await client.destroy();
    },
  };
}

interface BuiltClient {
  client: Client;
  gateway: DiscordGateway;
}

/** A client with its intents, REST limits and event handlers, not yet logged in. */
function buildClient(
  ctx: CoreContext,
  options: DiscordOptions,
  wiring: {
    messageContent: boolean;
    stats: RateLimitStats;
    track: (what: string, work: () => Promise<void>) => void;
  },
): BuiltClient {
  const { stats, track } = wiring;
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers];
  if (wiring.messageContent) intents.push(GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent);
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
    attachments: attachmentStore(ctx),
    discussionChannelId: options.discussionChannelId,
  });
  gateway.helperRoleId = options.helperRoleId ?? null;

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
  if (options.discussionChannelId && wiring.messageContent) {
    const channelId = options.discussionChannelId;
    client.on(Events.MessageCreate, (message) => {
      track("discord discussion message failed", () => onDiscussionMessage(ctx, channelId, message));
    });
  }
  if (options.qaForumId && wiring.messageContent) {
    const forumId = options.qaForumId;
    client.on(Events.MessageCreate, (message) => {
      track("discord forum message failed", () => onForumMessage(ctx, forumId, message));
    });
  }
  client.on(Events.Error, (error) => ctx.log.error({ err: describeError(error) }, "discord client error"));
  return { client, gateway };
}
