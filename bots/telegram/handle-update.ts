/**
 * One Telegram update in, core use cases called, replies sent: the whole Telegram feature set, written once against
 * the Bot API so the grammY bot and the Telegraf mount behave the same. Nothing here decides anything two platforms
 * would share: commands, payments, join requests and Q&A are all decided by core/.
 *
 * @example const handled = await handleTelegramUpdate(deps, update, api) // false: not ours, let the host bot have it
 */
import type { Chat, ChatMember, ChatMemberUpdated, Message, PreCheckoutQuery, Update, User } from "grammy/types";
import { gateInviteLink, rememberGateInviteLink } from "../../core/access/gate-invite-link.js";
import { decideJoinRequest, recordGatePresence, reportGateProblem } from "../../core/access/join-requests.js";
import { renameGate } from "../../core/access/rename-gate.js";
import { requestHelperAnswer } from "../../core/assistant/request-helper-answer.js";
import { checkStarsCheckout } from "../../core/commerce/check-stars-checkout.js";
import { recordStarsPayment } from "../../core/commerce/record-stars-payment.js";
import { acceptAnswer } from "../../core/community/accept-answer.js";
import { answerQuestion } from "../../core/community/answer-question.js";
import { askQuestion } from "../../core/community/ask-question.js";
import { commentFromThread } from "../../core/community/discussion/comment-from-thread.js";
import type { CoreContext } from "../../core/context.js";
import { handleChatRequest } from "../../core/conversation/handle-request.js";
import { plainText, type Reply, textReply } from "../../core/conversation/reply.js";
import { type ChatInput, type ChatRequest, type IncomingFile, parseCommand } from "../../core/conversation/request.js";
import { messages } from "../../core/i18n/index.js";
import { localeFromLanguageCode, type PlatformUser } from "../../core/identity/resolve-member.js";
import { attachmentStore } from "../../core/learning/attachments.js";
import { stripControlCharacters, truncateText } from "../../core/text.js";
import type { BotApi } from "./bot-api.js";
import { sendReply } from "./render.js";
import type { InviteLinkStore } from "./telegram-gateway.js";

export interface TelegramDeps {
  ctx: CoreContext;
  /** The bot's @username, for deep links (`t.me/<bot>?start=…`). */
  botUsername: string;
}

/** Keeps the gate's join link on the gate (core), so /mycourses hands it out and restarts reuse it. */
export function coreInviteLinkStore(ctx: CoreContext): InviteLinkStore {
  return {
    get: (chatId) => gateInviteLink(ctx, { platform: "TELEGRAM", gateExternalId: chatId }),
    set: (chatId, link) =>
      rememberGateInviteLink(ctx, { platform: "TELEGRAM", gateExternalId: chatId, inviteLink: link }),
  };
}

/** Who sent an update; names lose control characters here, at the edge (a NUL would make storing them fail). */
export function telegramUser(from: User): PlatformUser {
  const name = stripControlCharacters([from.first_name, from.last_name].filter(Boolean).join(" ")).trim();
  return {
    platform: "TELEGRAM",
    externalId: String(from.id),
    displayName: name || String(from.id),
    username: from.username ? stripControlCharacters(from.username) || null : null,
    languageCode: from.language_code ?? null,
    chatId: String(from.id),
  };
}

/**
 * Handles the update if it is ours; returns false for anything the host bot should handle instead. One error boundary
 * for every kind of update (private chats, groups, forum topics, buttons, payments, join requests): an unexpected
 * failure is logged with its stack and the person who acted gets the translated "something went wrong", never
 * silence and never a stack.
 */
export async function handleTelegramUpdate(deps: TelegramDeps, update: Update, api: BotApi): Promise<boolean> {
  try {
    return await dispatchUpdate(deps, update, api);
  } catch (error) {
    deps.ctx.log.error({ err: error, updateId: update.update_id }, "telegram update failed");
    await apologize(update, api).catch(() => undefined);
    return true;
  }
}

/** Tells the person whose update failed that it did, in their language, where they acted. */
async function apologize(update: Update, api: BotApi): Promise<void> {
  if (update.pre_checkout_query) return; // answered (or refused) by preCheckout itself
  const message = update.message ?? update.callback_query?.message;
  const from = update.message?.from ?? update.callback_query?.from;
  if (!from) return;
  const text = messages(localeFromLanguageCode(from.language_code)).errors.INTERNAL({});
  const chatId = update.callback_query ? from.id : message?.chat.id;
  if (chatId === undefined) return;
  const inGroup = update.message && update.message.chat.type !== "private";
  await sendReply(
    api,
    chatId,
    textReply(text),
    inGroup
      ? {
          messageThreadId: update.message?.is_topic_message ? update.message.message_thread_id : undefined,
          replyToMessageId: update.message?.message_id,
        }
      : {},
  );
}

