/**
 * A small local Discord: the REST routes the bot calls (over HTTP, under `/api/v10`) and a gateway over WebSocket
 * (HELLO, heartbeat ACK, READY and GUILD_CREATE on IDENTIFY, then dispatches), enough for the real discord.js client
 * to run end to end against it. No npm fake of Discord exists (see /work/shared/FACTS.md).
 *
 * It keeps one guild: roles with positions, members with roles, channels (a forum with tags), threads and messages.
 * Role changes follow Discord's rule: the bot needs Manage Roles and its highest role above the target role, else
 * 403 with code 50013 "Missing Permissions". DMs to a user who closed them answer 403 with code 50007. Any route can
 * be made to answer 429 with a `Retry-After` a few times.
 *
 * Tests drive it the way Discord would: `command()`, `press()`, `submitModal()`, `contextMenu()` inject interactions;
 * `post()` and `createForumPost()` inject messages; `addMember()`, `removeMember()`, `setRoles()` move members.
 * They read what the bot did: `replyTo()` (the final interaction reply), `sent`, `dmsTo()`, `rolesOf()`.
 *
 * @example
 * const discord = await startDiscordFake({ token: "t" });
 * const client = new Client({ intents: [...], rest: { api: discord.apiBase } });
 * await client.login("t");
 * const reply = await discord.replyTo(discord.command(alice, "courses"));
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

// --- Shapes (subsets of Discord's payloads)

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: "0";
  avatar: null;
  bot?: boolean;
}

export interface FakeRole {
  id: string;
  name: string;
  position: number;
  permissions: string;
  color: 0;
  hoist: false;
  managed: boolean;
  mentionable: false;
  flags: 0;
  icon: null;
  unicode_emoji: null;
}

export interface FakeMember {
  user: FakeUser;
  roles: string[];
  joined_at: string;
  nick: null;
  avatar: null;
  deaf: false;
  mute: false;
  flags: 0;
  pending: false;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: FakeUser;
  content: string;
  embeds: unknown[];
  components: unknown[];
  flags: number;
  timestamp: string;
  edited_timestamp: string | null;
  tts: false;
  mention_everyone: false;
  mentions: unknown[];
  mention_roles: string[];
  attachments: unknown[];
  pinned: false;
  type: 0 | 19 | 20;
}

export interface FakeChannel {
  id: string;
  type: number;
  name?: string;
  guild_id?: string;
  parent_id?: string | null;
  owner_id?: string;
  position?: number;
  permission_overwrites?: unknown[];
  available_tags?: { id: string; name: string; moderated: boolean; emoji_id: null; emoji_name: null }[];
  applied_tags?: string[];
  recipients?: FakeUser[];
  thread_metadata?: { archived: boolean; auto_archive_duration: number; archive_timestamp: string; locked: boolean };
  flags?: number;
  [key: string]: unknown;
}

/** What the bot answered to one interaction: the response callback, then edits of the original and follow-ups. */
export interface InteractionRecord {
  id: string;
  token: string;
  userId: string;
  /** Callback type: 4 message, 5 deferred message, 6 deferred update, 7 update, 9 modal. */
  callbackType: number | null;
  /** The reply as the member sees it (after edits). */
  content: string | null;
  components: unknown[];
  flags: number;
  modal: { custom_id: string; title: string; components: unknown[] } | null;
  followUps: { content: string; components: unknown[]; flags: number; attachments: UploadedAttachment[] }[];
  /** Files uploaded with the reply itself (the original message). */
  attachments: UploadedAttachment[];
  /** Set when the reply is final: a message callback, a modal, or the first edit of a deferred reply. */
  done: Promise<void>;
}

/** A file the bot uploaded with a message (multipart `files[n]`), as Discord lists it on the message. */
export interface UploadedAttachment {
  id: string;
  filename: string;
  size: number;
  description?: string;
  url: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
}

const API = "/api/v10";
const MANAGE_ROLES = 1n << 28n;
const ADMINISTRATOR = 1n << 3n;
const SEND_MESSAGES = 1n << 11n;
const ALL_MEMBER_PERMISSIONS = String((1n << 40n) - 1n);

let sequence = 0n;
/** Snowflake-shaped ids that grow, like Discord's. */
export function snowflake(): string {
  sequence += 1n;
  return String(((BigInt(Date.now()) - 1420070400000n) << 22n) + sequence);
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: object,
  ) {
    super(JSON.stringify(body));
  }
}

export interface DiscordFakeOptions {
  token: string;
  applicationId?: string;
  guildId?: string;
}

