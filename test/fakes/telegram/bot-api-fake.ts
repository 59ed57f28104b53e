/**
 * A local fake of the Telegram Bot API, spoken over HTTP the way the real server speaks it, so the real grammY and
 * Telegraf clients run against it unchanged (`apiRoot` / `telegram.apiRoot`). It keeps just enough state to be
 * honest: chats with members, join requests, invite links, sent messages, invoices and Stars charges; getUpdates long
 * polls, and setWebhook switches delivery to signed POSTs. Only the update kinds the bot asked for are created
 * (`allowed_updates`), and chat_member updates only where the bot is an administrator. Tests inject what users do (a
 * message, a button press, a pre-checkout query, a payment, a join request, someone joining or leaving) and read back
 * what the bot called.
 *
 * @example const fake = await startBotApiFake(); const bot = new Bot(TOKEN, { client: { apiRoot: fake.apiRoot } });
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isValidUtf16, parseTelegramHtml, TelegramHtmlError } from "./telegram-html.js";

export const FAKE_TOKEN = "123456:TEST-token-for-the-fake";
export const BOT_USER = { id: 123456, is_bot: true, first_name: "Lyceum", username: "LyceumTestBot" };

type Json = Record<string, unknown>;

export interface FakeUser {
  id: number;
  first_name: string;
  username?: string;
  language_code?: string;
}

export interface RecordedCall {
  method: string;
  params: Json;
}

interface FakeChat {
  id: number;
  type: "group" | "supergroup" | "channel";
  title: string;
  is_forum: boolean;
  /** user id → status ("member", "administrator", "left", "kicked", …). */
  members: Map<number, string>;
  joinRequests: Set<number>;
  botStatus: "administrator" | "member" | "left" | "kicked";
  botRights: {
    can_invite_users: boolean;
    can_restrict_members: boolean;
    can_manage_topics: boolean;
    can_promote_members: boolean;
  };
  /** Administrators' custom titles (setChatAdministratorCustomTitle), by user id. */
  customTitles: Map<number, string>;
}

interface Failure {
  method: string;
  times: number;
  error: { error_code: number; description: string; parameters?: Json };
  chatId?: number;
}

/**
 * A call carried out whose answer is then lost: the connection closes unanswered, a proxy answers 502, or the answer
 * never comes at all (the connection stays open until the fake closes).
 */
interface LostAnswer {
  method: string;
  times: number;
  mode: "drop" | 502 | "hang";
  chatId?: number;
}

/** A file the bot uploaded: what a test can check (the bytes arrived, under which name). */
export interface UploadedFile {
  fileName: string;
  size: number;
  bytes: Buffer;
}

export interface StarsCharge {
  chargeId: string;
  userId: number;
  amount: number;
  refunded: boolean;
  subscriptionCanceled: boolean;
}

export class BotApiFake {
  readonly calls: RecordedCall[] = [];
  readonly users = new Map<number, FakeUser>();
  readonly chats = new Map<number, FakeChat>();
  /** Users who blocked the bot: anything sent to them answers 403. */
  readonly blocked = new Set<number>();
  readonly charges = new Map<string, StarsCharge>();
  readonly inviteLinks = new Map<string, { chatId: number; createsJoinRequest: boolean; name?: string }>();
  webhook: { url: string; secretToken?: string } | null = null;
  /**
   * The update kinds the bot asked for (the last `allowed_updates` of getUpdates or setWebhook); null until it asks:
   * Telegram's default, every kind but chat_member and reactions. Updates of other kinds are never created.
   */
  allowedUpdates: string[] | null = null;
  /** Updates Telegram did not create because the bot had not asked for them or could not see them (kind, chat). */
  readonly withheld: { kind: string; chatId?: number }[] = [];
  apiRoot = "";
  /** Calls the fake refused as Telegram would (400 and 403 answers), with Telegram's description. */
  readonly refusals: { method: string; description: string }[] = [];
  /** sendMessage calls answered 429 by the global limit (`limitSendMessage`). */
  rateLimited = 0;
  /** Files the bot uploaded (multipart), by the file ids the fake handed back; sending one of these ids again is valid. */
  readonly files = new Map<string, UploadedFile>();
  /** Called with every call the fake answered successfully (benchmarks time arrivals with it). */
  onCall: ((call: RecordedCall) => void) | null = null;

