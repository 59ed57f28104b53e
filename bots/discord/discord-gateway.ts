/**
 * The ChatGateway for Discord: personal messages are DMs, a gate is a role. Before touching a role it checks what
 * Discord would refuse (Manage Roles, the role hierarchy, managed roles) and says precisely what the creator must fix,
 * so no change ends in a silent 50013. DMs to a member who closed them fall back to an ephemeral follow-up on their
 * latest interaction when there is one; otherwise the member is unreachable.
 */
import {
  type AnyThreadChannel,
  type ChatInputCommandInteraction,
  type Client,
  DiscordAPIError,
  type DMChannel,
  type Guild,
  type GuildMember,
  HTTPError,
  type Interaction,
  type InteractionReplyOptions,
  MessageFlags,
  MessagePayload,
  type MessagePayloadOption,
  makeURLSearchParams,
  PermissionFlagsBits,
  RateLimitError,
  REST,
  Routes,
} from "discord.js";
import type { Logger } from "../../core/context.js";
import { plainText, type Reply } from "../../core/conversation/reply.js";
import { messages } from "../../core/i18n/index.js";
import type { AttachmentStore } from "../../core/learning/attachments.js";
import type {
  AccessResult,
  AccountRef,
  ChatGateway,
  GateOccupants,
  GateRef,
  LessonThreadResult,
  MemberRestriction,
  Occupant,
  SendResult,
  ThreadPostResult,
  ThreadTarget,
} from "../../core/ports.js";
import { stripControlCharacters } from "../../core/text.js";
import { requestNeverLeft } from "../request-outcome.js";
import { openDiscordLessonThread, restrictDiscordMember } from "./discord-discussion.js";
import { renderReplyWithFiles } from "./discord-lesson.js";

/** Discord's JSON error codes we act on. */
export const DiscordCode = {
  UNKNOWN_MEMBER: 10007,
  UNKNOWN_ROLE: 10011,
  UNKNOWN_USER: 10013,
  MISSING_PERMISSIONS: 50013,
  CANNOT_DM: 50007,
} as const;

/** Interaction tokens live 15 minutes; we use them a little less. */
const FOLLOW_UP_WINDOW_MS = 14 * 60_000;

/**
 * At most `perSecond` sends start in any one second (a sliding window): bulk notices stay well under Discord's 50
 * requests per second, and single messages are never delayed.
 */
export class DeliveryPacer {
  private readonly starts: number[] = [];
  constructor(private readonly perSecond: number) {}

  async take(): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.starts.length && now - this.starts[0]! >= 1000) this.starts.shift();
      if (this.starts.length < this.perSecond) {
        this.starts.push(now);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000 - (now - this.starts[0]!) + 1));
    }
  }
}

export type RepliableInteraction = Extract<Interaction, { followUp: unknown }> | ChatInputCommandInteraction;

export class DiscordGateway implements ChatGateway {
  readonly platform = "DISCORD" as const;
  private readonly recent = new Map<string, { interaction: RepliableInteraction; at: number }>();
  private readonly pacer: DeliveryPacer;

  constructor(
    private readonly client: Client,
    private readonly options: {
      guildId: string;
      log: Logger;
      sendsPerSecond?: number;
      /** Loads a lesson's files for DMs that carry one. */
      attachments?: AttachmentStore;
      /** The text channel where each lesson gets a thread (LESSON_DISCUSSION_CHANNEL_ID). */
      discussionChannelId?: string | null;
    },
  ) {
    this.pacer = new DeliveryPacer(options.sendsPerSecond ?? 24.5); // two requests per first DM: under 50 requests/s
  }

  /** The role community helpers get (DISCORD_HELPER_ROLE_ID); null: no badge. */
  helperRoleId: string | null = null;

