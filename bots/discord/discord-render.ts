/**
 * Renders the core's neutral reply for Discord: the tiny markup (`**bold**`, `` `code` ``) is Discord's own, everything
 * else is escaped; buttons become button rows (callback buttons carry the action as their custom id, links are link
 * buttons). A "buy" button gets a coupon button beside it, which opens a modal.
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  escapeMarkdown,
  type MessageActionRowComponentBuilder,
} from "discord.js";
import type { Reply } from "../../core/conversation/reply.js";
import type { Messages } from "../../core/i18n/index.js";

/** Custom ids the adapter owns (not core actions): a button that opens the coupon modal, and the modals. */
export const COUPON_PREFIX = "lyceum:coupon:";
export const REFUND_MODAL_PREFIX = "lyceum:refund:";
export const ADD_COURSE_MODAL = "lyceum:addcourse";

const MAX_CONTENT = 2000;
const MAX_ROWS = 5;
const MAX_PER_ROW = 5;

export interface DiscordMessagePayload {
  content: string;
  components: ActionRowBuilder<MessageActionRowComponentBuilder>[];
}

/** Escapes Discord markdown except the core's own `**bold**` and `` `code` ``. */
export function toDiscordMarkdown(text: string): string {
  return text
    .split(/(\*\*[^*]+?\*\*|`[^`]+`)/)
    .map((part) => {
      if (/^\*\*[^*]+?\*\*$/.test(part)) return `**${escapeMarkdown(part.slice(2, -2))}**`;
      if (/^`[^`]+`$/.test(part)) return part;
      return escapeMarkdown(part);
    })
    .join("");
}

function chunks(text: string): string[] {
  if (text.length <= MAX_CONTENT) return [text || "\u200b"];
  const out: string[] = [];
  let rest = text;
  while (rest.length > MAX_CONTENT) {
    const cut = rest.lastIndexOf("\n", MAX_CONTENT);
    const at = cut > MAX_CONTENT / 2 ? cut : MAX_CONTENT;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, "");
  }
  if (rest) out.push(rest);
  return out;
}

/** One Discord message per neutral message (long texts split), buttons on the last part. */
export function renderReply(reply: Reply, m: Messages): DiscordMessagePayload[] {
  const payloads: DiscordMessagePayload[] = [];
  for (const message of reply.messages) {
    let text = toDiscordMarkdown(message.text);
    if (message.image) text += `\n${message.image.url}`;
    const parts = chunks(text);
    const rows: ActionRowBuilder<MessageActionRowComponentBuilder>[] = [];
    for (const buttons of message.buttons ?? []) {
      const row = new ActionRowBuilder<MessageActionRowComponentBuilder>();
      for (const button of buttons) {
        if (row.components.length >= MAX_PER_ROW) break;
        const label = button.label.slice(0, 80) || "…";
        if ("url" in button) {
          row.addComponents(new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel(label).setURL(button.url));
          continue;
        }
        row.addComponents(
          new ButtonBuilder().setStyle(ButtonStyle.Primary).setLabel(label).setCustomId(button.action.slice(0, 100)),
        );
        const buy = /^buy (\d{1,9})$/.exec(button.action);
        if (buy && row.components.length < MAX_PER_ROW) {
          row.addComponents(
            new ButtonBuilder()
              .setStyle(ButtonStyle.Secondary)
              .setLabel(m.discord.couponButton)
              .setCustomId(`${COUPON_PREFIX}${buy[1]}`),
          );
        }
      }
      if (row.components.length && rows.length < MAX_ROWS) rows.push(row);
    }
    parts.forEach((content, index) => {
      payloads.push({ content, components: index === parts.length - 1 ? rows : [] });
    });
  }
  return payloads.length ? payloads : [{ content: "\u200b", components: [] }];
}