  private server: Server | null = null;
  private updates: Json[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1000;
  private pollers: (() => void)[] = [];
  private failures: Failure[] = [];
  /** Methods this server does not implement (`refuse`), with the answer it gives. */
  private readonly unsupported = new Map<string, { status: number; body: Json }>();
  private lostAnswers: LostAnswer[] = [];
  private preCheckoutAnswers = new Map<string, (answer: { ok: boolean; error_message?: string }) => void>();
  private callWaiters: { match: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }[] = [];
  private closed = false;
  /** Off by default: at most this many sendMessage calls in any one second (a sliding window). */
  private sendLimit: number | null = null;
  private readonly sendTimes: number[] = [];

  constructor(readonly token = FAKE_TOKEN) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      void this.route(request).then(({ status, body, drop, hang }) => {
        if (hang) return; // no answer, ever: close() ends the connection
        if (drop) {
          // The request was carried out; the client never hears back (a connection lost on the way back).
          request.socket.destroy();
          return;
        }
        response.writeHead(status, { "content-type": "application/json" });
        response.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.apiRoot = `http://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.pollers.splice(0)) wake();
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  /** Forgets everything recorded and every chat; keeps the server and the webhook setting. */
  reset(): void {
    this.calls.length = 0;
    this.refusals.length = 0;
    this.users.clear();
    this.chats.clear();
    this.blocked.clear();
    this.charges.clear();
    this.inviteLinks.clear();
    this.failures.length = 0;
    this.lostAnswers.length = 0;
    this.updates.length = 0;
    this.withheld.length = 0;
    this.files.clear();
  }

  // --- What tests set up

  user(id: number, first_name: string, options: { username?: string; language_code?: string } = {}): FakeUser {
    const user = { id, first_name, ...options };
    this.users.set(id, user);
    return user;
  }

  chat(
    id: number,
    options: { type?: FakeChat["type"]; title?: string; forum?: boolean; botStatus?: FakeChat["botStatus"] } = {},
  ): FakeChat {
    const chat: FakeChat = {
      id,
      type: options.type ?? "supergroup",
      title: options.title ?? `Chat ${id}`,
      is_forum: options.forum ?? false,
      members: new Map(),
      joinRequests: new Set(),
      botStatus: options.botStatus ?? "administrator",
      botRights: {
        can_invite_users: true,
        can_restrict_members: true,
        can_manage_topics: true,
        can_promote_members: true,
      },
      customTitles: new Map(),
    };
    this.chats.set(id, chat);
    return chat;
  }

  /** The custom title `userId` carries in the chat as an administrator (setChatAdministratorCustomTitle), if any. */
  customTitleOf(chatId: number, userId: number): string | null {
    const chat = this.chats.get(chatId);
    return chat?.members.get(userId) === "administrator" ? (chat.customTitles.get(userId) ?? null) : null;
  }

  /** A chat member's status ("member", "administrator", "left" …), as getChatMember reports it. */
  statusOf(chatId: number, userId: number): string {
    return this.chats.get(chatId)?.members.get(userId) ?? "left";
  }

  /** The next `times` calls of `method` (optionally to one chat) fail with this Bot API error. */
  failNext(method: string, error: Failure["error"], options: { times?: number; chatId?: number } = {}): void {
    this.failures.push({ method, error, times: options.times ?? 1, chatId: options.chatId });
  }

  /**
   * Until `support(method)`, the server does not implement `method`: it answers as the real Bot API answers a method
   * it does not know (404 `Not Found`), or — `notBotApi` — the way a proxy or test server that is not the Bot API
   * might (500 with a body that has no `error_code` and no `description`).
   */
  refuse(method: string, options: { notBotApi?: boolean } = {}): void {
    this.unsupported.set(
      method,
      options.notBotApi
        ? { status: 500, body: { ok: false, error: `Unknown method ${method}` } }
        : { status: 404, body: { ok: false, error_code: 404, description: "Not Found" } },
    );
  }

  /** Implements `method` again after `refuse`. */
  support(method: string): void {
    this.unsupported.delete(method);
  }

  /**
   * The next `times` calls of `method` (optionally to one chat) are carried out — a message is delivered and recorded
   * like any other — and then the answer is lost: `"drop"` closes the connection without a response, `502` answers
   * Bad Gateway (a proxy in front of Telegram that gave up waiting), `"hang"` never answers. The bot cannot know the
   * message arrived.
   */
  loseAnswerNext(method: string, mode: LostAnswer["mode"], options: { times?: number; chatId?: number } = {}): void {
    this.lostAnswers.push({ method, mode, times: options.times ?? 1, chatId: options.chatId });
  }

  /** Next call(s) answer 429 Too Many Requests with `retry_after`. */
  rateLimitNext(method: string, retryAfterSeconds: number, options: { times?: number; chatId?: number } = {}): void {
    this.failNext(
      method,
      {
        error_code: 429,
        description: `Too Many Requests: retry after ${retryAfterSeconds}`,
        parameters: { retry_after: retryAfterSeconds },
      },
      options,
    );
  }

  /**
   * Enforces Telegram's global bulk limit (about 30 messages/s): a sendMessage beyond `perSecond` in the last second
   * answers 429 `Too Many Requests: retry after N` with `parameters.retry_after`. `null` turns it off (the default).
   */
  limitSendMessage(perSecond: number | null): void {
    this.sendLimit = perSecond;
    this.sendTimes.length = 0;
  }

  /** Takes a slot of the global sendMessage limit; returns the seconds to wait when there is none. */
  private takeSendSlot(): number {
    if (this.sendLimit === null) return 0;
    const at = performance.now();
    while (this.sendTimes.length && at - this.sendTimes[0]! >= 1000) this.sendTimes.shift();
    if (this.sendTimes.length >= this.sendLimit) return Math.max(1, Math.ceil((this.sendTimes[0]! + 1000 - at) / 1000));
    this.sendTimes.push(at);
    return 0;
  }

  // --- What users do (each returns the update id)

  /** A private message from the user; `/commands` carry a bot_command entity like the real thing. */
  say(user: FakeUser, text: string): number {
    return this.push({
      message: this.message(user, { id: user.id, type: "private", first_name: user.first_name }, text),
    });
  }

  /**
   * The user sends a photo or a file in the private chat. Telegram keeps it and hands the bot file ids (a photo in
   * several sizes, the largest last); the fake remembers them, so the bot can send the file again by its id.
   */
  sendFile(
    user: FakeUser,
    file: { kind: "photo" | "document"; bytes: Buffer; fileName?: string; mimeType?: string; caption?: string },
  ): { updateId: number; fileId: string } {
    const fileId = `file-${randomId()}`;
    this.files.set(fileId, { fileName: file.fileName ?? "", size: file.bytes.length, bytes: file.bytes });
    const message = this.message(user, { id: user.id, type: "private", first_name: user.first_name }, undefined);
    if (file.kind === "photo") {
      this.files.set(`${fileId}-thumb`, { fileName: "", size: 0, bytes: Buffer.alloc(0) });
      message.photo = [
        { file_id: `${fileId}-thumb`, file_unique_id: `${fileId}-u1`, width: 90, height: 90 },
        { file_id: fileId, file_unique_id: `${fileId}-u2`, width: 800, height: 600, file_size: file.bytes.length },
      ];
    } else {
      message.document = {
        file_id: fileId,
        file_unique_id: `${fileId}-u`,
        file_size: file.bytes.length,
        ...(file.fileName ? { file_name: file.fileName } : {}),
        ...(file.mimeType ? { mime_type: file.mimeType } : {}),
      };
    }
    if (file.caption !== undefined) message.caption = file.caption;
    return { updateId: this.push({ message }), fileId };
  }

  /** A message in a group; `threadId` for a forum topic, `replyTo` for a reply thread. */
  sayInGroup(
    user: FakeUser,
    chatId: number,
    text: string,
    options: { threadId?: number; replyTo?: number; topicName?: string } = {},
  ): { updateId: number; messageId: number } {
    const chat = this.chats.get(chatId);
    const message = this.message(
      user,
      { id: chatId, type: chat?.type ?? "supergroup", title: chat?.title ?? "group", is_forum: chat?.is_forum },
      text,
    );
    if (options.threadId !== undefined) {
      message.message_thread_id = options.threadId;
      message.is_topic_message = true;
      message.reply_to_message = {
        message_id: options.threadId,
        date: message.date,
        chat: message.chat,
        forum_topic_created: { name: options.topicName ?? "Topic", icon_color: 0x6fb9f0 },
      };
    }
    if (options.replyTo !== undefined) {
      message.reply_to_message = { message_id: options.replyTo, date: message.date, chat: message.chat, text: "…" };
    }
    return { updateId: this.push({ message }), messageId: message.message_id as number };
  }

  /** A forum topic created in a supergroup (the service message). Returns the topic's thread id. */
  createTopic(user: FakeUser, chatId: number, name: string): { updateId: number; threadId: number } {
    const chat = this.chats.get(chatId);
    const messageId = this.nextMessageId++;
    const message = {
      message_id: messageId,
      message_thread_id: messageId,
      is_topic_message: true,
      date: now(),
      from: user,
      chat: { id: chatId, type: "supergroup", title: chat?.title ?? "group", is_forum: true },
      forum_topic_created: { name, icon_color: 0x6fb9f0 },
    };
    return { updateId: this.push({ message }), threadId: messageId };
  }

  /** Presses an inline button; `data` is whatever the client sends (tests may tamper with it). */
  press(user: FakeUser, data: string, messageId = this.lastMessageIdTo(user.id) ?? 1): number {
    return this.push({
      callback_query: {
        id: randomId(),
        from: user,
        chat_instance: "ci",
        data,
        message: { message_id: messageId, date: now(), chat: { id: user.id, type: "private" }, text: "…" },
      },
    });
  }

  /** Presses an inline button under message `messageId` of a group chat (a vote under an answer in a forum). */
  pressInGroup(user: FakeUser, chatId: number, data: string, messageId: number): number {
    const chat = this.chats.get(chatId);
    return this.push({
      callback_query: {
        id: randomId(),
        from: user,
        chat_instance: "ci",
        data,
        message: {
          message_id: messageId,
          date: now(),
          chat: {
            id: chatId,
            type: chat?.type ?? "supergroup",
            title: chat?.title ?? "group",
            is_forum: chat?.is_forum,
          },
          text: "…",
        },
      },
    });
  }

  /** Telegram's pre-checkout query; resolves with the bot's answer (the real server gives the bot 10 s). */
  preCheckout(
    user: FakeUser,
    invoice: { payload: string; total_amount: number; currency?: string },
  ): { updateId: number; answer: Promise<{ ok: boolean; error_message?: string }> } {
    const id = randomId();
    const answer = new Promise<{ ok: boolean; error_message?: string }>((resolve) => {
      this.preCheckoutAnswers.set(id, resolve);
    });
    const updateId = this.push({
      pre_checkout_query: {
        id,
        from: user,
        currency: invoice.currency ?? "XTR",
        total_amount: invoice.total_amount,
        invoice_payload: invoice.payload,
      },
    });
    return { updateId, answer };
  }

  /** The service message Telegram sends after the user paid. Same `chargeId` twice = the same payment redelivered. */
  successfulPayment(
    user: FakeUser,
    payment: {
      payload: string;
      total_amount: number;
      chargeId?: string;
      currency?: string;
      subscriptionExpiresAt?: Date;
      isRecurring?: boolean;
      isFirstRecurring?: boolean;
    },
  ): { updateId: number; chargeId: string } {
    const chargeId = payment.chargeId ?? `stxchg_${randomId()}`;
    if (!this.charges.has(chargeId)) {
      this.charges.set(chargeId, {
        chargeId,
        userId: user.id,
        amount: payment.total_amount,
        refunded: false,
        subscriptionCanceled: false,
      });
    }
    const successful_payment: Json = {
      currency: payment.currency ?? "XTR",
      total_amount: payment.total_amount,
      invoice_payload: payment.payload,
      telegram_payment_charge_id: chargeId,
      provider_payment_charge_id: "",
    };
    if (payment.subscriptionExpiresAt) {
      successful_payment.subscription_expiration_date = Math.floor(payment.subscriptionExpiresAt.getTime() / 1000);
    }
    if (payment.isRecurring) successful_payment.is_recurring = true;
    if (payment.isFirstRecurring) successful_payment.is_first_recurring = true;
    const message = this.message(user, { id: user.id, type: "private", first_name: user.first_name }, undefined);
    message.successful_payment = successful_payment;
    return { updateId: this.push({ message }), chargeId };
  }

  /** The user follows a join-request invite link. */
  requestJoin(user: FakeUser, chatId: number, inviteLink?: string): number {
    const chat = this.requireChat(chatId);
    chat.joinRequests.add(user.id);
    return this.push({
      chat_join_request: {
        chat: { id: chatId, type: chat.type, title: chat.title },
        from: user,
        user_chat_id: user.id,
        date: now(),
        ...(inviteLink
          ? {
              invite_link: {
                invite_link: inviteLink,
                creator: BOT_USER,
                creates_join_request: true,
                is_primary: false,
                is_revoked: false,
              },
            }
          : {}),
      },
    });
  }

  /**
   * The user gets into the chat without a join request (an admin added them, an old or leaked plain link), as a
   * member or straight as an administrator. Telegram tells the bot only if it is an administrator there and asked
   * for chat_member updates; otherwise nothing is created and this returns 0.
   */
  join(user: FakeUser, chatId: number, options: { status?: "member" | "administrator" } = {}): number {
    const chat = this.requireChat(chatId);
    const old = chat.members.get(user.id) ?? "left";
    const status = options.status ?? "member";
    chat.members.set(user.id, status);
    return this.push({ chat_member: this.memberUpdate(chat, user, old, status) });
  }

  /** People who were in the chat before the bot was there to see them join (no update is created). */
  alreadyInside(chatId: number, ...users: FakeUser[]): void {
    const chat = this.requireChat(chatId);
    for (const user of users) chat.members.set(user.id, "member");
  }

  /** An administrator changes the status of someone inside (restricts them, promotes them): a chat_member update. */
  changeStatus(user: FakeUser, chatId: number, status: "member" | "restricted" | "administrator"): number {
    const chat = this.requireChat(chatId);
    const old = chat.members.get(user.id) ?? "left";
    chat.members.set(user.id, status);
    return this.push({ chat_member: this.memberUpdate(chat, user, old, status) });
  }

  /** The user leaves the chat on their own. */
  leave(user: FakeUser, chatId: number): number {
    const chat = this.requireChat(chatId);
    const old = chat.members.get(user.id) ?? "member";
    chat.members.set(user.id, "left");
    return this.push({ chat_member: this.memberUpdate(chat, user, old, "left") });
  }

  /** The bot is removed from, or demoted in, the chat by an admin. */
  changeBotStatus(chatId: number, status: FakeChat["botStatus"], by: FakeUser): number {
    const chat = this.requireChat(chatId);
    const old = chat.botStatus;
    chat.botStatus = status;
    return this.push({ my_chat_member: this.memberUpdate(chat, by, old, status, BOT_USER) });
  }

  // --- What tests read back

  callsOf(method: string): Json[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params);
  }

  /** Texts the bot sent to a chat (messages and invoice titles), in order. */
  textsTo(chatId: number): string[] {
    return this.calls
      .filter((c) => (c.method === "sendMessage" || c.method === "sendInvoice") && Number(c.params.chat_id) === chatId)
      .map((c) => String(c.params.text ?? c.params.title));
  }

  /** Everything sent to a chat as one string, HTML tags removed, for `toContain` checks. */
  transcript(chatId: number): string {
    return this.textsTo(chatId)
      .join("\n")
      .replace(/<[^>]+>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&");
  }

  isMember(chatId: number, userId: number): boolean {
    return INSIDE.has(this.chats.get(chatId)?.members.get(userId) ?? "left");
  }

  /** Resolves when the bot makes a matching call (already made ones count). */
  waitForCall(method: string, match: (params: Json) => boolean = () => true, timeoutMs = 5000): Promise<Json> {
    const found = this.calls.find((c) => c.method === method && match(c.params));
    if (found) return Promise.resolve(found.params);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bot never called ${method}`)), timeoutMs);
      this.callWaiters.push({
        match: (c) => c.method === method && match(c.params),
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c.params);
        },
      });
    });
  }

  /** The id of the last update pushed (tests wait until the bot handled everything up to it). */
  get lastUpdateId(): number {
    return this.nextUpdateId - 1;
  }

  // --- Internals

  /**
   * The file a send carries, as Telegram takes it: an upload (multipart; the fake keeps it and hands back a new file
   * id), a file id it handed out before, or (photos) an HTTP URL. Anything else is refused like Telegram refuses it.
   */
  private fileParameter(p: Json, field: string, urlAllowed: boolean): string {
    const value = p[field];
    if (value && typeof value === "object" && "bytes" in (value as object)) {
      const upload = value as UploadedFile;
      const fileId = `file-${randomId()}`;
      this.files.set(fileId, upload);
      // What tests read back: the upload's name and size, not the bytes.
      p[field] = { upload: upload.fileName, size: upload.size };
      return fileId;
    }
    if (typeof value === "string" && this.files.has(value)) return value;
    if (typeof value === "string" && urlAllowed && /^https?:\/\//.test(value)) return `url-${randomId()}`;
    throw new ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified");
  }

  private lastMessageIdTo(chatId: number): number | undefined {
    for (let i = this.calls.length - 1; i >= 0; i--) {
      const c = this.calls[i]!;
      if (c.method === "sendMessage" && Number(c.params.chat_id) === chatId) return c.params.__message_id as number;
    }
    return undefined;
  }

  private message(user: FakeUser, chat: Json, text: string | undefined): Json {
    const message: Json = { message_id: this.nextMessageId++, date: now(), from: user, chat };
    if (text !== undefined) {
      message.text = text;
      const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
      if (command) message.entities = [{ type: "bot_command", offset: 0, length: command[0].length }];
    }
    return message;
  }

  private memberUpdate(chat: FakeChat, by: FakeUser, oldStatus: string, newStatus: string, subject?: Json): Json {
    const member = (status: string) => ({
      user: subject ?? by,
      status,
      ...(status === "restricted" ? { is_member: true } : {}),
    });
    return {
      chat: { id: chat.id, type: chat.type, title: chat.title },
      from: by,
      date: now(),
      old_chat_member: member(oldStatus),
      new_chat_member: member(newStatus),
    };
  }

  private requireChat(chatId: number): FakeChat {
    const chat = this.chats.get(chatId);
    if (!chat) throw new Error(`the fake knows no chat ${chatId}: call fake.chat(${chatId}) first`);
    return chat;
  }

  private push(update: Json): number {
    if (!this.creates(update)) return 0;
    const update_id = this.nextUpdateId++;
    const full = { update_id, ...update };
    if (this.webhook) {
      void this.deliverToWebhook(full);
    } else {
      this.updates.push(full);
      for (const wake of this.pollers.splice(0)) wake();
    }
    return update_id;
  }

  /**
   * Whether Telegram creates this update at all: only kinds the bot asked for (chat_member is never sent unless asked),
   * and chat_member only in chats where the bot is an administrator.
   */
  private creates(update: Json): boolean {
    const kind = Object.keys(update)[0]!;
    const allowed = this.allowedUpdates ?? DEFAULT_ALLOWED_UPDATES;
    const chatId = (update[kind] as { chat?: { id?: number } }).chat?.id;
    const visible = kind !== "chat_member" || this.chats.get(Number(chatId))?.botStatus === "administrator";
    if (allowed.includes(kind) && visible) return true;
    this.withheld.push({ kind, chatId });
    return false;
  }

  private async deliverToWebhook(update: Json): Promise<void> {
    const webhook = this.webhook!;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (webhook.secretToken) headers["x-telegram-bot-api-secret-token"] = webhook.secretToken;
    try {
      await fetch(webhook.url, { method: "POST", headers, body: JSON.stringify(update) });
    } catch {
      // The real server retries later; tests that care look at what the bot did.
    }
  }

  private async route(
    request: IncomingMessage,
  ): Promise<{ status: number; body: Json; drop?: boolean; hang?: boolean }> {
    const url = new URL(request.url ?? "/", "http://fake");
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!match) return { status: 404, body: { ok: false, error_code: 404, description: "Not Found" } };
    if (match[1] !== this.token)
      return { status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } };
    const method = match[2]!;
    let params: Json;
    try {
      params = { ...Object.fromEntries(url.searchParams), ...(await readBody(request)) };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return { status: error.code, body: { ok: false, error_code: error.code, description: error.message } };
    }
    const retryAfter = method === "sendMessage" ? this.takeSendSlot() : 0;
    if (retryAfter > 0) {
      this.rateLimited += 1;
      const description = `Too Many Requests: retry after ${retryAfter}`;
      return {
        status: 429,
        body: { ok: false, error_code: 429, description, parameters: { retry_after: retryAfter } },
      };
    }
    if (method !== "getUpdates") this.calls.push({ method, params });
    const unsupported = this.unsupported.get(method);
    if (unsupported) return unsupported;
    const failure = this.failures.find(
      (f) => f.method === method && (f.chatId === undefined || Number(params.chat_id) === f.chatId),
    );
    if (failure) {
      failure.times -= 1;
      if (failure.times <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      return { status: failure.error.error_code, body: { ok: false, ...failure.error } };
    }
    try {
      // Telegram reads every string as UTF-8: half of a surrogate pair (a string cut in the middle of an emoji)
      // cannot be encoded, and the whole call is refused.
      if (!isValidUtf16(params)) throw new ApiError(400, "Bad Request: strings must be encoded in UTF-8");
      const result = await this.apply(method, params);
      this.notifyWaiters({ method, params });
      this.onCall?.({ method, params });
      const lost = this.lostAnswers.find(
        (l) => l.method === method && (l.chatId === undefined || Number(params.chat_id) === l.chatId),
      );
      if (lost) {
        lost.times -= 1;
        if (lost.times <= 0) this.lostAnswers.splice(this.lostAnswers.indexOf(lost), 1);
        if (lost.mode === "drop") return { status: 0, body: {}, drop: true };
        if (lost.mode === "hang") return { status: 0, body: {}, hang: true };
        return { status: 502, body: { ok: false, error_code: 502, description: "Bad Gateway" } };
      }
      return { status: 200, body: { ok: true, result } };
    } catch (error) {
      if (error instanceof ApiError) {
        this.refusals.push({ method, description: error.message });
        this.notifyWaiters({ method, params });
        return { status: error.code, body: { ok: false, error_code: error.code, description: error.message } };
      }
      return { status: 500, body: { ok: false, error_code: 500, description: String(error) } };
    }
  }

  private notifyWaiters(call: RecordedCall): void {
    for (const waiter of [...this.callWaiters]) {
      if (waiter.match(call)) {
        this.callWaiters.splice(this.callWaiters.indexOf(waiter), 1);
        waiter.resolve(call);
      }
    }
  }

  private toUser(chatId: unknown): void {
    const id = Number(chatId);
    if (this.blocked.has(id)) throw new ApiError(403, "Forbidden: bot was blocked by the user");
    if (!Number.isSafeInteger(id)) throw new ApiError(400, "Bad Request: chat not found");
  }

  private sent(params: Json, extra: Json): Json {
    const message_id = this.nextMessageId++;
    params.__message_id = message_id;
    return { message_id, date: now(), chat: { id: Number(params.chat_id), type: "private" }, ...extra };
  }

  private botMayManage(chat: FakeChat, right: keyof FakeChat["botRights"]): void {
    if (chat.botStatus === "left" || chat.botStatus === "kicked")
      throw new ApiError(403, "Forbidden: bot is not a member of the chat");
    if (chat.botStatus !== "administrator" || !chat.botRights[right])
      throw new ApiError(400, "Bad Request: not enough rights");
  }

  private async apply(method: string, p: Json): Promise<unknown> {
    switch (method) {
      case "getMe":
        return {
          ...BOT_USER,
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        };
      case "getUpdates":
        this.rememberAllowedUpdates(p.allowed_updates);
        return this.getUpdates(p);
      case "setWebhook": {
        this.webhook = { url: String(p.url), secretToken: p.secret_token ? String(p.secret_token) : undefined };
        this.rememberAllowedUpdates(p.allowed_updates);
        return true;
      }
      case "deleteWebhook":
        this.webhook = null;
        return true;
      case "getWebhookInfo":
        return {
          url: this.webhook?.url ?? "",
          has_custom_certificate: false,
          pending_update_count: this.updates.length,
        };
      case "setMyCommands":
      case "deleteMyCommands":
      case "setChatMenuButton":
        return true;
      case "sendMessage": {
        this.toUser(p.chat_id);
        const text = parsedText(p.text, p.parse_mode);
        // Telegram counts 1–4096 characters of the text after entity parsing (not of the markup).
        if (text.trim().length === 0) throw new ApiError(400, "Bad Request: message text is empty");
        if (text.length > 4096) throw new ApiError(400, "Bad Request: message is too long");
        checkKeyboard(p.reply_markup);
        return this.sent(p, { text });
      }
      case "sendPhoto": {
        this.toUser(p.chat_id);
        const caption = parsedText(p.caption ?? "", p.parse_mode);
        if (caption.length > 1024) throw new ApiError(400, "Bad Request: message caption is too long");
        checkKeyboard(p.reply_markup);
        const fileId = this.fileParameter(p, "photo", true);
        // Telegram answers with several sizes, each its own file id; the largest comes last.
        const sizes = [
          { file_id: `${fileId}-thumb`, file_unique_id: `${fileId}-u1`, width: 90, height: 90 },
          { file_id: fileId, file_unique_id: `${fileId}-u2`, width: 800, height: 600 },
        ];
        this.files.set(`${fileId}-thumb`, this.files.get(fileId) ?? { fileName: "", size: 0, bytes: Buffer.alloc(0) });
        return this.sent(p, { photo: sizes, caption });
      }
      case "sendDocument": {
        this.toUser(p.chat_id);
        const caption = parsedText(p.caption ?? "", p.parse_mode);
        if (caption.length > 1024) throw new ApiError(400, "Bad Request: message caption is too long");
        checkKeyboard(p.reply_markup);
        const fileId = this.fileParameter(p, "document", false);
        const file = this.files.get(fileId);
        return this.sent(p, {
          document: { file_id: fileId, file_unique_id: `${fileId}-u`, file_name: file?.fileName },
          caption,
        });
      }
      case "answerCallbackQuery":
      case "editMessageReplyMarkup":
      case "deleteMessage":
        return true;
      case "sendInvoice": {
        this.toUser(p.chat_id);
        checkInvoice(p);
        if (p.subscription_period !== undefined)
          throw new ApiError(400, "Bad Request: subscriptions need createInvoiceLink");
        return this.sent(p, {
          invoice: { title: p.title, description: p.description, currency: p.currency, total_amount: 0 },
        });
      }
      case "createInvoiceLink":
        checkInvoice(p);
        return `https://t.me/$${randomId()}`;
      case "answerPreCheckoutQuery": {
        const resolve = this.preCheckoutAnswers.get(String(p.pre_checkout_query_id));
        if (!resolve)
          throw new ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid");
        this.preCheckoutAnswers.delete(String(p.pre_checkout_query_id));
        resolve({ ok: p.ok === true || p.ok === "true", error_message: p.error_message as string | undefined });
        return true;
      }
      case "refundStarPayment": {
        const charge = this.charges.get(String(p.telegram_payment_charge_id));
        if (!charge || charge.userId !== Number(p.user_id)) throw new ApiError(400, "Bad Request: CHARGE_ID_INVALID");
        if (charge.refunded) throw new ApiError(400, "Bad Request: CHARGE_ALREADY_REFUNDED");
        charge.refunded = true;
        return true;
      }
      case "editUserStarSubscription": {
        const charge = this.charges.get(String(p.telegram_payment_charge_id));
        if (!charge || charge.userId !== Number(p.user_id)) throw new ApiError(400, "Bad Request: CHARGE_ID_INVALID");
        charge.subscriptionCanceled = p.is_canceled === true || p.is_canceled === "true";
        return true;
      }
      case "createChatInviteLink": {
        const chat = this.requireKnownChat(p.chat_id);
        this.botMayManage(chat, "can_invite_users");
        if (p.creates_join_request && p.member_limit) {
          throw new ApiError(400, "Bad Request: can't use both creates_join_request and member_limit");
        }
        const link = `https://t.me/+${randomId()}`;
        this.inviteLinks.set(link, {
          chatId: chat.id,
          createsJoinRequest: Boolean(p.creates_join_request),
          name: p.name as string,
        });
        return {
          invite_link: link,
          creator: BOT_USER,
          creates_join_request: Boolean(p.creates_join_request),
          is_primary: false,
          is_revoked: false,
        };
      }
      case "approveChatJoinRequest":
      case "declineChatJoinRequest": {
        const chat = this.requireKnownChat(p.chat_id);
        this.botMayManage(chat, "can_invite_users");
        const userId = Number(p.user_id);
        if (!chat.joinRequests.delete(userId)) throw new ApiError(400, "Bad Request: HIDE_REQUESTER_MISSING");
        if (method === "approveChatJoinRequest") {
          const old = chat.members.get(userId) ?? "left";
          chat.members.set(userId, "member");
          const user = this.users.get(userId) ?? { id: userId, first_name: String(userId) };
          this.push({ chat_member: this.memberUpdate(chat, user, old, "member") });
        }
        return true;
      }
      case "banChatMember": {
        const chat = this.requireKnownChat(p.chat_id);
        this.botMayManage(chat, "can_restrict_members");
        chat.members.set(Number(p.user_id), "kicked");
        return true;
      }
      case "unbanChatMember": {
        const chat = this.requireKnownChat(p.chat_id);
        this.botMayManage(chat, "can_restrict_members");
        const userId = Number(p.user_id);
        const status = chat.members.get(userId);
        if (status === "kicked") chat.members.set(userId, "left");
        else if (!(p.only_if_banned === true || p.only_if_banned === "true") && status && status !== "left") {
          chat.members.set(userId, "left"); // the real unban also kicks a present member unless only_if_banned
        }
        return true;
      }
      case "promoteChatMember": {
        // Like Telegram: any right given makes the user an administrator, all rights off demotes them.
        const chat = this.requireKnownChat(p.chat_id);
        this.botMayManage(chat, "can_promote_members");
        const userId = Number(p.user_id);
        const status = chat.members.get(userId);
        if (!status || status === "left" || status === "kicked")
          throw new ApiError(400, "Bad Request: USER_NOT_PARTICIPANT");
        if (status === "creator") throw new ApiError(400, "Bad Request: not enough rights");
        const rights = Object.entries(p).filter(
          ([key, value]) => key.startsWith("can_") && (value === true || value === "true"),
        );
        chat.members.set(userId, rights.length ? "administrator" : "member");
        if (!rights.length) chat.customTitles.delete(userId);
        return true;
      }
      case "setChatAdministratorCustomTitle": {
        const chat = this.requireKnownChat(p.chat_id);
        this.botMayManage(chat, "can_promote_members");
        const userId = Number(p.user_id);
        if (chat.members.get(userId) !== "administrator")
          throw new ApiError(400, "Bad Request: user is not an administrator");
        chat.customTitles.set(userId, String(p.custom_title ?? ""));
        return true;
      }
      case "getChatMember": {
        const chat = this.requireKnownChat(p.chat_id);
        const userId = Number(p.user_id);
        if (userId === BOT_USER.id) return { user: BOT_USER, status: chat.botStatus, ...chat.botRights };
        const user = this.users.get(userId) ?? { id: userId, is_bot: false, first_name: String(userId) };
        const status = chat.members.get(userId) ?? "left";
        const title = chat.customTitles.get(userId);
        if (status === "administrator" && title) return { user, status, custom_title: title };
        if (status === "restricted") return { user, status, is_member: true, until_date: 0 };
        return status === "kicked" ? { user, status, until_date: 0 } : { user, status };
      }
      case "createForumTopic": {
        const chat = this.requireKnownChat(p.chat_id);
        if (!chat.is_forum) throw new ApiError(400, "Bad Request: the chat is not a forum");
        this.botMayManage(chat, "can_manage_topics");
        const name = String(p.name ?? "");
        if (name.length < 1 || name.length > 128) throw new ApiError(400, "Bad Request: TOPIC_NAME_INVALID");
        return { message_thread_id: this.nextMessageId++, name, icon_color: 0x6fb9f0 };
      }
      case "restrictChatMember": {
        const chat = this.requireKnownChat(p.chat_id);
        this.botMayManage(chat, "can_restrict_members");
        const userId = Number(p.user_id);
        const status = chat.members.get(userId);
        if (!status || status === "left" || status === "kicked") throw new ApiError(400, "Bad Request: user not found");
        chat.members.set(userId, "restricted");
        return true;
      }
      case "getChat": {
        const chat = this.requireKnownChat(p.chat_id);
        return { id: chat.id, type: chat.type, title: chat.title, is_forum: chat.is_forum };
      }
      case "getChatMemberCount": {
        const chat = this.requireKnownChat(p.chat_id);
        this.botInside(chat);
        const inside = [...chat.members.values()].filter((s) => INSIDE.has(s)).length;
        return inside + 1; // the bot itself
      }
      case "getChatAdministrators": {
        // Like Telegram: the chat's human administrators and creator; bots (this one included) are left out.
        const chat = this.requireKnownChat(p.chat_id);
        this.botInside(chat);
        return [...chat.members.entries()]
          .filter(([, status]) => status === "administrator" || status === "creator")
          .map(([id, status]) => ({
            user: this.users.get(id) ?? { id, is_bot: false, first_name: String(id) },
            status,
          }));
      }
      default:
        throw new ApiError(404, "Not Found: method not found");
    }
  }

  private botInside(chat: FakeChat): void {
    if (chat.botStatus === "left" || chat.botStatus === "kicked")
      throw new ApiError(403, "Forbidden: bot is not a member of the chat");
  }

  /** `allowed_updates` as the client sent it (a JSON body's array, or a form's JSON string); absent: unchanged. */
  private rememberAllowedUpdates(value: unknown): void {
    if (value === undefined) return;
    const list = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
    if (Array.isArray(list)) this.allowedUpdates = list.length ? list.map(String) : null;
  }

  private requireKnownChat(chatId: unknown): FakeChat {
    const chat = this.chats.get(Number(chatId));
    if (!chat) throw new ApiError(400, "Bad Request: chat not found");
    return chat;
  }

  private async getUpdates(p: Json): Promise<Json[]> {
    if (this.webhook) throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active");
    const offset = Number(p.offset ?? 0);
    if (offset > 0) this.updates = this.updates.filter((u) => (u.update_id as number) >= offset);
    const limit = Math.min(Number(p.limit ?? 100), 100);
    const timeoutMs = Math.min(Number(p.timeout ?? 0), 50) * 1000;
    if (this.updates.length === 0 && timeoutMs > 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.pollers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.updates.slice(0, limit);
  }
}