export class DiscordFake {
  readonly token: string;
  readonly applicationId: string;
  readonly guildId: string;
  readonly botUser: FakeUser;
  readonly botRoleId: string;
  /** The server's owner (a user who need not be a member yet); stable across connections, as on Discord. */
  ownerId: string = snowflake();
  readonly roles = new Map<string, FakeRole>();
  readonly members = new Map<string, FakeMember>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  readonly interactions = new Map<string, InteractionRecord>();
  /** Slash commands the bot registered for the guild (bulk overwrite). */
  guildCommands: Record<string, unknown>[] = [];
  /** Every REST request the bot made, with the status it got. */
  readonly requests: RecordedRequest[] = [];
  /** Users the bot banned from the guild (`PUT /guilds/:id/bans/:user`). */
  readonly bans = new Set<string>();
  /** Timeouts the bot set (`communication_disabled_until` of a member), by user id. */
  readonly timeouts = new Map<string, string>();
  /** Users whose DMs are closed (50007). */
  readonly closedDms = new Set<string>();
  /** Messages the bot posted through `POST /channels/:id/messages`. */
  readonly sent: FakeMessage[] = [];
  apiBase = "";
  gatewayUrl = "";
  identified = 0;
  /** Dispatches sent to identified connections (READY and GUILD_CREATE included). */
  dispatched = 0;
  /** Requests answered 429 by the global limit (`limitRequests`). */
  rateLimited = 0;
  /** Called with every message the bot posted (benchmarks time arrivals with it). */
  onMessage: ((message: FakeMessage) => void) | null = null;

