/**
 * Telegram as the core's ChatGateway and StarsPayments: personal messages, paid chats (join-request links, ban +
 * unban to remove), membership look-ups, Stars refunds and subscription cancellation. Expected refusals come back as
 * values: 429 → RATE_LIMITED with Telegram's retry_after, 403 "blocked by the user" → UNREACHABLE, missing rights →
 * NOT_ALLOWED (the creator is told by the core), no clear answer (dropped connection, timeout, 5xx) → OUTCOME_UNKNOWN,
 * never retried.
 */
import type { Reply } from "../../core/conversation/reply.js";
import type { AttachmentStore } from "../../core/learning/attachments.js";
import type {
  AccessResult,
  AccountRef,
  ChatGateway,
  GateOccupants,
  GateRef,
  LessonThreadResult,
  MemberRestriction,
  SendResult,
  StarsPayments,
  ThreadPostResult,
  ThreadTarget,
} from "../../core/ports.js";
import { type BotApi, BotApiError } from "./bot-api.js";
import { sendReply } from "./render.js";
import { setTelegramHelperBadge } from "./telegram-helper-badge.js";

/** Where the gate's join link is kept between restarts (the core keeps it on the gate). */
export interface InviteLinkStore {
  get(chatId: string): Promise<string | null>;
  set(chatId: string, link: string | null): Promise<void>;
}

export class TelegramGateway implements ChatGateway, StarsPayments {
  readonly platform = "TELEGRAM" as const;
  /** One join-request link per chat, made once: whoever follows it is checked against their entitlement. */
  private readonly inviteLinks = new Map<string, Promise<string>>();
  linkStore: InviteLinkStore | null = null;
  /** Where lesson files are loaded from and their file ids kept; set with the core context, like linkStore. */
  attachments: AttachmentStore | null = null;
  /** The forum supergroup where each lesson gets a topic (LESSON_DISCUSSION_CHAT_ID); null: no lesson topics. */
  discussionChatId: string | null = null;
  /** Whether that chat is a forum, asked once per chat (topics need one). */
  private discussionIsForum: { chatId: string; isForum: Promise<boolean> } | null = null;
  /** The Q&A group where community helpers get a custom title (TELEGRAM_HELPER_CHAT_ID); null: no badge. */
  helperChatId: string | null = null;

  /**
   * `api` serves idempotent calls (gates, look-ups) and may retry anything; `sendApi` carries messages and must only
   * retry what Telegram refused (a short 429), never a request without a clear answer.
   */
  constructor(
    private readonly api: BotApi,
    private readonly sendApi: BotApi = api,
  ) {}

  /** The send API, counting the calls Telegram answered: a failure after the first part is an unknown outcome. */
  private countingApi(): BotApi & { delivered: number } {
    const sendApi = this.sendApi;
    const counting = {
      delivered: 0,
      async call(method: string, params: Record<string, unknown>) {
        const result = await sendApi.call(method, params);
        counting.delivered += 1;
        return result as never;
      },
    };
    return counting;
  }

  async send(account: AccountRef, reply: Reply): Promise<SendResult> {
    const counting = this.countingApi();
    try {
      const messageId = await sendReply(counting, account.chatId ?? account.externalId, reply, {
        attachments: this.attachments ?? undefined,
      });
      return { ok: true, messageId: messageId === undefined ? undefined : String(messageId) };
    } catch (error) {
      const e = asApiError(error);
      if (e.unreachable || (e.code === 400 && /chat not found/i.test(e.description))) {
        return { ok: false, reason: "UNREACHABLE" };
      }
      // Telegram may have it, or the first parts of a long reply are out: sending again would repeat them.
      if (e.outcomeUnknown) return { ok: false, reason: "OUTCOME_UNKNOWN", detail: e.description };
      if (counting.delivered > 0) {
        return {
          ok: false,
          reason: "OUTCOME_UNKNOWN",
          detail: `${counting.delivered} part(s) sent, then ${e.description}`,
        };
      }
      if (e.code === 429) return { ok: false, reason: "RATE_LIMITED", retryAfterSeconds: e.retryAfterSeconds ?? 1 };
      return { ok: false, reason: "FAILED", detail: e.description };
    }
  }