/** What Telegram sends a bot that never said what it wants: everything but chat_member and reactions. */
const DEFAULT_ALLOWED_UPDATES = [
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "callback_query",
  "pre_checkout_query",
  "chat_join_request",
  "my_chat_member",
  "inline_query",
  "chosen_inline_result",
  "shipping_query",
  "poll",
  "poll_answer",
];

/** Statuses of someone inside a chat. */
const INSIDE = new Set(["member", "administrator", "creator", "restricted"]);

export async function startBotApiFake(token = FAKE_TOKEN): Promise<BotApiFake> {
  return new BotApiFake(token).start();
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const now = () => Math.floor(Date.now() / 1000);
const randomId = () => randomBytes(8).toString("hex");

async function readBody(request: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const contentType = request.headers["content-type"] ?? "";
  if (contentType.includes("multipart/form-data")) return readMultipart(Buffer.concat(chunks), contentType);
  let raw: string;
  try {
    raw = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ApiError(400, "Bad Request: strings must be encoded in UTF-8");
  }
  if (!raw) return {};
  const type = request.headers["content-type"] ?? "";
  if (type.includes("application/json")) return JSON.parse(raw) as Json;
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  throw new Error(`the fake reads JSON and form bodies only, not ${type}`);
}

/**
 * A multipart body (how clients upload files): text fields as strings, files as UploadedFile. A field may name its
 * file as `attach://<part>` (grammY) or be the file itself (Telegraf).
 */
async function readMultipart(body: Buffer, contentType: string): Promise<Json> {
  const parts = parseMultipart(body, contentType);
  const params: Json = {};
  const attached = new Set<string>();
  for (const [name, part] of parts) {
    const value = part.fileName === undefined ? part.data.toString("utf8") : null;
    const reference = value ? /^attach:\/\/(.+)$/.exec(value) : null;
    const target = reference ? parts.get(reference[1]!) : part;
    if (reference && target) attached.add(reference[1]!);
    if (!target) throw new ApiError(400, `Bad Request: file ${reference?.[1]} not found in the request`);
    params[name] =
      target.fileName === undefined
        ? target.data.toString("utf8")
        : ({ fileName: target.fileName, size: target.data.length, bytes: target.data } satisfies UploadedFile);
  }
  for (const name of attached) delete params[name];
  return params;
}

/**
 * multipart/form-data read the way Telegram's server reads it: leniently (grammY writes `name:value` headers without
 * a space and unquoted file names, which undici's strict FormData parser refuses).
 */
function parseMultipart(body: Buffer, contentType: string): Map<string, { fileName?: string; data: Buffer }> {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new ApiError(400, "Bad Request: can't parse multipart body");
  const delimiter = Buffer.from(`--${boundary}`);
  const parts = new Map<string, { fileName?: string; data: Buffer }>();
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new ApiError(400, "Bad Request: can't parse multipart body");
    const part = body.subarray(start + 2, next - 2); // after CRLF, before the CRLF that precedes the delimiter
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) throw new ApiError(400, "Bad Request: can't parse multipart body");
    const headers = part.subarray(0, split).toString("utf8");
    const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers)?.[1] ?? "";
    const name = /(?:^|;)\s*name="?([^";]+)"?/.exec(disposition)?.[1];
    const fileName = /filename="?([^";]+)"?/.exec(disposition)?.[1];
    if (!name) throw new ApiError(400, "Bad Request: can't parse multipart body");
    parts.set(name, { ...(fileName !== undefined ? { fileName } : {}), data: part.subarray(split + 4) });
    at = next;
  }
  return parts;
}