  private readonly server = createServer((req, res) => void this.handle(req, res));
  private readonly wss = new WebSocketServer({ server: this.server, path: "/gateway" });
  private readonly sockets = new Set<{ socket: WebSocket; seq: number; ready: boolean }>();
  private readonly failures: { method: string; path: RegExp; left: number; retryAfter: number }[] = [];
  private readonly lostAnswers: { method: string; path: RegExp; left: number; mode: "drop" | 502 }[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly dmChannels = new Map<string, string>();
  private readonly finishers = new Map<string, () => void>();
  /** Off by default: at most this many authorized REST requests in any one second (a sliding window). */
  private globalLimit: number | null = null;
  private readonly requestTimes: number[] = [];

  constructor(options: DiscordFakeOptions) {
    this.token = options.token;
    this.applicationId = options.applicationId ?? snowflake();
    this.guildId = options.guildId ?? snowflake();
    this.botUser = this.user("Lyceum", { bot: true, id: this.applicationId });
    this.roles.set(this.guildId, this.role(this.guildId, "@everyone", 0, SEND_MESSAGES));
    this.botRoleId = snowflake();
    this.roles.set(this.botRoleId, this.role(this.botRoleId, "Lyceum", 2, MANAGE_ROLES | SEND_MESSAGES, true));
    this.members.set(this.botUser.id, this.member(this.botUser, [this.botRoleId]));
    this.wss.on("connection", (socket) => this.onConnection(socket));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.apiBase = `http://127.0.0.1:${port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.socket.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- Building the guild

  user(name: string, options: { bot?: boolean; id?: string } = {}): FakeUser {
    return {
      id: options.id ?? snowflake(),
      username: name.toLowerCase(),
      global_name: name,
      discriminator: "0",
      avatar: null,
      ...(options.bot ? { bot: true } : {}),
    };
  }

  /**
   * A role at `position` (the bot's own role is at 2: a role at 1 is manageable, at 3 is not); `administrator` gives
   * it the Administrator permission (its holders run the server).
   */
  addRole(name: string, position = 1, options: { administrator?: boolean } = {}): string {
    const id = snowflake();
    const role = this.role(id, name, position, options.administrator ? ADMINISTRATOR : 0n);
    this.roles.set(id, role);
    this.dispatch("GUILD_ROLE_CREATE", { guild_id: this.guildId, role });
    return id;
  }

  /** Moves a role (Server Settings → Roles, dragging it). */
  moveRole(roleId: string, position: number): void {
    const role = this.roles.get(roleId);
    if (!role) throw new Error(`no role ${roleId}`);
    role.position = position;
    this.dispatch("GUILD_ROLE_UPDATE", { guild_id: this.guildId, role });
  }

  /** A user joins the guild (GUILD_MEMBER_ADD when the bot is connected). */
  addMember(user: FakeUser, roles: string[] = []): FakeMember {
    const member = this.member(user, roles);
    this.members.set(user.id, member);
    this.dispatch("GUILD_MEMBER_ADD", { ...member, guild_id: this.guildId });
    return member;
  }

  removeMember(userId: string): void {
    const member = this.members.get(userId);
    if (!member) return;
    this.members.delete(userId);
    this.dispatch("GUILD_MEMBER_REMOVE", { guild_id: this.guildId, user: member.user });
  }

  /** Someone with Manage Roles changes a member's roles by hand. */
  setRoles(userId: string, roles: string[]): void {
    const member = this.members.get(userId);
    if (!member) throw new Error(`no member ${userId}`);
    member.roles = [...roles];
    this.dispatch("GUILD_MEMBER_UPDATE", { ...member, guild_id: this.guildId });
  }

  rolesOf(userId: string): string[] {
    return [...(this.members.get(userId)?.roles ?? [])];
  }

  hasRole(userId: string, roleId: string): boolean {
    return this.rolesOf(userId).includes(roleId);
  }

  /** A forum channel with tags (for the Q&A place). */
  addForum(name: string, tags: string[] = ["Solved"]): string {
    const id = snowflake();
    const channel: FakeChannel = {
      id,
      type: 15,
      name,
      guild_id: this.guildId,
      parent_id: null,
      position: this.channels.size,
      permission_overwrites: [],
      available_tags: tags.map((tag) => ({
        id: snowflake(),
        name: tag,
        moderated: false,
        emoji_id: null,
        emoji_name: null,
      })),
      flags: 0,
      default_reaction_emoji: null,
      default_sort_order: null,
      default_forum_layout: 0,
      rate_limit_per_user: 0,
      topic: null,
      nsfw: false,
    };
    this.channels.set(id, channel);
    this.dispatch("CHANNEL_CREATE", channel);
    return id;
  }

  /** A text channel. */
  addTextChannel(name: string): string {
    const id = snowflake();
    const channel: FakeChannel = {
      id,
      type: 0,
      name,
      guild_id: this.guildId,
      parent_id: null,
      position: this.channels.size,
      permission_overwrites: [],
      flags: 0,
      topic: null,
      nsfw: false,
      rate_limit_per_user: 0,
    };
    this.channels.set(id, channel);
    this.dispatch("CHANNEL_CREATE", channel);
    return id;
  }

  tagName(threadId: string): string[] {
    const thread = this.channels.get(threadId);
    const forum = thread?.parent_id ? this.channels.get(thread.parent_id) : undefined;
    return (thread?.applied_tags ?? []).map((id) => forum?.available_tags?.find((t) => t.id === id)?.name ?? id);
  }

  // --- What members do

  /** A new forum post: THREAD_CREATE, then its starter message (whose id is the thread's id, as on Discord). */
  createForumPost(author: FakeUser, forumId: string, title: string, body: string): string {
    const id = snowflake();
    const now = new Date().toISOString();
    const thread: FakeChannel = {
      id,
      type: 11,
      name: title,
      guild_id: this.guildId,
      parent_id: forumId,
      owner_id: author.id,
      applied_tags: [],
      flags: 0,
      message_count: 0,
      member_count: 1,
      rate_limit_per_user: 0,
      last_message_id: id,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: now, locked: false },
    };
    this.channels.set(id, thread);
    this.dispatch("THREAD_CREATE", { ...thread, newly_created: true });
    this.postMessage(author, id, body, id);
    return id;
  }

  /** A message in a channel or thread (MESSAGE_CREATE); `replyTo` makes it a reply to that message. */
  post(author: FakeUser, channelId: string, content: string, options: { replyTo?: string } = {}): string {
    return this.postMessage(author, channelId, content, snowflake(), options.replyTo).id;
  }

  private postMessage(author: FakeUser, channelId: string, content: string, id: string, replyTo?: string): FakeMessage {
    const message = this.message(id, channelId, author, content);
    if (replyTo) {
      Object.assign(message, {
        type: 19,
        message_reference: { message_id: replyTo, channel_id: channelId, guild_id: this.guildId },
      });
    }
    this.messages.set(id, message);
    const member = this.members.get(author.id);
    this.dispatch("MESSAGE_CREATE", {
      ...message,
      ...(member ? { member: { ...member, user: undefined } } : {}),
    });
    return message;
  }

  /** A slash command; returns the interaction id. */
  command(
    user: FakeUser,
    name: string,
    options: Record<string, string | number | { role: string }> = {},
    context: { locale?: string; channelId?: string; dm?: boolean } = {},
  ): string {
    const command = this.guildCommands.find((c) => c.name === name);
    const roles: Record<string, FakeRole> = {};
    for (const value of Object.values(options)) {
      if (typeof value === "object" && this.roles.has(value.role)) roles[value.role] = this.roles.get(value.role)!;
    }
    return this.interact(user, context, {
      type: 2,
      data: {
        id: (command?.id as string | undefined) ?? snowflake(),
        name,
        type: 1,
        guild_id: this.guildId,
        options: Object.entries(options).map(([optionName, value]) =>
          typeof value === "object"
            ? { name: optionName, type: 8, value: value.role }
            : { name: optionName, type: typeof value === "number" ? 4 : 3, value },
        ),
        ...(Object.keys(roles).length ? { resolved: { roles } } : {}),
      },
    });
  }

  /** Any interaction payload (for malformed ones too); returns its id. */
  interact(
    user: FakeUser,
    context: { locale?: string; channelId?: string; dm?: boolean },
    payload: { type: number; data?: unknown; message?: unknown },
  ): string {
    const id = snowflake();
    const token = randomBytes(16).toString("hex");
    let resolveDone: () => void = () => {};
    const record: InteractionRecord = {
      id,
      token,
      userId: user.id,
      callbackType: null,
      content: null,
      components: [],
      flags: 0,
      modal: null,
      followUps: [],
      attachments: [],
      done: new Promise<void>((resolve) => {
        resolveDone = resolve;
      }),
    };
    this.finishers.set(id, resolveDone);
    this.interactions.set(id, record);
    const member = this.members.get(user.id);
    const channelId = context.channelId ?? (context.dm ? this.dmChannel(user) : this.defaultChannel());
    const channel = this.channels.get(channelId);
    this.dispatch("INTERACTION_CREATE", {
      id,
      token,
      application_id: this.applicationId,
      version: 1,
      locale: context.locale ?? "en-US",
      guild_locale: "en-US",
      app_permissions: ALL_MEMBER_PERMISSIONS,
      entitlements: [],
      authorizing_integration_owners: { "0": this.guildId },
      context: context.dm ? 1 : 0,
      attachment_size_limit: 10_485_760,
      channel_id: channelId,
      channel: channel ? { ...channel } : { id: channelId, type: 0 },
      ...(context.dm || !member
        ? { user }
        : { guild_id: this.guildId, member: { ...member, permissions: ALL_MEMBER_PERMISSIONS } }),
      ...payload,
    });
    return id;
  }

  /**
   * Presses a button on a message the bot sent in reply to `interactionId`. `locale`: the presser's client language
   * (Discord sends it with every interaction; en-US when left out).
   */
  press(user: FakeUser, customId: string, onReplyTo?: string, locale?: string): string {
    const original = onReplyTo ? this.interactions.get(onReplyTo) : undefined;
    const message = this.message(snowflake(), this.defaultChannel(), this.botUser, original?.content ?? "");
    return this.interact(
      user,
      { locale },
      {
        type: 3,
        data: { custom_id: customId, component_type: 2 },
        message: { ...message, components: original?.components ?? [], flags: original?.flags ?? 0 },
      },
    );
  }

  /** Submits a modal the bot showed. */
  submitModal(user: FakeUser, customId: string, fields: Record<string, string>): string {
    return this.interact(
      user,
      {},
      {
        type: 5,
        data: {
          custom_id: customId,
          components: Object.entries(fields).map(([fieldId, value]) => ({
            type: 1,
            components: [{ type: 4, custom_id: fieldId, value }],
          })),
        },
      },
    );
  }

  /** A message context-menu command (right click on a message → Apps → `name`). */
  contextMenu(user: FakeUser, name: string, messageId: string): string {
    const message = this.messages.get(messageId);
    if (!message) throw new Error(`no message ${messageId}`);
    const command = this.guildCommands.find((c) => c.name === name);
    return this.interact(
      user,
      { channelId: message.channel_id },
      {
        type: 2,
        data: {
          id: (command?.id as string | undefined) ?? snowflake(),
          name,
          type: 3,
          guild_id: this.guildId,
          target_id: messageId,
          resolved: { messages: { [messageId]: message } },
        },
      },
    );
  }

  /** Resolves with the final reply to an interaction (a message, a modal, or a deferred reply's first edit). */
  async replyTo(interactionId: string, timeoutMs = 15_000): Promise<InteractionRecord> {
    const record = this.interactions.get(interactionId);
    if (!record) throw new Error(`no interaction ${interactionId}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no reply to interaction ${interactionId}`)), timeoutMs);
    });
    try {
      await Promise.race([record.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return record;
  }

  /** Text of the messages the bot sent in DMs to a user. */
  dmsTo(userId: string): string[] {
    const channelId = this.dmChannels.get(userId);
    return this.sent.filter((m) => m.channel_id === channelId).map((m) => m.content);
  }

  /** Waits until `check` holds, re-checking after every request and dispatch (no fixed sleeps). */
  async until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error("condition not met on the Discord fake"));
      }, timeoutMs);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * Enforces Discord's global limit (50 requests/s per bot): a request beyond `perSecond` in the last second answers
   * 429 with `Retry-After`, `X-RateLimit-Global: true` and `X-RateLimit-Scope: global`, as discord.js expects.
   * `null` turns it off (the default).
   */
  limitRequests(perSecond: number | null): void {
    this.globalLimit = perSecond;
    this.requestTimes.length = 0;
  }

  /** Takes a slot of the global limit; returns the seconds to wait when there is none. */
  private takeGlobalSlot(): number {
    if (this.globalLimit === null) return 0;
    const at = performance.now();
    while (this.requestTimes.length && at - this.requestTimes[0]! >= 1000) this.requestTimes.shift();
    if (this.requestTimes.length >= this.globalLimit) {
      return Math.max(0.001, (this.requestTimes[0]! + 1000 - at) / 1000);
    }
    this.requestTimes.push(at);
    return 0;
  }

  /**
   * The next `count` requests matching `method` and `path` are carried out (a message is posted and recorded) and then
   * the answer is lost: `"drop"` closes the connection unanswered, `502` answers Bad Gateway (Cloudflare in front of
   * Discord gave up waiting). The bot cannot know the message was posted.
   */
  loseAnswerNext(method: string, path: RegExp, mode: "drop" | 502, count = 1): void {
    this.lostAnswers.push({ method, path, left: count, mode });
  }

  /** The next `count` requests matching `method` and `path` answer 429 with `Retry-After: retryAfter` seconds. */
  rateLimitNext(method: string, path: RegExp, count: number, retryAfter = 0.05): void {
    this.failures.push({ method, path, left: count, retryAfter });
  }

  // --- Gateway

  /**
   * The privileged intents switched on in the Developer Portal (Bot → Privileged Gateway Intents). An IDENTIFY that
   * asks for one that is off is closed with 4014 "Disallowed intent(s).", as Discord does.
   */
  readonly privilegedIntents = { members: true, presences: true, messageContent: true };
  /** An outage: sessions are cut and new gateway connections dropped until `restoreGateway()`. */
  private gatewayDown = false;

  /** The gateway goes down (an outage): every session is cut, reconnects fail until `restoreGateway()`. */
  dropGateway(): void {
    this.gatewayDown = true;
    for (const connection of this.sockets) connection.socket.terminate();
  }

  restoreGateway(): void {
    this.gatewayDown = false;
  }

  private onConnection(socket: WebSocket): void {
    if (this.gatewayDown) {
      socket.terminate();
      return;
    }
    const connection = { socket, seq: 0, ready: false };
    this.sockets.add(connection);
    socket.on("close", () => this.sockets.delete(connection));
    socket.on("message", (raw) => {
      const payload = JSON.parse(String(raw)) as { op: number; d: unknown };
      if (payload.op === 1) socket.send(JSON.stringify({ op: 11, d: null }));
      if (payload.op === 2) this.identify(connection, payload.d as { token: string; intents?: number });
    });
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 } }));
  }

  private identify(
    connection: { socket: WebSocket; seq: number; ready: boolean },
    data: { token: string; intents?: number },
  ): void {
    if (data.token !== this.token) {
      connection.socket.close(4004, "Authentication failed.");
      return;
    }
    // GUILD_MEMBERS (1 << 1), GUILD_PRESENCES (1 << 8), MESSAGE_CONTENT (1 << 15) are the privileged ones.
    const intents = Number(data.intents ?? 0);
    const refused =
      (intents & (1 << 1) && !this.privilegedIntents.members) ||
      (intents & (1 << 8) && !this.privilegedIntents.presences) ||
      (intents & (1 << 15) && !this.privilegedIntents.messageContent);
    if (refused) {
      connection.socket.close(4014, "Disallowed intent(s).");
      return;
    }
    this.identified += 1;
    const send = (t: string, d: unknown) => {
      this.dispatched += 1;
      connection.seq += 1;
      connection.socket.send(JSON.stringify({ op: 0, t, s: connection.seq, d }));
    };
    send("READY", {
      v: 10,
      user: this.botUser,
      guilds: [{ id: this.guildId, unavailable: true }],
      session_id: randomBytes(8).toString("hex"),
      resume_gateway_url: this.gatewayUrl,
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 },
    });
    send("GUILD_CREATE", this.guildPayload());
    connection.ready = true;
  }

  private guildPayload() {
    return {
      id: this.guildId,
      name: "Lyceum Community",
      icon: null,
      owner_id: this.ownerId,
      preferred_locale: "en-US",
      features: [],
      roles: [...this.roles.values()],
      emojis: [],
      stickers: [],
      members: [...this.members.values()],
      member_count: this.members.size,
      channels: [...this.channels.values()].filter((c) => c.type !== 11 && c.type !== 1),
      threads: [...this.channels.values()].filter((c) => c.type === 11),
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      large: false,
      unavailable: false,
      joined_at: new Date().toISOString(),
      premium_tier: 0,
      system_channel_flags: 0,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      afk_timeout: 300,
    };
  }

  /** Sends a dispatch to every identified connection. */
  dispatch(t: string, d: unknown): void {
    for (const connection of this.sockets) {
      if (!connection.ready) continue;
      this.dispatched += 1;
      connection.seq += 1;
      connection.socket.send(JSON.stringify({ op: 0, t, s: connection.seq, d }));
    }
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  // --- REST

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const path = decodeURIComponent(url.pathname);
    let status = 200;
    let body: unknown = null;
    try {
      const failure = this.failures.find((f) => f.left > 0 && f.method === method && f.path.test(path));
      if (failure) {
        failure.left -= 1;
        res.setHeader("retry-after", String(failure.retryAfter));
        res.setHeader("x-ratelimit-scope", "user");
        throw new HttpProblem(429, {
          message: "You are being rate limited.",
          retry_after: failure.retryAfter,
          global: false,
        });
      }
      const interactionCallback = /^\/api\/v10\/interactions\/(\d+)\/([\w-]+)\/callback$/.exec(path);
      if (!interactionCallback && !path.startsWith(`${API}/webhooks/`)) {
        this.authorize(req);
        const retryAfter = path.startsWith(`${API}/gateway`) ? 0 : this.takeGlobalSlot();
        if (retryAfter > 0) {
          this.rateLimited += 1;
          res.setHeader("retry-after", String(Math.ceil(retryAfter)));
          res.setHeader("x-ratelimit-global", "true");
          res.setHeader("x-ratelimit-scope", "global");
          throw new HttpProblem(429, { message: "You are being rate limited.", retry_after: retryAfter, global: true });
        }
      }
      const raw = await readBody(req);
      const payload = await parsePayload(raw, String(req.headers["content-type"] ?? ""));
      checkMessage(payload);
      if (payload.data && typeof payload.data === "object") checkMessage(payload.data as Record<string, unknown>);
      const result = this.route(method, path, payload, url);
      status = result.status;
      body = result.body;
    } catch (error) {
      if (error instanceof HttpProblem) {
        status = error.status;
        body = error.body;
      } else {
        status = 500;
        body = { message: error instanceof Error ? error.message : String(error), code: 0 };
      }
    }
    const lost =
      status < 300 ? this.lostAnswers.find((l) => l.left > 0 && l.method === method && l.path.test(path)) : undefined;
    if (lost) {
      lost.left -= 1;
      if (lost.mode === "drop") {
        this.requests.push({ method, path, status: 0 });
        req.socket.destroy();
        this.wake();
        return;
      }
      status = 502;
      body = { message: "502: Bad Gateway", code: 0 };
    }
    this.requests.push({ method, path, status });
    if (status === 204) {
      res.writeHead(204).end();
    } else {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    }
    this.wake();
  }

  private authorize(req: IncomingMessage): void {
    if (req.headers.authorization !== `Bot ${this.token}`) {
      throw new HttpProblem(401, { message: "401: Unauthorized", code: 0 });
    }
  }

  private route(
    method: string,
    path: string,
    payload: Record<string, unknown>,
    url: URL,
  ): { status: number; body: unknown } {
    const p = path.slice(API.length);
    const ok = (body: unknown) => ({ status: 200, body });
    let m = [] as unknown as RegExpExecArray;
    /** Matches `re` against the path and keeps the match in `m`. */
    const at = (re: RegExp): boolean => {
      const found = re.exec(p);
      if (found) m = found;
      return found !== null;
    };
    if (method === "GET" && p === "/gateway/bot") {
      return ok({
        url: this.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (method === "GET" && p === "/users/@me") return ok(this.botUser);
    if (at(/^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/) && method === "PUT") {
      const commands = (payload as unknown as Record<string, unknown>[]).map((c) => ({
        ...c,
        id: snowflake(),
        application_id: this.applicationId,
        guild_id: m[2],
        version: snowflake(),
        default_member_permissions: c.default_member_permissions ?? null,
        type: c.type ?? 1,
      }));
      this.guildCommands = commands;
      return ok(commands);
    }
    if (at(/^\/interactions\/(\d+)\/([\w-]+)\/callback$/) && method === "POST") {
      return this.interactionCallback(m[1]!, m[2]!, payload as { type: number; data?: Record<string, unknown> });
    }
    if (at(/^\/webhooks\/(\d+)\/([\w-]+)\/messages\/@original$/)) {
      const record = this.byToken(m[2]!);
      if (method === "PATCH") {
        if ("content" in payload) record.content = String(payload.content ?? "");
        if ("components" in payload) record.components = (payload.components as unknown[]) ?? [];
        if (uploaded(payload).length) record.attachments = uploaded(payload);
        this.finish(record);
        return ok(this.message(snowflake(), this.defaultChannel(), this.botUser, record.content ?? ""));
      }
      if (method === "GET")
        return ok(this.message(snowflake(), this.defaultChannel(), this.botUser, record.content ?? ""));
    }
    if (at(/^\/webhooks\/(\d+)\/([\w-]+)$/) && method === "POST") {
      const record = this.byToken(m[2]!);
      const content = String(payload.content ?? "");
      checkNotEmpty(payload);
      record.followUps.push({
        content,
        components: (payload.components as unknown[]) ?? [],
        flags: Number(payload.flags ?? 0),
        attachments: uploaded(payload),
      });
      void url;
      return ok({
        ...this.message(snowflake(), this.defaultChannel(), this.botUser, content),
        flags: payload.flags ?? 0,
      });
    }
    if (method === "POST" && p === "/users/@me/channels") {
      const recipient = String(payload.recipient_id ?? "");
      const user = this.members.get(recipient)?.user ?? { ...this.user("someone"), id: recipient };
      const id = this.dmChannel(user);
      return ok(this.channels.get(id));
    }
    if (at(/^\/channels\/(\d+)\/messages$/) && method === "POST") {
      const channel = this.channels.get(m[1]!);
      if (!channel) throw new HttpProblem(404, { message: "Unknown Channel", code: 10003 });
      const recipient = channel.recipients?.[0];
      if (channel.type === 1 && recipient && this.closedDms.has(recipient.id)) {
        throw new HttpProblem(403, { message: "Cannot send messages to this user", code: 50007 });
      }
      checkNotEmpty(payload);
      const message = {
        ...this.message(snowflake(), channel.id, this.botUser, String(payload.content ?? "")),
        components: (payload.components as unknown[]) ?? [],
        embeds: (payload.embeds as unknown[]) ?? [],
        attachments: uploaded(payload),
      };
      this.messages.set(message.id, message);
      this.sent.push(message);
      this.onMessage?.(message);
      return ok(message);
    }
    if (at(/^\/channels\/(\d+)$/)) {
      const channel = this.channels.get(m[1]!);
      if (!channel) throw new HttpProblem(404, { message: "Unknown Channel", code: 10003 });
      if (method === "GET") return ok(channel);
      if (method === "PATCH") {
        if (Array.isArray(payload.applied_tags)) channel.applied_tags = payload.applied_tags.map(String);
        if (typeof payload.name === "string") channel.name = payload.name;
        this.dispatch("THREAD_UPDATE", channel);
        return ok(channel);
      }
    }
    if (at(/^\/channels\/(\d+)\/threads$/) && method === "POST") {
      const parent = this.channels.get(m[1]!);
      if (!parent) throw new HttpProblem(404, { message: "Unknown Channel", code: 10003 });
      if (parent.type !== 0)
        throw new HttpProblem(400, { message: "Cannot execute action on this channel type", code: 50024 });
      const id = snowflake();
      const now = new Date().toISOString();
      const thread: FakeChannel = {
        id,
        type: Number(payload.type ?? 11),
        name: String(payload.name ?? ""),
        guild_id: this.guildId,
        parent_id: parent.id,
        owner_id: this.botUser.id,
        flags: 0,
        message_count: 0,
        member_count: 1,
        rate_limit_per_user: 0,
        last_message_id: null,
        thread_metadata: {
          archived: false,
          auto_archive_duration: Number(payload.auto_archive_duration ?? 1440),
          archive_timestamp: now,
          locked: false,
        },
      };
      this.channels.set(id, thread);
      this.dispatch("THREAD_CREATE", { ...thread, newly_created: true });
      return { status: 201, body: thread };
    }
    if (at(/^\/guilds\/(\d+)\/bans\/(\d+)$/) && method === "PUT") {
      this.requireModerationRight();
      this.bans.add(m[2]!);
      this.members.delete(m[2]!);
      return { status: 204, body: null };
    }
    if (at(/^\/guilds\/(\d+)\/members\/(\d+)$/) && method === "PATCH") {
      const member = this.members.get(m[2]!);
      if (!member) throw new HttpProblem(404, { message: "Unknown Member", code: 10007 });
      if ("communication_disabled_until" in payload) {
        this.requireModerationRight();
        this.timeouts.set(m[2]!, String(payload.communication_disabled_until));
      }
      return ok(member);
    }
    if (at(/^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/)) {
      return this.changeRole(method, m[2]!, m[3]!);
    }
    if (at(/^\/guilds\/(\d+)\/members\/(\d+)$/) && method === "GET") {
      const member = this.members.get(m[2]!);
      if (!member) throw new HttpProblem(404, { message: "Unknown Member", code: 10007 });
      return ok(member);
    }
    if (at(/^\/guilds\/(\d+)\/members$/) && method === "GET") {
      const after = url.searchParams.get("after") ?? "0";
      const limit = Number(url.searchParams.get("limit") ?? "1");
      const list = [...this.members.values()]
        .filter((member) => BigInt(member.user.id) > BigInt(after))
        .sort((a, b) => (BigInt(a.user.id) < BigInt(b.user.id) ? -1 : 1))
        .slice(0, limit);
      return ok(list);
    }
    if (at(/^\/guilds\/(\d+)\/roles$/) && method === "GET") return ok([...this.roles.values()]);
    if (at(/^\/guilds\/(\d+)$/) && method === "GET") return ok(this.guildPayload());
    throw new HttpProblem(404, { message: `404: Not Found (${method} ${p})`, code: 0 });
  }

  /** Bans and timeouts need Ban Members / Moderate Members: false, and the fake answers 50013 Missing Permissions. */
  moderationRight = true;

  private requireModerationRight(): void {
    if (!this.moderationRight) throw new HttpProblem(403, { message: "Missing Permissions", code: 50013 });
  }

  private changeRole(method: string, userId: string, roleId: string): { status: number; body: unknown } {
    const member = this.members.get(userId);
    if (!member) throw new HttpProblem(404, { message: "Unknown Member", code: 10007 });
    const role = this.roles.get(roleId);
    if (!role) throw new HttpProblem(404, { message: "Unknown Role", code: 10011 });
    const me = this.members.get(this.botUser.id)!;
    const myRoles = [this.guildId, ...me.roles].map((id) => this.roles.get(id)!).filter(Boolean);
    const permissions = myRoles.reduce((acc, r) => acc | BigInt(r.permissions), 0n);
    const highest = Math.max(...myRoles.map((r) => r.position));
    const allowed = (permissions & (MANAGE_ROLES | ADMINISTRATOR)) !== 0n && role.position < highest && !role.managed;
    if (!allowed) throw new HttpProblem(403, { message: "Missing Permissions", code: 50013 });
    const has = member.roles.includes(roleId);
    if (method === "PUT" && !has) member.roles.push(roleId);
    if (method === "DELETE" && has) member.roles = member.roles.filter((r) => r !== roleId);
    if ((method === "PUT" && !has) || (method === "DELETE" && has)) {
      this.dispatch("GUILD_MEMBER_UPDATE", { ...member, guild_id: this.guildId });
    }
    return { status: 204, body: null };
  }

  private interactionCallback(
    id: string,
    token: string,
    payload: { type: number; data?: Record<string, unknown> },
  ): { status: number; body: unknown } {
    const record = this.interactions.get(id);
    if (!record || record.token !== token) throw new HttpProblem(404, { message: "Unknown interaction", code: 10062 });
    if (record.callbackType !== null) {
      throw new HttpProblem(400, { message: "Interaction has already been acknowledged.", code: 40060 });
    }
    record.callbackType = payload.type;
    const data = payload.data ?? {};
    record.flags = Number(data.flags ?? 0);
    if (payload.type === 4 || payload.type === 7) {
      record.content = String(data.content ?? "");
      record.components = (data.components as unknown[]) ?? [];
      this.finish(record);
    } else if (payload.type === 9) {
      record.modal = {
        custom_id: String(data.custom_id),
        title: String(data.title),
        components: (data.components as unknown[]) ?? [],
      };
      this.finish(record);
    }
    return { status: 204, body: null };
  }

  private finish(record: InteractionRecord): void {
    this.finishers.get(record.id)?.();
  }

  private byToken(token: string): InteractionRecord {
    for (const record of this.interactions.values()) if (record.token === token) return record;
    throw new HttpProblem(404, { message: "Unknown Webhook", code: 10015 });
  }

  private dmChannel(user: FakeUser): string {
    const existing = this.dmChannels.get(user.id);
    if (existing) return existing;
    const id = snowflake();
    this.channels.set(id, { id, type: 1, recipients: [user], last_message_id: null, flags: 0 });
    this.dmChannels.set(user.id, id);
    return id;
  }

  private defaultChannel(): string {
    for (const channel of this.channels.values()) if (channel.type === 0) return channel.id;
    return this.addTextChannel("general");
  }

  private role(id: string, name: string, position: number, permissions: bigint, managed = false): FakeRole {
    return {
      id,
      name,
      position,
      permissions: String(permissions),
      color: 0,
      hoist: false,
      managed,
      mentionable: false,
      flags: 0,
      icon: null,
      unicode_emoji: null,
    };
  }

  private member(user: FakeUser, roles: string[]): FakeMember {
    return {
      user,
      roles: [...roles],
      joined_at: new Date().toISOString(),
      nick: null,
      avatar: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
    };
  }

  private message(id: string, channelId: string, author: FakeUser, content: string): FakeMessage {
    const channel = this.channels.get(channelId);
    return {
      id,
      channel_id: channelId,
      ...(channel?.guild_id ? { guild_id: channel.guild_id } : {}),
      author,
      content,
      embeds: [],
      components: [],
      flags: 0,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      pinned: false,
      type: 0,
    };
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** JSON bodies, or multipart ones (discord.js sends `payload_json` when it attaches files). */
async function parsePayload(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  if (raw.length === 0) return {};
  const invalid = new HttpProblem(400, { message: "The request body contains invalid JSON.", code: 50109 });
  try {
    if (contentType.startsWith("multipart/form-data")) {
      const form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
      const json = form.get("payload_json");
      const payload = typeof json === "string" ? (JSON.parse(json) as Record<string, unknown>) : {};
      // Files come as `files[n]` parts; payload_json's `attachments` gives each one's description.
      const described = new Map(
        ((payload.attachments as { id?: unknown; description?: string }[] | undefined) ?? []).map((a) => [
          String(a.id),
          a.description,
        ]),
      );
      const files: UploadedAttachment[] = [];
      for (const [name, value] of form.entries()) {
        const index = /^files\[(\d+)\]$/.exec(name)?.[1];
        if (index === undefined || typeof value === "string") continue;
        const id = snowflake();
        files.push({
          id,
          filename: value.name,
          size: value.size,
          ...(described.get(index) ? { description: described.get(index) } : {}),
          url: `https://cdn.discordapp.test/attachments/${id}/${value.name}`,
        });
      }
      if (files.length) Object.defineProperty(payload, UPLOADS, { value: files, enumerable: false });
      return payload;
    }
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw)) as Record<string, unknown>;
  } catch {
    throw invalid;
  }
}

