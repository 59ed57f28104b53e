/**
 * Interactions in, neutral requests out: a slash command is the core command of the same name with its options as
 * arguments, a button is the action in its custom id, a modal is the command it collects. Every reply is ephemeral
 * (orders, libraries and codes are personal). Anything unexpected gets an ephemeral, translated error.
 */
import {
  ActionRowBuilder,
  type BaseInteraction,
  type ButtonInteraction,
  ChannelType,
  type ChatInputCommandInteraction,
  type MessageContextMenuCommandInteraction,
  MessageFlags,
  ModalBuilder,
  type ModalSubmitInteraction,
  type StringSelectMenuInteraction,
  TextInputBuilder,
  TextInputStyle,
} from "discord.js";
import { isAppError } from "../../core/app-error.js";
import type { CoreContext } from "../../core/context.js";
import { bindGateReply } from "../../core/conversation/commands/creator-access.js";
import { handleChatRequest, mayRun } from "../../core/conversation/handle-request.js";
import { escapeMarkup, plainText, type Reply } from "../../core/conversation/reply.js";
import { type ChatInput, parseCommand } from "../../core/conversation/request.js";
import { type Messages, messages } from "../../core/i18n/index.js";
import { resolveMember } from "../../core/identity/resolve-member.js";
import { type AttachmentStore, attachmentStore } from "../../core/learning/attachments.js";
import { stripControlCharacters, truncateText } from "../../core/text.js";
import { ACCEPT_ANSWER_COMMAND, commandText } from "./discord-commands.js";
import { onAcceptAnswer, placeRef } from "./discord-forum.js";
import { type DiscordGateway, describeError } from "./discord-gateway.js";
import { renderReplyWithFiles } from "./discord-lesson.js";
import { ADD_COURSE_MODAL, ADD_LESSON_MODAL_PREFIX, COUPON_PREFIX, REFUND_MODAL_PREFIX } from "./discord-render.js";
import { platformUser } from "./discord-roles.js";

type Repliable =
  | ChatInputCommandInteraction
  | ButtonInteraction
  | ModalSubmitInteraction
  | StringSelectMenuInteraction
  | MessageContextMenuCommandInteraction;

export interface InteractionContext {
  ctx: CoreContext;
  gateway: DiscordGateway;
  guildId: string;
}

async function memberMessages(ctx: CoreContext, interaction: BaseInteraction): Promise<Messages> {
  const { member } = await resolveMember(ctx, platformUser(interaction.user, interaction.locale));
  return messages(member.locale);
}

/** Sends a neutral reply as the (deferred) ephemeral answer, more messages as ephemeral follow-ups. */
async function answer(interaction: Repliable, reply: Reply, m: Messages, attachments?: AttachmentStore): Promise<void> {
  const [first, ...rest] = await renderReplyWithFiles(reply, m, attachments);
  if (interaction.deferred || interaction.replied) await interaction.editReply(first!);
  else await interaction.reply({ ...first!, flags: MessageFlags.Ephemeral });
  for (const payload of rest) await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
}

/** `input` may be a function: work that can take longer than Discord's 3 s (a download) runs after the deferral. */
async function run(
  context: InteractionContext,
  interaction: Repliable,
  inputOrLoad: ChatInput | null | (() => Promise<ChatInput | null>),
): Promise<void> {
  const { ctx, gateway } = context;
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const input = typeof inputOrLoad === "function" ? await inputOrLoad() : inputOrLoad;
  gateway.rememberInteraction(interaction.user.id, interaction);
  const user = platformUser(interaction.user, interaction.locale);
  const reply = input
    ? await handleChatRequest(ctx, {
        user,
        chat: { id: interaction.channelId ?? user.externalId, kind: "private" },
        input,
        place: forumPlace(interaction),
      })
    : { messages: [{ text: (await memberMessages(ctx, interaction)).errors.INVALID_ACTION({}) }] };
  await answer(interaction, reply, await memberMessages(ctx, interaction), attachmentStore(ctx));
}

/** A command run in a forum channel or one of its posts names that forum as the Q&A place (`/helper draft`). */
function forumPlace(interaction: Repliable): { ref: string; title: string } | undefined {
  const channel = interaction.channel;
  const forum = channel?.isThread() ? channel.parent : channel;
  if (!forum || forum.type !== ChannelType.GuildForum) return undefined;
  return { ref: placeRef(forum.id), title: forum.name };
}

function textInput(id: string, label: string, options: { required?: boolean; long?: boolean; max?: number } = {}) {
  return new ActionRowBuilder<TextInputBuilder>().addComponents(
    new TextInputBuilder()
      .setCustomId(id)
      .setLabel(truncateText(plainText(label), 45))
      .setStyle(options.long ? TextInputStyle.Paragraph : TextInputStyle.Short)
      .setRequired(options.required ?? true)
      .setMaxLength(options.max ?? 100),
  );
}