  /**
   * The helper badge is a role, changed with the same checks as a paid role (Manage Roles, the hierarchy): a refusal
   * comes back as false, and the core logs it.
   */
  async setHelperBadge(account: AccountRef, on: boolean): Promise<boolean> {
    if (!this.helperRoleId) return false;
    const role = { gateId: 0, platform: "DISCORD" as const, externalId: this.helperRoleId, title: "helper" };
    const result = await this.changeRole(on ? "add" : "remove", role, account);
    if (!result.ok) this.options.log.warn({ reason: result.reason, detail: result.detail }, "helper role not changed");
    return result.ok;
  }

  /** The adapter tells us about each answered interaction, for the DM fallback. */
  rememberInteraction(userId: string, interaction: RepliableInteraction): void {
    this.recent.set(userId, { interaction, at: Date.now() });
    if (this.recent.size > 5000) {
      const oldest = this.recent.keys().next().value;
      if (oldest) this.recent.delete(oldest);
    }
  }

  /**
   * Messages are posted through a REST client of their own with `retries: 0`: discord.js retries a 5xx, a reset
   * connection and a timeout up to 3 times by default, and Discord may have posted the message before any of them.
   * 429s are still waited out (or handed back when long): Discord posted nothing. Its events are passed on to the
   * client's REST, so rate-limit and invalid-request counting sees them. Looking the user up and opening the DM
   * channel stay on the client (both idempotent).
   */
  private get deliveryRest(): REST {
    if (!this.noRetryRest) {
      const rest = new REST({ ...this.client.rest.options, retries: 0 }).setToken(this.client.token ?? "");
      rest.on("response", (...args) => void this.client.rest.emit("response", ...args));
      rest.on("rateLimited", (...args) => void this.client.rest.emit("rateLimited", ...args));
      rest.on("invalidRequestWarning", (...args) => void this.client.rest.emit("invalidRequestWarning", ...args));
      this.noRetryRest = rest;
    }
    return this.noRetryRest;
  }
  private noRetryRest: REST | null = null;

  async send(account: AccountRef, reply: Reply): Promise<SendResult> {
    const m = messages(reply.locale ?? "en");
    let posting = false;
    let delivered = 0;
    try {
      await this.pacer.take();
      const user = await this.client.users.fetch(account.externalId);
      const channel = await user.createDM();
      posting = true;
      for (const payload of await renderReplyWithFiles(reply, m, this.options.attachments)) {
        await this.post(channel, payload);
        delivered += 1;
      }
      return { ok: true };
    } catch (error) {
      if (isCode(error, DiscordCode.CANNOT_DM) || isCode(error, DiscordCode.UNKNOWN_USER)) {
        if (delivered === 0) return this.fallBack(account, reply);
        return { ok: false, reason: "UNREACHABLE" };
      }
      this.options.log.warn({ accountId: account.accountId, err: describeError(error) }, "discord DM failed");
      const unknown = posting && (delivered > 0 || outcomeUnknown(error));
      if (unknown) return { ok: false, reason: "OUTCOME_UNKNOWN", detail: describeError(error) };
      if (error instanceof RateLimitError) {
        return { ok: false, reason: "RATE_LIMITED", retryAfterSeconds: Math.ceil(error.retryAfter / 1000) };
      }
      return { ok: false, reason: "FAILED", detail: describeError(error) };
    }
  }

  /** `channel.send`, through the REST client that never retries; the posted message's id. */
  private async post(channel: DMChannel | AnyThreadChannel, payload: MessagePayloadOption): Promise<string | null> {
    const { body, files } = await MessagePayload.create(channel, payload).resolveBody().resolveFiles();
    const posted = await this.deliveryRest.post(Routes.channelMessages(channel.id), {
      body,
      files: files ?? undefined,
    });
    return (posted as { id?: string } | null)?.id ?? null;
  }

  /** The forum post (`dc:<thread>`) as a thread channel, or null when it is gone or not a thread. */
  private async thread(threadRef: string): Promise<AnyThreadChannel | null> {
    const channel = await this.client.channels.fetch(threadRef.replace(/^dc:/, "").split(":")[0]!).catch(() => null);
    return channel?.isThread() ? channel : null;
  }

