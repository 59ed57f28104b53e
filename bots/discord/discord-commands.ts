/**
 * The slash commands, built from the core's command list: names are the core's, descriptions come in English with a
 * Chinese localization, and the options are typed where it helps (`/buy id coupon`). A command the table below does
 * not know gets one free-text `args` option, so a command added to the core appears on Discord without a change here.
 * Creator commands are hidden from members by default permissions; the core still refuses them to members.
 */
import {
  ApplicationCommandType,
  type ChatInputCommandInteraction,
  ContextMenuCommandBuilder,
  PermissionFlagsBits,
  type RESTPostAPIApplicationCommandsJSONBody,
  type SlashCommandAttachmentOption,
  SlashCommandBuilder,
  type SlashCommandIntegerOption,
  type SlashCommandRoleOption,
  type SlashCommandStringOption,
} from "discord.js";
import { commandList } from "../../core/conversation/handle-request.js";
import { type LocaleCode, type Messages, messages } from "../../core/i18n/index.js";
import { stripControlCharacters, truncateText } from "../../core/text.js";

type OptionKey = Exclude<
  {
    [K in keyof Messages["discord"]]: K extends `option${string}` ? K : never;
  }[keyof Messages["discord"]],
  undefined
>;

interface OptionSpec {
  name: string;
  type: "string" | "integer" | "role" | "attachment";
  description: OptionKey;
  required?: boolean;
  choices?: { name: string; value: string }[];
}

/** Typed options per command, in the order the core reads its arguments. */
export const COMMAND_OPTIONS: Record<string, OptionSpec[]> = {
  start: [{ name: "arg", type: "string", description: "optionStart" }],
  help: [],
  courses: [{ name: "query", type: "string", description: "optionQuery" }],
  course: [{ name: "id", type: "integer", description: "optionId", required: true }],
  live: [],
  join: [{ name: "id", type: "integer", description: "optionId", required: true }],
  buy: [
    { name: "id", type: "integer", description: "optionId", required: true },
    { name: "coupon", type: "string", description: "optionCoupon" },
  ],
  mycourses: [],
  orders: [],
  invite: [],
  refund: [
    { name: "order", type: "integer", description: "optionOrder", required: true },
    { name: "reason", type: "string", description: "optionReason" },
  ],
  language: [
    {
      name: "language",
      type: "string",
      description: "optionLanguage",
      choices: [
        { name: "English", value: "en" },
        { name: "中文", value: "zh" },
      ],
    },
  ],
  profile: [],
  link: [{ name: "code", type: "string", description: "optionCode" }],
  cancel: [],
  confirm: [{ name: "order", type: "integer", description: "optionOrder" }],
  refunds: [],
  approve: [{ name: "request", type: "integer", description: "optionRequest", required: true }],
  deny: [{ name: "request", type: "integer", description: "optionRequest", required: true }],
  reconcile: [{ name: "days", type: "integer", description: "optionLookbackDays" }],
  grant: [
    { name: "member", type: "string", description: "optionMember", required: true },
    { name: "product", type: "integer", description: "optionProduct", required: true },
    { name: "days", type: "integer", description: "optionDays" },
  ],
  revoke: [
    { name: "member", type: "string", description: "optionMember", required: true },
    { name: "product", type: "integer", description: "optionProduct", required: true },
  ],
  // The adapter binds the role itself (the core needs the guild id): see discord-bot.ts.
  gate: [
    { name: "role", type: "role", description: "optionRole" },
    { name: "products", type: "string", description: "optionProducts" },
  ],
  role: [
    { name: "member", type: "string", description: "optionMember", required: true },
    {
      name: "role",
      type: "string",
      description: "optionArgs",
      required: true,
      choices: [
        { name: "creator", value: "creator" },
        { name: "moderator", value: "moderator" },
        { name: "member", value: "member" },
      ],
    },
  ],
  addcourse: [{ name: "args", type: "string", description: "optionArgs" }],
  addlesson: [{ name: "args", type: "string", description: "optionArgs", required: true }],
  // The adapter turns the file into a file input itself (discord-interactions.ts): it is never a text argument.
  attach: [
    { name: "file", type: "attachment", description: "optionFile", required: true },
    { name: "caption", type: "string", description: "optionCaption" },
  ],
};

const FREE_TEXT: OptionSpec[] = [{ name: "args", type: "string", description: "optionArgs" }];

export function optionsFor(command: string): OptionSpec[] {
  return COMMAND_OPTIONS[command] ?? FREE_TEXT;
}

/** The message context-menu command that accepts an answer in the Q&A forum. */
export const ACCEPT_ANSWER_COMMAND = messages("en").discord.acceptCommand;

const DISCORD_LOCALES: Record<Exclude<LocaleCode, "en">, "zh-CN"> = { zh: "zh-CN" };

function describe<
  T extends
    | SlashCommandStringOption
    | SlashCommandIntegerOption
    | SlashCommandRoleOption
    | SlashCommandAttachmentOption,
>(option: T, spec: OptionSpec): T {
  option
    .setName(spec.name)
    .setDescription(messages("en").discord[spec.description])
    .setDescriptionLocalizations({ [DISCORD_LOCALES.zh]: messages("zh").discord[spec.description] })
    .setRequired(Boolean(spec.required));
  return option;
}

/** Every command as Discord's JSON, for a bulk overwrite on the guild. */
export function buildCommands(): RESTPostAPIApplicationCommandsJSONBody[] {
  const english = commandList("en");
  const chinese = new Map(commandList("zh").map((c) => [c.name, c.description]));
  const built: RESTPostAPIApplicationCommandsJSONBody[] = english.map((command) => {
    const builder = new SlashCommandBuilder()
      .setName(command.name)
      .setDescription(truncateText(command.description, 100))
      .setDescriptionLocalizations({
        [DISCORD_LOCALES.zh]: truncateText(chinese.get(command.name) ?? command.description, 100),
      });
    if (command.staffOnly) builder.setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild);
    for (const spec of optionsFor(command.name)) {
      if (spec.type === "integer") builder.addIntegerOption((o) => describe(o, spec).setMinValue(1));
      else if (spec.type === "role") builder.addRoleOption((o) => describe(o, spec));
      else if (spec.type === "attachment") builder.addAttachmentOption((o) => describe(o, spec));
      else {
        builder.addStringOption((o) => {
          describe(o, spec).setMaxLength(500);
          if (spec.choices) o.addChoices(...spec.choices);
          return o;
        });
      }
    }
    return builder.toJSON();
  });
  built.push(
    new ContextMenuCommandBuilder()
      .setName(ACCEPT_ANSWER_COMMAND)
      .setNameLocalizations({ [DISCORD_LOCALES.zh]: messages("zh").discord.acceptCommand })
      .setType(ApplicationCommandType.Message)
      .toJSON(),
  );
  return built;
}

/**
 * The command text the core reads, rebuilt from the options in order (`/buy 3 WELCOME10`). Whatever a member typed
 * into an option is only ever an argument: the command name is the interaction's.
 */
export function commandText(interaction: ChatInputCommandInteraction): string {
  const values: string[] = [];
  for (const spec of optionsFor(interaction.commandName)) {
    if (spec.type === "attachment") continue;
    const option = interaction.options.get(spec.name);
    if (option?.value === undefined || option.value === null) continue;
    // What a person typed: control characters go at the edge, before the core sees it.
    values.push(stripControlCharacters(String(option.value)).replace(/\s+/g, " ").trim());
  }
  // Options Discord sent that we did not declare (an old registration, a malformed payload) are ignored.
  return `/${interaction.commandName}${values.length ? ` ${values.join(" ")}` : ""}`;
}