/** `/gate role products`: the role and the guild come from Discord, so the adapter binds it through the core. */
async function bindRole(context: InteractionContext, interaction: ChatInputCommandInteraction): Promise<void> {
  const { ctx } = context;
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const { member } = await resolveMember(ctx, platformUser(interaction.user, interaction.locale));
  const m = messages(member.locale);
  const role = interaction.options.getRole("role");
  const ids = (interaction.options.getString("products") ?? "").split(/[\s,]+/).filter(Boolean);
  const guild = interaction.guild;
  if (!guild) {
    await interaction.editReply({ content: m.discord.guildOnly });
    return;
  }
  try {
    // `products:keep` or `products:remove` (after the ids, or alone) answers the question about people already inside.
    const last = ids.at(-1)?.toLowerCase();
    const choice = last === "keep" || last === "remove" ? last : undefined;
    const productIds = (choice ? ids.slice(0, -1) : ids).map((id) => {
      const match = /^#?(\d{1,9})$/.exec(id);
      if (!match) throw new BadArguments();
      return Number(match[1]);
    });
    if (!role || (productIds.length === 0 && !choice)) throw new BadArguments();
    const reply = await bindGateReply(ctx, {
      locale: member.locale,
      m,
      staffMemberId: member.id,
      platform: "DISCORD",
      externalId: role.id,
      title: `@${role.name}`,
      guildId: guild.id,
      productIds,
      choice,
    });
    const problem = context.gateway.roleProblem(guild, role.id);
    const first = reply.messages[0];
    if (problem && first) first.text = `${first.text}\n⚠️ ${escapeMarkup(problem)}`;
    await answer(interaction, reply, m);
  } catch (error) {
    if (error instanceof BadArguments) {
      await answer(interaction, { messages: [{ text: m.errors.BAD_ARGUMENTS({ usage: m.usage.gate ?? "" }) }] }, m);
      return;
    }
    if (!isAppError(error)) throw error;
    await answer(interaction, { messages: [{ text: m.errors[error.code](error.params) }] }, m);
  }
}

class BadArguments extends Error {}