  /** Posts in the forum post; the last message's handle (`dc:<thread>:<message>`) can then be accepted. */
  async postInThread(target: ThreadTarget, reply: Reply): Promise<ThreadPostResult> {
    const m = messages(reply.locale ?? "en");
    let delivered = 0;
    let posting = false;
    try {
      const thread = await this.thread(target.threadRef);
      if (!thread) return { ok: false, reason: "UNREACHABLE" };
      await this.pacer.take();
      posting = true;
      let last: string | null = null;
      for (const payload of await renderReplyWithFiles(reply, m, this.options.attachments)) {
        last = await this.post(thread, payload);
        delivered += 1;
      }
      return { ok: true, messageRef: last ? `dc:${thread.id}:${last}` : null };
    } catch (error) {
      this.options.log.warn({ err: describeError(error) }, "discord thread post failed");
      if (posting && (delivered > 0 || outcomeUnknown(error))) {
        return { ok: false, reason: "OUTCOME_UNKNOWN", detail: describeError(error) };
      }
      if (error instanceof RateLimitError) {
        return { ok: false, reason: "RATE_LIMITED", retryAfterSeconds: Math.ceil(error.retryAfter / 1000) };
      }
      return { ok: false, reason: "FAILED", detail: describeError(error) };
    }
  }

  /**
   * A flagged question: its post is locked and archived (Manage Threads); a flagged answer: its message is deleted
   * (Manage Messages). False when the bot may not.
   */
  async hideInThread(target: ThreadTarget & { what: "question" | "answer" }): Promise<boolean> {
    try {
      const thread = await this.thread(target.threadRef);
      if (!thread) return false;
      if (target.what === "question") {
        await thread.setLocked(true, "Lyceum: held back by moderation");
        await thread.setArchived(true, "Lyceum: held back by moderation");
        return true;
      }
      const messageId = target.messageRef?.split(":")[2];
      if (!messageId) return false;
      await thread.messages.delete(messageId);
      return true;
    } catch (error) {
      this.options.log.info({ err: describeError(error) }, "could not hide flagged content on Discord");
      return false;
    }
  }

  /** A public thread for the lesson in the discussion channel (see discord-discussion.ts). */
  openLessonThread(lesson: { lessonId: number; title: string }): Promise<LessonThreadResult> {
    return openDiscordLessonThread(this.client, this.options.discussionChannelId, lesson.title);
  }

  /** A timeout or a ban in the guild (see discord-discussion.ts). */
  restrictMember(account: AccountRef, restriction: MemberRestriction): Promise<AccessResult> {
    return restrictDiscordMember(this.client, this.options.guildId, account.externalId, restriction);
  }

  /** `https://discord.com/channels/<guild>/<thread>`. */
  threadLink(threadRef: string): string | null {
    const threadId = threadRef.replace(/^dc:/, "").split(":")[0];
    return threadId ? `https://discord.com/channels/${this.options.guildId}/${threadId}` : null;
  }