async function dispatchUpdate(deps: TelegramDeps, update: Update, api: BotApi): Promise<boolean> {
  if (update.pre_checkout_query) return preCheckout(deps, update.pre_checkout_query, api);
  if (update.callback_query) {
    const query = update.callback_query;
    const chat = query.message?.chat;
    // A vote under an answer in a group is acknowledged where it was pressed (a toast), not in a private chat the
    // member may never have opened.
    if (query.data?.startsWith("vote ") && chat && chat.type !== "private") {
      await voteInGroup(deps, api, query.id, query.from, chat.id, stripControlCharacters(query.data));
      return true;
    }
    // Answer at once so the client stops its spinner; the reply comes as a message.
    await api.call("answerCallbackQuery", { callback_query_id: query.id }).catch(() => undefined);
    if (query.data === undefined) return true;
    const chatId = chat?.type === "private" ? chat.id : query.from.id;
    await converse(deps, api, query.from, chatId, { kind: "action", data: stripControlCharacters(query.data) });
    return true;
  }
  if (update.chat_join_request) {
    const request = update.chat_join_request;
    await nameGate(deps, request.chat);
    const decision = await decideJoinRequest(deps.ctx, {
      platform: "TELEGRAM",
      gateExternalId: String(request.chat.id),
      user: telegramUser(request.from),
    });
    if (!decision) return false;
    const target = { chat_id: request.chat.id, user_id: request.from.id };
    await api.call(decision.approve ? "approveChatJoinRequest" : "declineChatJoinRequest", target);
    if (decision.approve) {
      await recordGatePresence(deps.ctx, {
        platform: "TELEGRAM",
        gateExternalId: String(request.chat.id),
        userExternalId: String(request.from.id),
        present: true,
      });
    }
    // The join request opens a private chat with the requester for five minutes (user_chat_id).
    await sendReply(api, request.user_chat_id, decision.reply).catch((error) =>
      deps.ctx.log.info({ err: String(error) }, "could not message a join requester"),
    );
    return true;
  }
  if (update.chat_member) return memberChanged(deps, update.chat_member);
  if (update.my_chat_member) return botStatusChanged(deps, update.my_chat_member);
  const message = update.message;
  if (!message?.from) return false;
  if (message.successful_payment) return paid(deps, message, api);
  if (message.chat.type === "private") {
    const file = incomingFile(message);
    if (file) {
      await converse(deps, api, message.from, message.chat.id, { kind: "file", file });
      return true;
    }
    if (message.text === undefined) return false;
    const text = stripControlCharacters(message.text);
    const input: ChatInput = parseCommand(text) ?? { kind: "text", text };
    await converse(deps, api, message.from, message.chat.id, input);
    return true;
  }
  if (message.chat.type === "group" || message.chat.type === "supergroup") return groupMessage(deps, message, api);
  return false;
}

// --- Private conversation

/**
 * A photo (its largest size: the last one) or a document as a file input. Telegram keeps the file: its file_id is
 * all a lesson needs to send it again, so nothing is downloaded.
 */
function incomingFile(message: Message): IncomingFile | null {
  const caption = message.caption === undefined ? undefined : stripControlCharacters(message.caption);
  const photo = message.photo?.at(-1);
  if (photo) return { kind: "photo", telegramFileId: photo.file_id, caption };
  const document = message.document;
  if (document) {
    return {
      kind: "document",
      telegramFileId: document.file_id,
      fileName: document.file_name === undefined ? undefined : stripControlCharacters(document.file_name),
      mimeType: document.mime_type,
      caption,
    };
  }
  return null;
}

async function converse(deps: TelegramDeps, api: BotApi, from: User, chatId: number, input: ChatInput): Promise<void> {
  const request: ChatRequest = {
    user: telegramUser(from),
    chat: { id: String(chatId), kind: "private" },
    input,
    capabilities: { starsInvoices: true },
    botLink: `https://t.me/${deps.botUsername}?start=`,
  };
  const reply = await handleChatRequest(deps.ctx, request);
  await sendReply(api, chatId, reply, { attachments: attachmentStore(deps.ctx) });
}

/** A Helpful / Not helpful press in a group: the core counts it, the toast says where it stands. */
async function voteInGroup(
  deps: TelegramDeps,
  api: BotApi,
  queryId: string,
  from: User,
  chatId: number,
  data: string,
): Promise<void> {
  const reply = await handleChatRequest(deps.ctx, {
    user: telegramUser(from),
    chat: { id: String(chatId), kind: "group" },
    input: { kind: "action", data },
  });
  const text = truncateText(plainText(reply.messages.map((message) => message.text).join("\n")), 190, "…");
  await api.call("answerCallbackQuery", { callback_query_id: queryId, text }).catch(() => undefined);
}