/** Routes one interaction. Never throws: failures are logged and the member gets a translated error. */
export async function handleInteraction(context: InteractionContext, interaction: BaseInteraction): Promise<void> {
  const { ctx } = context;
  try {
    if (interaction.isChatInputCommand()) {
      const name = interaction.commandName;
      if (name === "gate" && (interaction.options.get("role") || interaction.options.get("products"))) {
        await bindRole(context, interaction);
        return;
      }
      const lessonCourse = interaction.options.getString("args")?.trim() ?? "";
      if (name === "addlesson" && /^[#\w-]{1,100}$/.test(lessonCourse)) {
        // Only the course given: the lesson's titles and text come in a form (a bot on Discord reads no DMs).
        const { member } = await resolveMember(ctx, platformUser(interaction.user, interaction.locale));
        const m = messages(member.locale);
        if (!mayRun(member.role, name)) {
          await interaction.reply({ content: m.errors.FORBIDDEN({}), flags: MessageFlags.Ephemeral });
          return;
        }
        await interaction.showModal(
          new ModalBuilder()
            .setCustomId(`${ADD_LESSON_MODAL_PREFIX}${lessonCourse}`)
            .setTitle(m.discord.addLessonTitle)
            .addComponents(
              textInput("titleEn", m.discord.titleEnLabel, { max: 200 }),
              textInput("titleZh", m.discord.titleZhLabel, { required: false, max: 200 }),
              textInput("text", m.discord.lessonTextLabel, { long: true, max: 4000 }),
            ),
        );
        return;
      }
      if (name === "addcourse" && !interaction.options.getString("args")) {
        const { member } = await resolveMember(ctx, platformUser(interaction.user, interaction.locale));
        const m = messages(member.locale);
        // A modal opens before any answer reaches the core: refuse a creator command first, not after the form.
        if (!mayRun(member.role, name)) {
          await interaction.reply({ content: m.errors.FORBIDDEN({}), flags: MessageFlags.Ephemeral });
          return;
        }
        await interaction.showModal(
          new ModalBuilder()
            .setCustomId(ADD_COURSE_MODAL)
            .setTitle(m.discord.addCourseTitle)
            .addComponents(
              textInput("price", m.discord.priceLabel, { max: 12 }),
              textInput("currency", m.discord.currencyLabel, { max: 3 }),
              textInput("recurring", m.discord.recurringLabel, { required: false, max: 3 }),
              textInput("titleEn", m.discord.titleEnLabel, { max: 120 }),
              textInput("titleZh", m.discord.titleZhLabel, { max: 120 }),
            ),
        );
        return;
      }
      if (name === "attach" && interaction.options.getAttachment("file")) {
        await run(context, interaction, () => attachedFile(interaction));
        return;
      }
      if (name === "refund" && interaction.options.get("order") && !interaction.options.get("reason")) {
        const m = await memberMessages(ctx, interaction);
        const order = String(interaction.options.get("order")?.value ?? "");
        await interaction.showModal(
          new ModalBuilder()
            .setCustomId(`${REFUND_MODAL_PREFIX}${truncateText(order, 12)}`)
            .setTitle(m.discord.refundTitle)
            .addComponents(textInput("reason", m.discord.refundReasonLabel, { required: false, long: true, max: 500 })),
        );
        return;
      }
      await run(context, interaction, parseCommand(commandText(interaction)));
      return;
    }
    if (interaction.isButton()) {
      if (interaction.customId.startsWith(COUPON_PREFIX)) {
        const m = await memberMessages(ctx, interaction);
        const id = truncateText(interaction.customId.slice(COUPON_PREFIX.length), 12);
        await interaction.showModal(
          new ModalBuilder()
            .setCustomId(`${COUPON_PREFIX}${id}`)
            .setTitle(m.discord.couponTitle)
            .addComponents(textInput("coupon", m.discord.couponLabel, { max: 40 })),
        );
        return;
      }
      await run(context, interaction, { kind: "action", data: interaction.customId });
      return;
    }
    if (interaction.isStringSelectMenu()) {
      const value = interaction.values[0];
      await run(context, interaction, value ? { kind: "action", data: value } : null);
      return;
    }
    if (interaction.isModalSubmit()) {
      await run(context, interaction, modalCommand(interaction));
      return;
    }
    if (interaction.isMessageContextMenuCommand() && interaction.commandName === ACCEPT_ANSWER_COMMAND) {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const text = await onAcceptAnswer(ctx, interaction);
      const m = await memberMessages(ctx, interaction);
      await answer(interaction, { messages: [{ text }] }, m);
      return;
    }
    if (interaction.isRepliable()) {
      const m = await memberMessages(ctx, interaction);
      await interaction.reply({ content: m.errors.INVALID_ACTION({}), flags: MessageFlags.Ephemeral });
    }
  } catch (error) {
    ctx.log.error(
      { interaction: interaction.id, type: interaction.type, err: describeError(error) },
      "discord interaction failed",
    );
    if (!interaction.isRepliable()) return;
    const m = await memberMessages(ctx, interaction).catch(() => messages("en"));
    const content = m.errors.INTERNAL({});
    try {
      if (interaction.deferred || interaction.replied) await interaction.editReply({ content, components: [] });
      else await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    } catch {
      // The interaction expired or Discord is unreachable: nothing more to tell the member here.
    }
  }
}

/** Discord refuses bigger uploads from a bot without boosts; lessons keep files up to this size. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

/**
 * `/attach file: caption:` as a file input. A Discord attachment address is signed and expires within a day, so the
 * bytes are downloaded now, here at the edge (core never fetches), and stored with the lesson like a folder's files;
 * lessons on Discord upload them from those bytes. Null (an "invalid" reply) when the file is too big or unreachable.
 */
async function attachedFile(interaction: ChatInputCommandInteraction): Promise<ChatInput | null> {
  const attachment = interaction.options.getAttachment("file");
  if (!attachment || attachment.size > MAX_FILE_BYTES) return null;
  const response = await fetch(attachment.url, { signal: AbortSignal.timeout(30_000) }).catch(() => null);
  if (!response?.ok) return null;
  const data = new Uint8Array(await response.arrayBuffer());
  if (data.byteLength > MAX_FILE_BYTES) return null;
  const caption = interaction.options.getString("caption");
  return {
    kind: "file",
    file: {
      kind: /^image\/(png|jpeg|webp)$/.test(attachment.contentType ?? "") ? "photo" : "document",
      fileName: stripControlCharacters(attachment.name),
      mimeType: attachment.contentType ?? undefined,
      caption: caption ? stripControlCharacters(caption) : undefined,
      data,
    },
  };
}

/** The command a modal collects; its fields are only ever arguments (the custom id picks the command). */
function modalCommand(interaction: ModalSubmitInteraction): ChatInput | null {
  const field = (id: string) => {
    try {
      // What a person typed: control characters go at the edge, before the core sees it.
      return stripControlCharacters(interaction.fields.getTextInputValue(id))
        .replace(/[\s|]+/g, " ")
        .trim();
    } catch {
      return "";
    }
  };
  const id = interaction.customId;
  if (id.startsWith(COUPON_PREFIX)) {
    return parseCommand(`/buy ${id.slice(COUPON_PREFIX.length)} ${field("coupon")}`);
  }
  if (id.startsWith(REFUND_MODAL_PREFIX)) {
    return parseCommand(`/refund ${id.slice(REFUND_MODAL_PREFIX.length)} ${field("reason")}`);
  }
  if (id.startsWith(ADD_LESSON_MODAL_PREFIX)) {
    // The text keeps its lines and bars: it is the lesson's Markdown, the last field of the one-message form.
    let text = "";
    try {
      text = stripControlCharacters(interaction.fields.getTextInputValue("text"));
    } catch {}
    const raw = `${id.slice(ADD_LESSON_MODAL_PREFIX.length)} | ${field("titleEn")} | ${field("titleZh")} | ${text}`;
    return { kind: "command", name: "addlesson", args: raw.split(/\s+/), raw };
  }
  if (id === ADD_COURSE_MODAL) {
    const monthly = /^(y|yes|是|monthly)$/i.test(field("recurring")) ? " monthly" : "";
    return parseCommand(
      `/addcourse ${field("price")} ${field("currency")}${monthly} | ${field("titleEn")} | ${field("titleZh")}`,
    );
  }
  return null;
}