  /** DMs are closed: an ephemeral follow-up on the member's latest interaction, if it is still usable. */
  private async fallBack(account: AccountRef, reply: Reply): Promise<SendResult> {
    const recent = this.recent.get(account.externalId);
    if (!recent || Date.now() - recent.at > FOLLOW_UP_WINDOW_MS) return { ok: false, reason: "UNREACHABLE" };
    const locale = reply.locale ?? (recent.interaction.locale?.startsWith("zh") ? "zh" : "en");
    const m = messages(locale);
    const { webhook } = recent.interaction;
    let delivered = 0;
    try {
      // The note goes into the neutral text before rendering, so every part still fits Discord's limit.
      const [first, ...others] = reply.messages;
      const noted = first
        ? { messages: [{ ...first, text: `${m.discord.dmClosed}\n${first.text}` }, ...others] }
        : reply;
      for (const payload of await renderReplyWithFiles(noted, m, this.options.attachments)) {
        // `interaction.followUp`, through the REST client that never retries.
        const options: InteractionReplyOptions = { ...payload, flags: MessageFlags.Ephemeral };
        const { body, files } = await MessagePayload.create(webhook, options).resolveBody().resolveFiles();
        await this.deliveryRest.post(Routes.webhook(webhook.id, webhook.token), {
          body,
          files: files ?? undefined,
          query: makeURLSearchParams({ wait: true }),
          auth: false,
        });
        delivered += 1;
      }
      return { ok: true };
    } catch (error) {
      this.options.log.info({ accountId: account.accountId, err: describeError(error) }, "discord fallback failed");
      if (delivered > 0 || outcomeUnknown(error)) {
        return { ok: false, reason: "OUTCOME_UNKNOWN", detail: describeError(error) };
      }
      return { ok: false, reason: "UNREACHABLE" };
    }
  }

  async grantAccess(gate: GateRef, account: AccountRef): Promise<AccessResult> {
    return this.changeRole("add", gate, account);
  }

  async revokeAccess(gate: GateRef, account: AccountRef): Promise<AccessResult> {
    return this.changeRole("remove", gate, account);
  }

  async isMember(gate: GateRef, account: AccountRef): Promise<boolean | null> {
    const guild = await this.guild(gate);
    if (!guild) return null;
    try {
      const member = await guild.members.fetch({ user: account.externalId, cache: true });
      return member.roles.cache.has(gate.externalId);
    } catch (error) {
      if (isCode(error, DiscordCode.UNKNOWN_MEMBER) || isCode(error, DiscordCode.UNKNOWN_USER)) return false;
      this.options.log.warn({ gateId: gate.gateId, err: describeError(error) }, "discord member lookup failed");
      return null;
    }
  }

  /**
   * Every holder of the role, whoever they are (people the bot never met included): the server's members are listed
   * over REST, a page of 1000 at a time. Bots, the server's owner and its administrators are left out.
   */
  async listOccupants(gate: GateRef): Promise<GateOccupants | null> {
    const guild = await this.guild(gate);
    if (!guild) return null;
    try {
      const people: Occupant[] = [];
      let after = "0";
      for (;;) {
        const page = await guild.members.list({ limit: 1000, after, cache: true });
        for (const member of page.values()) {
          if (BigInt(member.id) > BigInt(after)) after = member.id;
          if (!member.roles.cache.has(gate.externalId) || runsServer(member)) continue;
          const name = stripControlCharacters(member.user.globalName ?? member.user.username).trim();
          people.push({ externalId: member.id, displayName: name || member.id, username: member.user.username });
        }
        if (page.size < 1000) break;
      }
      return { kind: "listed", people };
    } catch (error) {
      this.options.log.warn({ gateId: gate.gateId, err: describeError(error) }, "discord member listing failed");
      return null;
    }
  }

  /** Bots, the server's owner and its administrators keep a paid role whether or not they bought it. */
  async isPlaceAdmin(gate: GateRef, account: AccountRef): Promise<boolean> {
    const guild = await this.guild(gate);
    if (!guild) return false;
    try {
      return runsServer(await guild.members.fetch({ user: account.externalId, cache: true }));
    } catch {
      return false;
    }
  }

  /**
   * Why the bot cannot give or take `roleId` in `guild`, in words the creator can act on; null when it can.
   * Checked against the cached guild (kept current by the gateway's role and member events).
   */
  roleProblem(guild: Guild, roleId: string): string | null {
    const m = messages("en").discord;
    const me = guild.members.me;
    const mine = me?.roles.highest.name ?? this.client.user?.username ?? "Lyceum";
    const role = guild.roles.cache.get(roleId);
    // Plain text (a detail is stored and logged as such): the catalog's escaping is undone, role names stay literal.
    if (!role || role.id === guild.id) return plainText(m.roleMissing({ role: roleId }));
    if (!me?.permissions.has(PermissionFlagsBits.ManageRoles)) return plainText(m.missingManageRoles({ mine }));
    if (role.managed) return plainText(m.roleManaged({ role: role.name }));
    if (role.comparePositionTo(me.roles.highest) >= 0) return plainText(m.roleAboveMe({ role: role.name, mine }));
    return null;
  }

