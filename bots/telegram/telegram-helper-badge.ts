/**
 * The community helper's badge on Telegram: a custom title ("Helper") in the Q&A group (TELEGRAM_HELPER_CHAT_ID).
 * Telegram shows titles only for administrators, so a plain member is promoted with the least right there is
 * (can_manage_chat: the event log, slow mode ignored) and given the title; taking the badge away demotes only someone
 * who carries exactly that title, and an administrator the group made keeps their rights (only the title changes).
 * Best effort: the bot needs can_promote_members, and may only edit administrators it promoted itself.
 */
import type { AccountRef } from "../../core/ports.js";
import { type BotApi, BotApiError } from "./bot-api.js";

/** The custom title a community helper carries in the Q&A group (Telegram allows 16 characters). */
export const HELPER_TITLE = "Helper";

const RIGHTS = [
  "can_manage_chat",
  "can_delete_messages",
  "can_restrict_members",
  "can_promote_members",
  "can_change_info",
  "can_invite_users",
  "can_pin_messages",
  "can_manage_topics",
];

/** All rights off (Telegram demotes), or only can_manage_chat (the least that keeps the administrator status). */
function helperRights(on: boolean): Record<string, boolean> {
  return Object.fromEntries(RIGHTS.map((right) => [right, on && right === "can_manage_chat"]));
}

interface ChatMember {
  status: string;
  custom_title?: string;
  can_be_edited?: boolean;
}

/**
 * @example await setTelegramHelperBadge(api, "-1001234", account, true) // false: Telegram refused, nothing changed
 */
export async function setTelegramHelperBadge(
  api: BotApi,
  chatId: string,
  account: AccountRef,
  on: boolean,
): Promise<boolean> {
  const userId = Number(account.externalId);
  try {
    const member = await api.call<ChatMember>("getChatMember", { chat_id: chatId, user_id: userId });
    // Not in the group, or its creator (whose title is their own): nothing to do there.
    if (["left", "kicked", "creator"].includes(member.status)) return false;
    const isAdministrator = member.status === "administrator";
    if (!on) {
      // Only the badge this bot gave goes: someone else's title or an administrator's rights stay.
      if (!isAdministrator || member.custom_title !== HELPER_TITLE) return true;
      await api.call("promoteChatMember", { chat_id: chatId, user_id: userId, ...helperRights(false) });
      return true;
    }
    if (!isAdministrator) {
      await api.call("promoteChatMember", { chat_id: chatId, user_id: userId, ...helperRights(true) });
    }
    await api.call("setChatAdministratorCustomTitle", { chat_id: chatId, user_id: userId, custom_title: HELPER_TITLE });
    return true;
  } catch (error) {
    // A refusal (missing rights, an administrator another admin appointed) is an answer, not a failure to retry.
    if (error instanceof BotApiError && (error.notAllowed || (error.code === 400 && !error.outcomeUnknown)))
      return false;
    throw error;
  }
}
