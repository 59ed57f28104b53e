/**
 * What a delivery row says, stored as JSON and rendered in the recipient's language when it is sent (a member who
 * switches language before their turn reads it in the new one).
 */
import { z } from "zod";
import { type Button, escapeMarkup, type Reply } from "../conversation/reply.js";
import { formatDate, type LocaleCode, localized, messages } from "../i18n/index.js";

export const SEND_MESSAGES_JOB = "messages.send";
/** Texts a personal delivery may use, from `messages(locale).messaging`. */
export const MESSAGE_TEXT_KEYS = ["reminderEnds", "reminderRenews", "winBack"] as const;
export const MESSAGE_BUTTON_KEYS = ["buttonRenew", "buttonComeBack"] as const;

export const DeliveryPayloadSchema = z.discriminatedUnion("type", [
  /** The text comes from the broadcast row. */
  z.object({ type: z.literal("broadcast") }),
  z.object({
    type: z.literal("message"),
    key: z.enum(MESSAGE_TEXT_KEYS),
    /** `title`/`titleZh` pick the reader's language; `date` is an ISO date shown in the reader's format. */
    params: z.record(z.string(), z.union([z.string(), z.number()])),
    buttons: z.array(z.object({ key: z.enum(MESSAGE_BUTTON_KEYS), action: z.string().max(64) })).optional(),
  }),
]);

export type DeliveryPayload = z.infer<typeof DeliveryPayloadSchema>;

export function renderDelivery(
  locale: LocaleCode,
  payload: DeliveryPayload,
  broadcast: { text: string } | null,
  /** The recipient's time zone: dates are shown as their calendar reads them. */
  timeZone?: string | null,
): Reply | null {
  const m = messages(locale).messaging;
  if (payload.type === "broadcast") {
    if (!broadcast) return null;
    // The creator's text is shown as written, exactly like its preview: literal, never markup.
    return { messages: [{ text: `${escapeMarkup(broadcast.text)}\n\n${m.broadcastFooter}` }] };
  }
  const params: Record<string, string | number> = { ...payload.params };
  if (typeof params.title === "string") params.title = localized(locale, params.title, String(params.titleZh ?? ""));
  if (typeof params.date === "string") params.date = formatDate(locale, new Date(params.date), timeZone);
  const buttons: Button[][] | undefined = payload.buttons?.length
    ? [payload.buttons.map((b) => ({ label: m[b.key], action: b.action }))]
    : undefined;
  const text = m[payload.key](params);
  return { messages: [buttons ? { text, buttons } : { text }] };
}
