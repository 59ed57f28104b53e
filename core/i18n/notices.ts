import type { Notice } from "../access/outbox.js";
import { type Reply, textReply } from "../conversation/reply.js";
import { type LocaleCode, messages } from "./index.js";

/**
 * Renders an outbox notice in the recipient's language. A parameter `xZh` replaces `x` for Chinese readers, so a
 * notice written once (say, a product title) reads right for everyone.
 */
export function renderNotice(locale: LocaleCode, notice: Notice): Reply {
  const params = { ...notice.params };
  if (locale === "zh") {
    for (const [key, value] of Object.entries(notice.params)) {
      if (key.endsWith("Zh") && value !== "") params[key.slice(0, -2)] = value;
    }
  }
  return textReply(messages(locale).notices[notice.key](params));
}
