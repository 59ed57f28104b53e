/**
 * Renders the core's neutral reply for Discord: bold and code come from the parsed markup, every other character that
 * Discord markdown could read (emphasis, spoilers, links, mentions, headings, lists, quotes) is escaped, so no text
 * can change the formatting or ping anyone; long texts are split to Discord's 2000 characters. Buttons become button
 * rows (callback buttons carry the action as their custom id, links are link buttons). A "buy" button gets a coupon
 * button beside it, which opens a modal.
 */
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  type MessageActionRowComponentBuilder,
} from "discord.js";
import { markupLines, plainText, type Span, splitMarkup } from "../../core/conversation/markup.js";
import type { Button, Reply } from "../../core/conversation/reply.js";
import type { Messages } from "../../core/i18n/index.js";
import { truncateText } from "../../core/text.js";

/** Custom ids the adapter owns (not core actions): a button that opens the coupon modal, and the modals. */
export const COUPON_PREFIX = "lyceum:coupon:";
export const REFUND_MODAL_PREFIX = "lyceum:refund:";
export const ADD_COURSE_MODAL = "lyceum:addcourse";
/** `lyceum:addlesson:<course>`: the form of /addlesson (a bot reads no DMs on Discord, so it cannot ask step by step). */
export const ADD_LESSON_MODAL_PREFIX = "lyceum:addlesson:";

/** Discord's limits (message content, components, button label and custom id). */
export const DISCORD_LIMITS = { content: 2000, rows: 5, perRow: 5, label: 80, customId: 100 } as const;

export interface DiscordMessagePayload {
  content: string;
  components: ActionRowBuilder<MessageActionRowComponentBuilder>[];
  /** A lesson's image or file, uploaded with the message. */
  files?: AttachmentBuilder[];
  /** Nothing in a reply pings anyone, whatever a name or a title says. */
  allowedMentions: { parse: [] };
}

/**
 * A backslash before ASCII punctuation always shows that character in Discord: the escape works everywhere, so
 * every character with a meaning is escaped rather than only the pairs that look active. Mentions need `<` (escaped);
 * `@everyone` and `@here` stay plain text because no payload allows mentions.
 */
const SPECIAL = /[\\*_~`|[\]<>]/g;

/** Plain text as Discord markdown that shows exactly this text; `lineStart` escapes headings, lists and quotes too. */
export function escapeDiscordText(text: string, lineStart = false): string {
  const escaped = text.replace(SPECIAL, "\\$&");
  if (!lineStart) return escaped;
  return escaped.replace(/^(\s*)([#+-])/, "$1\\$2").replace(/^(\s*\d+)\./, "$1\\.");
}

/** One line of spans: consecutive bold spans share one `**…**`, code inside it; code that cannot be code is text. */
function discordLine(line: Span[]): string {
  let out = "";
  let bold = false;
  line.forEach((span, index) => {
    if (span.bold !== bold) {
      out += "**";
      bold = span.bold;
    }
    const atStart = index === 0 && !span.bold;
    if (span.code && !span.text.includes("`") && span.text.trim()) out += `\`${span.text}\``;
    else out += escapeDiscordText(span.text, atStart);
  });
  return bold ? `${out}**` : out;
}

/** The whole text as Discord markdown (not split; see discordTexts). */
export function toDiscordMarkdown(text: string): string {
  return markupLines(text).map(discordLine).join("\n");
}

/** The text as Discord messages of at most `limit` characters each, as Discord receives them. */
export function discordTexts(text: string, limit: number = DISCORD_LIMITS.content): string[] {
  return splitMarkup(text, limit, (line) => discordLine(line).length)
    .filter((lines) => lines.some((line) => line.some((span) => span.text.trim())))
    .map((lines) => lines.map(discordLine).join("\n"));
}

/** A button label is plain text of 1–80 characters. */
function buttonLabel(label: string): string {
  return truncateText(plainText(label), DISCORD_LIMITS.label, "…").trim() || "…";
}

/** One Discord message per neutral message (long texts split), buttons on the last part. */
export function renderReply(reply: Reply, m: Messages): DiscordMessagePayload[] {
  const payloads: DiscordMessagePayload[] = [];
  for (const message of reply.messages) {
    const parts = discordTexts(message.text);
    if (message.image) {
      // The URL stays raw so Discord embeds it; it goes on its own line, in a new message when the last one is full.
      const url = truncateText(message.image.url, DISCORD_LIMITS.content);
      const last = parts.at(-1);
      if (last !== undefined && last.length + 1 + url.length <= DISCORD_LIMITS.content)
        parts[parts.length - 1] = `${last}\n${url}`;
      else parts.push(url);
    }
    if (parts.length === 0) parts.push("\u200b");
    const rows = buttonRows(message.buttons, m);
    parts.forEach((content, index) => {
      payloads.push({ content, components: index === parts.length - 1 ? rows : [], allowedMentions: { parse: [] } });
    });
    if (message.document) {
      // A file made for this member (their data export) rides on the message's last part as an attachment.
      const file = new AttachmentBuilder(Buffer.from(message.document.data), { name: message.document.fileName });
      payloads[payloads.length - 1]!.files = [file];
    }
  }
  return payloads.length ? payloads : [{ content: "\u200b", components: [], allowedMentions: { parse: [] } }];
}

/** Neutral buttons as Discord button rows (at most 5 × 5); a "buy" button gets a coupon button beside it. */
export function buttonRows(
  buttons: Button[][] | undefined,
  m: Messages,
): ActionRowBuilder<MessageActionRowComponentBuilder>[] {
  const rows: ActionRowBuilder<MessageActionRowComponentBuilder>[] = [];
  for (const row of buttons ?? []) {
    const built = new ActionRowBuilder<MessageActionRowComponentBuilder>();
    for (const button of row) {
      if (built.components.length >= DISCORD_LIMITS.perRow) break;
      const label = buttonLabel(button.label);
      if ("url" in button) {
        built.addComponents(new ButtonBuilder().setStyle(ButtonStyle.Link).setLabel(label).setURL(button.url));
        continue;
      }
      built.addComponents(
        new ButtonBuilder()
          .setStyle(ButtonStyle.Primary)
          .setLabel(label)
          .setCustomId(truncateText(button.action, DISCORD_LIMITS.customId) || "-"),
      );
      const buy = /^buy (\d{1,9})$/.exec(button.action);
      if (buy && built.components.length < DISCORD_LIMITS.perRow) {
        built.addComponents(
          new ButtonBuilder()
            .setStyle(ButtonStyle.Secondary)
            .setLabel(buttonLabel(m.discord.couponButton))
            .setCustomId(`${COUPON_PREFIX}${buy[1]}`),
        );
      }
    }
    if (built.components.length && rows.length < DISCORD_LIMITS.rows) rows.push(built);
  }
  return rows;
}
