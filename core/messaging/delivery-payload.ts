/**
 * What a delivery row says, stored as JSON and rendered in the recipient's language when it is sent (a member who
 * switches language before their turn reads it in the new one).
 */
import { z } from "zod";
import { type Button, escapeMarkup, type Reply } from "../conversation/reply.js";
import { formatDate, formatDateTime, type LocaleCode, localized, messages } from "../i18n/index.js";

export const SEND_MESSAGES_JOB = "messages.send";
/** Texts a personal delivery may use, from `messages(locale).messaging`. */
export const MESSAGE_TEXT_KEYS = [
  "reminderEnds",
  "reminderRenews",
  "reminderTrialEnds",
  "trialEnded",
  "winBack",
  "lessonReleased",
  "liveReminder",
  "liveSoon",
  "liveStarted",
  "liveReplay",
  "retentionNudge",
  "retentionNudgeCatalog",
  "retentionCoupon",
  "retentionCouponAny",
  "recommendationPick",
  "firstPurchaseCoupon",
] as const;
export const MESSAGE_BUTTON_KEYS = [
  "buttonRenew",
  "buttonKeepAccess",
  "buttonComeBack",
  "buttonOpenLesson",
  "buttonJoin",
  "buttonReplay",
  "buttonUseCoupon",
  "buttonBrowseCourses",
  "buttonSeeCourse",
] as const;

export const DeliveryPayloadSchema = z.discriminatedUnion("type", [
  /** The text comes from the broadcast row. */
  z.object({ type: z.literal("broadcast") }),
  z.object({
    type: z.literal("message"),
    key: z.enum(MESSAGE_TEXT_KEYS),
    /**
     * `x`/`xZh` pick the reader's language (`title`, `lesson`); `date` is an ISO date shown as a day, `when` an ISO
     * moment shown with its time, both in the reader's format and time zone.
     */
    params: z.record(z.string(), z.union([z.string(), z.number()])),
    buttons: z
      .array(
        z.union([
          z.object({ key: z.enum(MESSAGE_BUTTON_KEYS), action: z.string().max(64) }),
          z.object({ key: z.enum(MESSAGE_BUTTON_KEYS), url: z.string().max(2000) }),
        ]),
      )
      .optional(),
    /**
     * Sent only while the recipient still holds this product (its own entitlement or a bundle's), checked by the
     * sender right before the send: a reminder queued for an owner who was refunded since is dropped.
     */
    ownersOf: z.number().int().positive().optional(),
    /** An ISO moment after which it is not sent: a reminder held back by quiet hours past its event is dropped. */
    expiresAt: z.string().optional(),
    /**
     * An offer or a recommendation: dropped by the sender when the member opted out of offers after it was queued
     * (quiet hours can hold it for hours).
     */
    marketing: z.boolean().optional(),
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
  // Every `x` with an `xZh` beside it (a course title, a lesson title) in the reader's language.
  for (const key of Object.keys(params)) {
    const value = params[key];
    if (!key.endsWith("Zh") && typeof value === "string" && `${key}Zh` in params)
      params[key] = localized(locale, value, String(params[`${key}Zh`] ?? ""));
  }
  if (typeof params.date === "string") params.date = formatDate(locale, new Date(params.date), timeZone);
  if (typeof params.when === "string") params.when = formatDateTime(locale, new Date(params.when), timeZone);
  const buttons: Button[][] | undefined = payload.buttons?.length
    ? [
        payload.buttons.map((b) =>
          "url" in b ? { label: m[b.key], url: b.url } : { label: m[b.key], action: b.action },
        ),
      ]
    : undefined;
  const text = m[payload.key](params);
  return { messages: [buttons ? { text, buttons } : { text }] };
}