// --- Stars payments

async function preCheckout(deps: TelegramDeps, query: PreCheckoutQuery, api: BotApi): Promise<boolean> {
  const answer = await checkStarsCheckout(deps.ctx, {
    payload: query.invoice_payload,
    user: telegramUser(query.from),
    currency: query.currency,
    totalAmount: query.total_amount,
  }).catch((error: unknown) => {
    deps.ctx.log.error({ err: String(error) }, "pre-checkout check failed");
    return {
      ok: false as const,
      message: messages(localeFromLanguageCode(query.from.language_code)).errors.INTERNAL({}),
    };
  });
  await api.call(
    "answerPreCheckoutQuery",
    answer.ok
      ? { pre_checkout_query_id: query.id, ok: true }
      : {
          pre_checkout_query_id: query.id,
          ok: false,
          error_message: truncateText(plainText(answer.message), 255, "…"),
        },
  );
  return true;
}

async function paid(deps: TelegramDeps, message: Message, api: BotApi): Promise<boolean> {
  const payment = message.successful_payment!;
  const from = message.from!;
  const { outcome } = await recordStarsPayment(deps.ctx, {
    payload: payment.invoice_payload,
    user: telegramUser(from),
    chargeId: payment.telegram_payment_charge_id,
    totalAmount: payment.total_amount,
    currency: payment.currency,
    subscriptionExpiresAt: payment.subscription_expiration_date
      ? new Date(payment.subscription_expiration_date * 1000)
      : null,
    isRecurring: payment.is_recurring ?? false,
    isFirstRecurring: payment.is_first_recurring ?? false,
  });
  deps.ctx.log.info({ outcome, orderPayload: payment.invoice_payload }, "stars payment");
  // "paid" and "renewed" are announced by the core's outbox; a duplicate says nothing twice.
  if (outcome === "recorded-without-access" || outcome === "unknown-order") {
    const m = messages(localeFromLanguageCode(from.language_code));
    await sendReply(api, message.chat.id, textReply(m.telegram.paymentNeedsReview));
  }
  return true;
}

// --- Gated chats

const PRESENT = new Set(["member", "administrator", "creator"]);
function isInside(member: ChatMember): boolean {
  if (member.status === "restricted") return member.is_member;
  return PRESENT.has(member.status);
}

/** Gates are bound by chat id; the title Telegram sends along is what members read. */
async function nameGate(deps: TelegramDeps, chat: Chat): Promise<void> {
  if ("title" in chat && chat.title) {
    await renameGate(deps.ctx, { platform: "TELEGRAM", gateExternalId: String(chat.id), title: chat.title });
  }
}

async function memberChanged(deps: TelegramDeps, change: ChatMemberUpdated): Promise<boolean> {
  await nameGate(deps, change.chat);
  const user = change.new_chat_member.user;
  if (user.is_bot) return false;
  const before = isInside(change.old_chat_member);
  const after = isInside(change.new_chat_member);
  if (!before && !after) return false;
  // Telegram cannot list a chat's members: these updates are how the bot meets everyone inside, strangers included.
  return recordGatePresence(deps.ctx, {
    platform: "TELEGRAM",
    gateExternalId: String(change.chat.id),
    userExternalId: String(user.id),
    present: after,
    user: telegramUser(user),
    // Inside before and after (promoted, restricted): someone already there, not someone who just got in.
    joined: !before,
  });
}

/** The bot itself was added, removed, promoted or demoted somewhere. In a gate, the creator must know. */
async function botStatusChanged(deps: TelegramDeps, change: ChatMemberUpdated): Promise<boolean> {
  if (change.chat.type === "private") return false;
  const bot = change.new_chat_member;
  const m = messages("en").telegram;
  let detail: string | null = null;
  if (bot.status === "left" || bot.status === "kicked") detail = m.gateRemoved;
  else if (bot.status !== "administrator") detail = m.gateDemoted;
  else {
    const missing = [
      bot.can_invite_users ? null : "can_invite_users",
      bot.can_restrict_members ? null : "can_restrict_members",
    ].filter(Boolean);
    if (missing.length) detail = m.gateMissingRights({ rights: missing.join(", ") });
  }
  if (!detail) return true;
  const gate = await deps.ctx.prisma.gate.findUnique({
    where: { platform_externalId: { platform: "TELEGRAM", externalId: String(change.chat.id) } },
    select: { id: true },
  });
  if (!gate) return false;
  await reportGateProblem(deps.ctx, { platform: "TELEGRAM", gateExternalId: String(change.chat.id), detail });
  return true;
}

