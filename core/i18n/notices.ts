import type { Notice } from "../access/outbox.js";
import { type Reply, textReply } from "../conversation/reply.js";
import { type LocaleCode, messages } from "./index.js";

/** Renders an outbox notice in the recipient's language. */
export function renderNotice(locale: LocaleCode, notice: Notice): Reply {
  return textReply(messages(locale).notices[notice.key](notice.params));
}