  private async changeRole(action: "add" | "remove", gate: GateRef, account: AccountRef): Promise<AccessResult> {
    const guild = await this.guild(gate);
    if (!guild) return { ok: false, reason: "FAILED", detail: `the bot is not in server ${gate.guildId}` };
    const problem = this.roleProblem(guild, gate.externalId);
    if (problem) return { ok: false, reason: "NOT_ALLOWED", detail: problem };
    const route = Routes.guildMemberRole(guild.id, account.externalId, gate.externalId);
    try {
      if (action === "add") await this.client.rest.put(route, { reason: `Lyceum: entitled to ${gate.title}` });
      else await this.client.rest.delete(route, { reason: `Lyceum: access to ${gate.title} ended` });
      return { ok: true };
    } catch (error) {
      if (isCode(error, DiscordCode.UNKNOWN_MEMBER)) {
        // Not in the server: nothing to take away; a grant waits until they join (the join event reconciles them).
        return action === "remove" ? { ok: true } : { ok: false, reason: "UNREACHABLE", detail: "not in the server" };
      }
      if (isCode(error, DiscordCode.MISSING_PERMISSIONS)) {
        const detail =
          this.roleProblem(guild, gate.externalId) ??
          messages("en").discord.roleAboveMe({
            role: guild.roles.cache.get(gate.externalId)?.name ?? gate.externalId,
            mine: guild.members.me?.roles.highest.name ?? "Lyceum",
          });
        return { ok: false, reason: "NOT_ALLOWED", detail };
      }
      if (isCode(error, DiscordCode.UNKNOWN_ROLE)) {
        return {
          ok: false,
          reason: "NOT_ALLOWED",
          detail: messages("en").discord.roleMissing({ role: gate.externalId }),
        };
      }
      this.options.log.warn({ gateId: gate.gateId, action, err: describeError(error) }, "discord role change failed");
      return { ok: false, reason: "FAILED", detail: describeError(error) };
    }
  }

  private async guild(gate: GateRef): Promise<Guild | null> {
    const id = gate.guildId || this.options.guildId;
    return this.client.guilds.cache.get(id) ?? (await this.client.guilds.fetch(id).catch(() => null));
  }
}

/** A failed post Discord may still have carried out: a 5xx, a timeout, a connection lost after the request left. */
function outcomeUnknown(error: unknown): boolean {
  if (error instanceof HTTPError) return true;
  if (error instanceof DiscordAPIError || error instanceof RateLimitError) return false;
  return !requestNeverLeft(error);
}

/** The member runs the server (or is a bot): the owner, or anyone with the Administrator permission. */
function runsServer(member: GuildMember): boolean {
  return (
    member.user.bot || member.guild.ownerId === member.id || member.permissions.has(PermissionFlagsBits.Administrator)
  );
}

export function isCode(error: unknown, code: number): boolean {
  return error instanceof DiscordAPIError && error.code === code;
}

/** For logs: status, code and route only (never a token, never a request body). */
export function describeError(error: unknown): string {
  if (error instanceof DiscordAPIError) {
    const route = error.url
      .replace(/^https?:\/\/[^/]+/, "")
      .replace(/\/(interactions|webhooks)\/(\d+)\/[^/?]+/, "/$1/$2/…");
    return `${error.status} ${error.code} ${error.method} ${route}: ${error.message}`;
  }
  if (error instanceof RateLimitError) return `rate limited on ${error.route} for ${error.retryAfter}ms`;
  return error instanceof Error ? error.message : String(error);
}