// --- Groups: Q&A threads

/**
 * In a forum supergroup every topic is a question: its first message asks, later ones answer. Elsewhere `/ask …`
 * starts a question and replies to that message answer it. `/accept`, as a reply to an answer, accepts it.
 */
async function groupMessage(deps: TelegramDeps, message: Message, api: BotApi): Promise<boolean> {
  const { ctx } = deps;
  const from = message.from!;
  const user = telegramUser(from);
  const chat: Chat = message.chat;
  const m = messages(localeFromLanguageCode(from.language_code)).telegram;
  const text = stripControlCharacters(message.text ?? message.caption ?? "");
  const command = text ? parseCommand(text) : null;
  const where = { messageThreadId: message.is_topic_message ? message.message_thread_id : undefined };
  const say = (reply: Reply) => sendReply(api, chat.id, reply, { ...where, replyToMessageId: message.message_id });
  const messageRef = (id: number) => `tg:${chat.id}:${id}`;
  const place = { placeRef: `tg:${chat.id}`, placeTitle: "title" in chat ? (chat.title ?? null) : null };

  if (command?.name === "accept") {
    const target = message.reply_to_message;
    const isTopicRoot = target && message.is_topic_message && target.message_id === message.message_thread_id;
    if (!target || isTopicRoot) {
      await say(textReply(m.acceptUsage));
      return true;
    }
    const result = await acceptAnswer(ctx, { user, messageRef: messageRef(target.message_id) });
    if (result.ok) await say(textReply(m.accepted({ id: result.questionId })));
    else await say(textReply(result.reason === "FORBIDDEN" ? m.acceptForbidden : m.notAnAnswer));
    return true;
  }
  if (command?.name === "ask") {
    if (!command.raw) {
      await say(textReply(m.askUsage));
      return true;
    }
    const threadRef = message.is_topic_message
      ? messageRef(message.message_thread_id!)
      : messageRef(message.message_id);
    const { questionId, isNew } = await askQuestion(ctx, {
      user,
      threadRef,
      title: truncateText(command.raw, 120),
      body: command.raw,
      ...place,
      messageRef: messageRef(message.message_id),
    });
    await say(textReply(m.questionRecorded({ id: questionId })));
    // The helper answers in the background (a job); its answer is posted in the thread when ready.
    if (isNew) await requestHelperAnswer(ctx, { questionId });
    return true;
  }
  if (command?.name === "helper") {
    // The creator sets the helper's mode for this place, here (the core checks the role).
    const reply = await handleChatRequest(ctx, {
      user,
      chat: { id: String(chat.id), kind: "group" },
      input: command,
      place: { ref: place.placeRef, title: place.placeTitle },
    });
    await say(reply);
    return true;
  }
  if (command) {
    // Member and creator commands belong in the private chat, where replies are personal.
    if (command.name === "start" || command.name === "help") {
      await say(textReply(m.privateOnly({ link: `https://t.me/${deps.botUsername}` })));
      return true;
    }
    return false;
  }
  if (!text) return false;

  if (message.is_topic_message && message.message_thread_id) {
    const threadRef = messageRef(message.message_thread_id);
    // A lesson's discussion topic: the message is a comment (a reply to a comment's message, a reply to it).
    const replied = message.reply_to_message;
    const lessonComment = await commentFromThread(ctx, {
      user,
      platform: "TELEGRAM",
      threadRef,
      body: text,
      messageRef: messageRef(message.message_id),
      replyToRef: replied && replied.message_id !== message.message_thread_id ? messageRef(replied.message_id) : null,
    });
    if (lessonComment !== "not-a-lesson-thread") return true;
    const answer = await answerQuestion(ctx, {
      user,
      threadRef,
      body: text,
      messageRef: messageRef(message.message_id),
    });
    if (answer) return true;
    const topicName = stripControlCharacters(
      message.reply_to_message?.forum_topic_created?.name ?? truncateText(text, 80),
    );
    const { questionId, isNew } = await askQuestion(ctx, {
      user,
      threadRef,
      title: topicName,
      body: text,
      ...place,
      messageRef: messageRef(message.message_id),
    });
    if (isNew) {
      await say(textReply(m.questionRecorded({ id: questionId })));
      await requestHelperAnswer(ctx, { questionId });
    }
    return true;
  }
  const repliedTo = message.reply_to_message;
  if (repliedTo) {
    const answer = await answerQuestion(ctx, {
      user,
      threadRef: messageRef(repliedTo.message_id),
      body: text,
      messageRef: messageRef(message.message_id),
    });
    return answer !== null;
  }
  return false;
}