  /**
   * In a forum topic (`tg:<chat>:<topic>`, the asking message another one) the reply goes into the topic; in a reply
   * thread (`tg:<chat>:<message>`, the thread is the asking message) it replies to that message. Same outcomes as
   * `send`: a refusal is FAILED (retried by the outbox), no clear answer OUTCOME_UNKNOWN (never repeated).
   */
  async postInThread(thread: ThreadTarget, reply: Reply): Promise<ThreadPostResult> {
    const [chatId, threadId] = thread.threadRef.replace(/^tg:/, "").split(":");
    const askedIn = thread.messageRef?.replace(/^tg:/, "").split(":")[1];
    if (!chatId || !threadId)
      return { ok: false, reason: "FAILED", detail: `not a Telegram thread: ${thread.threadRef}` };
    const replyTo = Number(askedIn ?? threadId);
    const where = {
      messageThreadId: askedIn && askedIn !== threadId ? Number(threadId) : undefined,
      replyToMessageId: replyTo,
    };
    const counting = this.countingApi();
    try {
      const messageId = await sendReply(counting, chatId, reply, where);
      return { ok: true, messageRef: messageId === undefined ? null : `tg:${chatId}:${messageId}` };
    } catch (error) {
      const e = asApiError(error);
      if (e.outcomeUnknown || counting.delivered > 0)
        return { ok: false, reason: "OUTCOME_UNKNOWN", detail: e.description };
      if (e.code === 429) return { ok: false, reason: "RATE_LIMITED", retryAfterSeconds: e.retryAfterSeconds ?? 1 };
      return { ok: false, reason: "FAILED", detail: e.description };
    }
  }

  /** Deletes the flagged message (a bot may where it is an administrator with can_delete_messages). */
  async hideInThread(target: ThreadTarget & { what: "question" | "answer" }): Promise<boolean> {
    const [chatId, messageId] = (target.messageRef ?? "").replace(/^tg:/, "").split(":");
    if (!chatId || !messageId) return false;
    try {
      await this.api.call("deleteMessage", { chat_id: chatId, message_id: Number(messageId) });
      return true;
    } catch {
      return false;
    }
  }

  /** The helper badge: a custom title in the Q&A group (telegram-helper-badge.ts). */
  async setHelperBadge(account: AccountRef, on: boolean): Promise<boolean> {
    return this.helperChatId ? setTelegramHelperBadge(this.api, this.helperChatId, account, on) : false;
  }

  /**
   * A forum topic for the lesson in the discussion chat (the bot needs can_manage_topics). A chat that is not a
   * forum has no topics: NOT_CONFIGURED, and nothing is mirrored to Telegram.
   */
  async openLessonThread(lesson: { lessonId: number; title: string }): Promise<LessonThreadResult> {
    const chatId = this.discussionChatId;
    if (!chatId) return { ok: false, reason: "NOT_CONFIGURED" };
    try {
      if (this.discussionIsForum?.chatId !== chatId) {
        const isForum = this.api
          .call<{ is_forum?: boolean }>("getChat", { chat_id: chatId })
          .then((chat) => Boolean(chat.is_forum));
        this.discussionIsForum = { chatId, isForum };
      }
      if (!(await this.discussionIsForum.isForum)) return { ok: false, reason: "NOT_CONFIGURED" };
      const topic = await this.api.call<{ message_thread_id: number }>("createForumTopic", {
        chat_id: chatId,
        name: [...lesson.title].slice(0, 128).join(""),
      });
      return { ok: true, threadRef: `tg:${chatId}:${topic.message_thread_id}` };
    } catch (error) {
      this.discussionIsForum = null;
      const e = asApiError(error);
      if (e.outcomeUnknown) return { ok: false, reason: "OUTCOME_UNKNOWN", detail: e.description };
      if (e.code === 429) return { ok: false, reason: "RATE_LIMITED", retryAfterSeconds: e.retryAfterSeconds ?? 1 };
      return { ok: false, reason: "FAILED", detail: e.description };
    }
  }

  /**
   * A mute (restrictChatMember without the right to send, until the time) or a ban (banChatMember) in each Q&A chat
   * and the discussion chat. A chat where the bot lacks the right, or the person never was, is skipped.
   */
  async restrictMember(account: AccountRef, restriction: MemberRestriction): Promise<AccessResult> {
    const chats = new Set(restriction.places);
    if (this.discussionChatId) chats.add(this.discussionChatId);
    const userId = Number(account.externalId);
    let refused: string | null = null;
    for (const chatId of chats) {
      try {
        if (restriction.mutedUntil) {
          await this.api.call("restrictChatMember", {
            chat_id: chatId,
            user_id: userId,
            permissions: { can_send_messages: false, can_send_other_messages: false, can_add_web_page_previews: false },
            until_date: Math.floor(restriction.mutedUntil.getTime() / 1000),
          });
        } else {
          await this.api.call("banChatMember", { chat_id: chatId, user_id: userId, revoke_messages: false });
        }
      } catch (error) {
        const e = asApiError(error);
        if (e.outcomeUnknown || e.code === 429) return { ok: false, reason: "FAILED", detail: e.description };
        refused = e.description;
      }
    }
    return refused ? { ok: false, reason: "NOT_ALLOWED", detail: refused } : { ok: true };
  }