/** The text a message shows, parsed as Telegram parses it; markup Telegram cannot parse refuses the call. */
function parsedText(text: unknown, parseMode: unknown): string {
  if (typeof text !== "string") return "";
  if (parseMode !== "HTML") return text;
  try {
    return parseTelegramHtml(text);
  } catch (error) {
    if (error instanceof TelegramHtmlError) throw new ApiError(400, `Bad Request: ${error.message}`);
    throw error;
  }
}

function checkKeyboard(markup: unknown): void {
  if (markup === undefined) return;
  const parsed = (typeof markup === "string" ? JSON.parse(markup) : markup) as { inline_keyboard?: Json[][] };
  for (const row of parsed.inline_keyboard ?? []) {
    for (const button of row) {
      if (typeof button.text !== "string" || button.text.trim() === "")
        throw new ApiError(400, "Bad Request: text buttons are unallowed in the inline keyboard");
      const data = button.callback_data;
      if (typeof data === "string" && (data.length === 0 || Buffer.byteLength(data) > 64)) {
        throw new ApiError(400, "Bad Request: BUTTON_DATA_INVALID");
      }
    }
  }
}

function checkInvoice(p: Json): void {
  const title = String(p.title ?? "");
  const description = String(p.description ?? "");
  // Plain text, counted in characters: a title of 1–32, a description of 1–255.
  if (title.trim().length === 0 || title.length > 32) throw new ApiError(400, "Bad Request: invoice title is invalid");
  if (description.trim().length === 0 || description.length > 255)
    throw new ApiError(400, "Bad Request: invoice description is invalid");
  if (p.currency !== "XTR") throw new ApiError(400, "Bad Request: digital goods must be paid in Telegram Stars (XTR)");
  if (p.provider_token !== undefined && p.provider_token !== "")
    throw new ApiError(400, "Bad Request: provider token must be empty for XTR");
  const prices = (typeof p.prices === "string" ? JSON.parse(p.prices) : p.prices) as { amount: number }[];
  if (!Array.isArray(prices) || prices.length !== 1 || !Number.isInteger(prices[0]!.amount) || prices[0]!.amount < 1) {
    throw new ApiError(400, "Bad Request: XTR invoices take exactly one price, a whole number of Stars");
  }
  if (p.subscription_period !== undefined && Number(p.subscription_period) !== 2592000) {
    throw new ApiError(400, "Bad Request: SUBSCRIPTION_PERIOD_INVALID");
  }
  if (Buffer.byteLength(String(p.payload ?? "")) > 128 || !p.payload)
    throw new ApiError(400, "Bad Request: INVOICE_PAYLOAD_INVALID");
}