const UPLOADS = Symbol("uploaded files");

/** The files a multipart request carried. */
function uploaded(payload: Record<string, unknown>): UploadedAttachment[] {
  return ((payload as Record<symbol, unknown>)[UPLOADS] as UploadedAttachment[] | undefined) ?? [];
}

/** Discord refuses a message with nothing to show (50006). */
function checkNotEmpty(payload: Record<string, unknown>): void {
  const hasContent = typeof payload.content === "string" && payload.content.length > 0;
  const hasEmbeds = Array.isArray(payload.embeds) && payload.embeds.length > 0;
  const hasComponents = Array.isArray(payload.components) && payload.components.length > 0;
  if (!hasContent && !hasEmbeds && !hasComponents && uploaded(payload).length === 0) {
    throw new HttpProblem(400, { message: "Cannot send an empty message", code: 50006 });
  }
}

/** Discord's "Invalid Form Body" for one field. */
function invalidField(field: string, code: string, message: string): HttpProblem {
  return new HttpProblem(400, {
    message: "Invalid Form Body",
    code: 50035,
    errors: { [field]: { _errors: [{ code, message }] } },
  });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What Discord checks in a message body: content of at most 2000 characters, valid Unicode (half of a surrogate pair
 * is not), button labels of at most 80 and custom ids of at most 100 characters.
 */
function checkMessage(payload: Record<string, unknown>): void {
  if (typeof payload.content === "string") {
    if (LONE_SURROGATE.test(payload.content))
      throw invalidField("content", "STRING_TYPE_CONVERT", "Could not interpret the value as a valid string.");
    if ([...payload.content].length > 2000)
      throw invalidField("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.");
  }
  const rows = Array.isArray(payload.components) ? (payload.components as { components?: unknown[] }[]) : [];
  for (const row of rows) {
    for (const component of (row.components ?? []) as Record<string, unknown>[]) {
      const label = component.label;
      if (typeof label === "string" && (LONE_SURROGATE.test(label) || [...label].length > 80))
        throw invalidField("components", "BASE_TYPE_MAX_LENGTH", "Must be 80 or fewer in length.");
      const customId = component.custom_id;
      if (typeof customId === "string" && (customId.length === 0 || [...customId].length > 100))
        throw invalidField("components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
    }
  }
}

/** Starts a fake Discord on a random local port. */
export async function startDiscordFake(options: DiscordFakeOptions): Promise<DiscordFake> {
  const fake = new DiscordFake(options);
  await fake.listen();
  return fake;
}