  /** `https://t.me/c/<chat without -100>/<topic or message>`: opens the thread for members of a supergroup. */
  threadLink(threadRef: string): string | null {
    const [chatId, threadId] = threadRef.replace(/^tg:/, "").split(":");
    if (!chatId?.startsWith("-100") || !threadId) return null;
    return `https://t.me/c/${chatId.slice(4)}/${threadId}`;
  }

  async grantAccess(gate: GateRef, account: AccountRef): Promise<AccessResult> {
    try {
      if ((await this.isMember(gate, account)) === true) return { ok: true };
      return { ok: true, inviteLink: await this.inviteLink(gate.externalId) };
    } catch (error) {
      return accessFailure(error);
    }
  }

  async revokeAccess(gate: GateRef, account: AccountRef): Promise<AccessResult> {
    const target = { chat_id: gate.externalId, user_id: Number(account.externalId) };
    try {
      // Ban + unban removes the member and leaves them free to buy and come back.
      await this.api.call("banChatMember", { ...target, revoke_messages: false });
      await this.api.call("unbanChatMember", { ...target, only_if_banned: true });
      return { ok: true };
    } catch (error) {
      return accessFailure(error);
    }
  }

  async isMember(gate: GateRef, account: AccountRef): Promise<boolean | null> {
    try {
      const member = await this.api.call<{ status: string; is_member?: boolean }>("getChatMember", {
        chat_id: gate.externalId,
        user_id: Number(account.externalId),
      });
      if (member.status === "restricted") return Boolean(member.is_member);
      return member.status === "member" || member.status === "administrator" || member.status === "creator";
    } catch {
      return null;
    }
  }

  /**
   * Telegram does not let bots list a chat's members, only count them: everyone inside but its administrators
   * (getChatAdministrators leaves bots out, so the bot itself is taken off too).
   */
  async listOccupants(gate: GateRef): Promise<GateOccupants | null> {
    try {
      const count = await this.api.call<number>("getChatMemberCount", { chat_id: gate.externalId });
      const admins = await this.api.call<unknown[]>("getChatAdministrators", { chat_id: gate.externalId });
      return { kind: "counted", count: Math.max(0, count - admins.length - 1) };
    } catch {
      return null;
    }
  }

  /** The chat's creator and administrators stay, whether or not they bought access. */
  async isPlaceAdmin(gate: GateRef, account: AccountRef): Promise<boolean> {
    try {
      const member = await this.api.call<{ status: string }>("getChatMember", {
        chat_id: gate.externalId,
        user_id: Number(account.externalId),
      });
      return member.status === "administrator" || member.status === "creator";
    } catch {
      return false;
    }
  }

  async refundStarPayment(payerExternalId: string, chargeId: string): Promise<void> {
    try {
      await this.api.call("refundStarPayment", {
        user_id: Number(payerExternalId),
        telegram_payment_charge_id: chargeId,
      });
    } catch (error) {
      // A retried refund of a refunded charge is done, not failed.
      if (error instanceof BotApiError && /CHARGE_ALREADY_REFUNDED/.test(error.description)) return;
      throw error;
    }
  }

  async setStarSubscriptionCanceled(payerExternalId: string, chargeId: string, canceled: boolean): Promise<void> {
    await this.api.call("editUserStarSubscription", {
      user_id: Number(payerExternalId),
      telegram_payment_charge_id: chargeId,
      is_canceled: canceled,
    });
  }

  private inviteLink(chatId: string): Promise<string> {
    let link = this.inviteLinks.get(chatId);
    if (!link) {
      link = (async () => {
        const stored = await this.linkStore?.get(chatId);
        if (stored) return stored;
        const created = await this.api.call<{ invite_link: string }>("createChatInviteLink", {
          chat_id: chatId,
          name: "Lyceum",
          creates_join_request: true,
        });
        await this.linkStore?.set(chatId, created.invite_link);
        return created.invite_link;
      })();
      // A failure is not cached: the next grant asks again (the creator may have fixed the rights).
      link.catch(() => this.inviteLinks.delete(chatId));
      this.inviteLinks.set(chatId, link);
    }
    return link;
  }
}

function asApiError(error: unknown): BotApiError {
  if (error instanceof BotApiError) return error;
  // Not from the client (a bug on our side mid-call): whether Telegram acted cannot be known.
  return new BotApiError(0, error instanceof Error ? error.message : String(error), undefined, true);
}

function accessFailure(error: unknown): AccessResult {
  const e = asApiError(error);
  if (e.notAllowed) return { ok: false, reason: "NOT_ALLOWED", detail: e.description };
  return { ok: false, reason: "FAILED", detail: e.description };
}
