/**
 * The ChatGateway for Discord: personal messages are DMs, a gate is a role. Before touching a role it checks what
 * Discord would refuse (Manage Roles, the role hierarchy, managed roles) and says precisely what the creator must fix,
 * so no change ends in a silent 50013. DMs to a member who closed them fall back to an ephemeral follow-up on their
 * latest interaction when there is one; otherwise the member is unreachable.
 */
import {
  type ChatInputCommandInteraction,
  type Client,
  DiscordAPIError,
  type Guild,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
  RateLimitError,
  Routes,
} from "discord.js";
import type { Logger } from "../../core/context.js";
import type { Reply } from "../../core/conversation/reply.js";
import { messages } from "../../core/i18n/index.js";
import type { AccessResult, AccountRef, ChatGateway, GateRef, SendResult } from "../../core/ports.js";
import { renderReply } from "./discord-render.js";

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
    private readonly options: { guildId: string; log: Logger; sendsPerSecond?: number },
  ) {
    this.pacer = new DeliveryPacer(options.sendsPerSecond ?? 24.5); // two requests per first DM: under 50 requests/s
  }

  /** The adapter tells us about each answered interaction, for the DM fallback. */
  rememberInteraction(userId: string, interaction: RepliableInteraction): void {
    this.recent.set(userId, { interaction, at: Date.now() });
    if (this.recent.size > 5000) {
      const oldest = this.recent.keys().next().value;
      if (oldest) this.recent.delete(oldest);
    }
  }

  async send(account: AccountRef, reply: Reply): Promise<SendResult> {
    const m = messages("en");
    try {
      await this.pacer.take();
      const user = await this.client.users.fetch(account.externalId);
      const channel = await user.createDM();
      for (const payload of renderReply(reply, m)) {
        const message = await channel.send(payload);
        void message;
      }
      return { ok: true };
    } catch (error) {
      if (error instanceof RateLimitError) {
        return { ok: false, reason: "RATE_LIMITED", retryAfterSeconds: Math.ceil(error.retryAfter / 1000) };
      }
      if (isCode(error, DiscordCode.CANNOT_DM) || isCode(error, DiscordCode.UNKNOWN_USER)) {
        return this.fallBack(account, reply);
      }
      this.options.log.warn({ accountId: account.accountId, err: describeError(error) }, "discord DM failed");
      return { ok: false, reason: "FAILED", detail: describeError(error) };
    }
  }

  /** DMs are closed: an ephemeral follow-up on the member's latest interaction, if it is still usable. */
  private async fallBack(account: AccountRef, reply: Reply): Promise<SendResult> {
    const recent = this.recent.get(account.externalId);
    if (!recent || Date.now() - recent.at > FOLLOW_UP_WINDOW_MS) return { ok: false, reason: "UNREACHABLE" };
    const locale = recent.interaction.locale?.startsWith("zh") ? "zh" : "en";
    const m = messages(locale);
    try {
      const payloads = renderReply(reply, m);
      for (const [index, payload] of payloads.entries()) {
        const content = index === 0 ? `${m.discord.dmClosed}\n${payload.content}` : payload.content;
        await recent.interaction.followUp({
          ...payload,
          content: content.slice(0, 2000),
          flags: MessageFlags.Ephemeral,
        });
      }
      return { ok: true };
    } catch (error) {
      this.options.log.info({ accountId: account.accountId, err: describeError(error) }, "discord fallback failed");
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
   * Why the bot cannot give or take `roleId` in `guild`, in words the creator can act on; null when it can.
   * Checked against the cached guild (kept current by the gateway's role and member events).
   */
  roleProblem(guild: Guild, roleId: string): string | null {
    const m = messages("en").discord;
    const me = guild.members.me;
    const mine = me?.roles.highest.name ?? this.client.user?.username ?? "Lyceum";
    const role = guild.roles.cache.get(roleId);
    if (!role || role.id === guild.id) return m.roleMissing({ role: roleId });
    if (!me?.permissions.has(PermissionFlagsBits.ManageRoles)) return m.missingManageRoles({ mine });
    if (role.managed) return m.roleManaged({ role: role.name });
    if (role.comparePositionTo(me.roles.highest) >= 0) return m.roleAboveMe({ role: role.name, mine });
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
