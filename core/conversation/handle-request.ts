/**
 * The one entry point for every chat platform: an adapter turns an update into a ChatRequest, calls this, and renders
 * the Reply. Identity, authorization, argument checking and error translation happen here, once.
 *
 * @example const reply = await handleChatRequest(ctx, { user, chat: { id, kind: "private" }, input: parseCommand("/courses")! })
 */
import type { Role } from "../../prisma/generated/enums.js";
import { isAppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import { type LocaleCode, messages } from "../i18n/index.js";
import { resolveMember } from "../identity/resolve-member.js";
import { isStaff } from "../identity/roles.js";
import { mayModerate } from "../moderation/moderation-roles.js";
import { truncateText } from "../text.js";
import type { Command, Session } from "./command.js";
import { gateCommand, grantCommand, revokeCommand, roleCommand } from "./commands/creator-access.js";
import { addLessonCommand, attachCommand } from "./commands/creator-add-lesson.js";
import { atRiskCommand } from "./commands/creator-atrisk.js";
import { broadcastCommand } from "./commands/creator-broadcast.js";
import { addCourseCommand } from "./commands/creator-catalog.js";
import { editLessonCommand, publishCommand, unpublishCommand } from "./commands/creator-edit-lessons.js";
import { experimentsCommand } from "./commands/creator-experiments.js";
import { draftCommand, helperCommand, unansweredCommand } from "./commands/creator-helper.js";
import { moderationCommand } from "./commands/creator-moderation.js";
import {
  approveCommand,
  confirmCommand,
  denyCommand,
  reconcileCommand,
  refundsCommand,
} from "./commands/creator-orders.js";
import { askCommand } from "./commands/member-ask.js";
import { billingCommand, paySupportCommand, termsCommand } from "./commands/member-billing.js";
import { courseCommand, coursesCommand, helpCommand, startCommand } from "./commands/member-catalog.js";
import { buyCommand, myCoursesCommand, ordersCommand, refundCommand } from "./commands/member-commerce.js";
import { commentCommand, commentsCommand, replyToCommand, reportCommand } from "./commands/member-discussion.js";
import { forYouCommand, recCommand } from "./commands/member-foryou.js";
import { inviteCommand } from "./commands/member-invite.js";
import { doneCommand, learnCommand, lessonCommand } from "./commands/member-learning.js";
import { joinCommand, liveCommand } from "./commands/member-live.js";
import { eraseCommand, myDataCommand } from "./commands/member-privacy.js";
import { languageCommand, linkCommand, profileCommand } from "./commands/member-profile.js";
import { helpfulCommand, replyCommand, reviewCommand, reviewsCommand, topCommand } from "./commands/member-reviews.js";
import {
  optInCommand,
  optOutCommand,
  quietCommand,
  settingsCommand,
  timeZoneCommand,
} from "./commands/member-settings.js";
import { trialCommand } from "./commands/member-trial.js";
import { voteCommand } from "./commands/member-vote.js";
import { walletCommand } from "./commands/member-wallet.js";
import { type Reply, textReply } from "./reply.js";
import { type ChatRequest, parseCommand } from "./request.js";

const cancelCommand: Command = {
  name: "cancel",
  async run({ ctx, account, m }) {
    const removed = await ctx.prisma.conversationState.deleteMany({ where: { accountId: account.id } });
    return textReply(removed.count ? m.cancelled : m.nothingToCancel);
  },
};

export const COMMANDS: readonly Command[] = [
  startCommand,
  helpCommand,
  coursesCommand,
  courseCommand,
  buyCommand,
  trialCommand,
  myCoursesCommand,
  learnCommand,
  lessonCommand,
  forYouCommand,
  recCommand,
  doneCommand,
  liveCommand,
  joinCommand,
  askCommand,
  voteCommand,
  reviewCommand,
  reviewsCommand,
  helpfulCommand,
  replyCommand,
  topCommand,
  commentsCommand,
  commentCommand,
  replyToCommand,
  reportCommand,
  moderationCommand,
  helperCommand,
  unansweredCommand,
  draftCommand,
  ordersCommand,
  refundCommand,
  walletCommand,
  inviteCommand,
  languageCommand,
  profileCommand,
  linkCommand,
  myDataCommand,
  eraseCommand,
  billingCommand,
  paySupportCommand,
  termsCommand,
  cancelCommand,
  confirmCommand,
  refundsCommand,
  approveCommand,
  denyCommand,
  reconcileCommand,
  grantCommand,
  revokeCommand,
  addCourseCommand,
  addLessonCommand,
  editLessonCommand,
  publishCommand,
  unpublishCommand,
  attachCommand,
  gateCommand,
  roleCommand,
  settingsCommand,
  optOutCommand,
  optInCommand,
  quietCommand,
  timeZoneCommand,
  broadcastCommand,
  experimentsCommand,
  atRiskCommand,
];

const byName = new Map(COMMANDS.map((c) => [c.name, c]));
/** Short forms members type. */
const ALIASES: Record<string, string> = { catalog: "courses", library: "mycourses", lang: "language", me: "profile" };

/**
 * The commands to advertise on a platform's command menu (Telegram setMyCommands, Discord slash commands), with
 * descriptions in the locale.
 *
 * @example await bot.api.setMyCommands(commandList("zh").filter((c) => !c.staffOnly), { language_code: "zh" })
 */
export function commandList(locale: LocaleCode): { name: string; description: string; staffOnly: boolean }[] {
  const m = messages(locale);
  return COMMANDS.map((c) => ({
    name: c.name,
    description: m.commandDescriptions[c.name] ?? c.name,
    staffOnly: Boolean(c.staffOnly),
  }));
}

/**
 * Whether a member with this role may run the command: the router's own check, for adapters that must decide before
 * asking the core anything (a Discord modal opens before any text reaches the core).
 *
 * @example if (!mayRun(member.role, "addcourse")) return refuse()
 */
export function mayRun(role: Role, commandName: string): boolean {
  const handler = byName.get(ALIASES[commandName] ?? commandName);
  return !handler?.staffOnly || isStaff(role) || (Boolean(handler.moderators) && mayModerate(role));
}

export async function handleChatRequest(ctx: CoreContext, request: ChatRequest): Promise<Reply> {
  const { member, account, isNew, inFlow, catalogVersion } = await resolveMember(ctx, request.user);
  const locale = member.locale;
  const session: Session = {
    ctx,
    member,
    account,
    locale,
    m: messages(locale),
    request,
    isNew,
    inFlow,
    catalogVersion,
  };
  try {
    return await dispatch(session);
  } catch (error) {
    if (isAppError(error)) {
      ctx.log.info({ memberId: member.id, code: error.code }, "request refused");
      return textReply(session.m.errors[error.code](error.params));
    }
    ctx.log.error({ memberId: member.id, err: error instanceof Error ? error.stack : String(error) }, "request failed");
    return textReply(session.m.errors.INTERNAL({}));
  }
}

/** The command that owns each guided flow, by the name stored in ConversationState. */
const byFlow = new Map(COMMANDS.flatMap((c) => (c.flow ? [[c.flow.name, c] as const] : [])));

async function dispatch(session: Session): Promise<Reply> {
  const { input } = session.request;
  const { ctx, m, account } = session;
  // Only an account known to be in a flow costs a look at its state (resolveMember already told us, for free).
  const state = session.inFlow
    ? await ctx.prisma.conversationState.findUnique({ where: { accountId: account.id } })
    : null;
  // A flow continues only while its member may still run the command that started it (a demoted creator may not).
  const owner = state ? byFlow.get(state.flow) : undefined;
  const flow = owner?.flow && mayRun(session.member.role, owner.name) ? owner.flow : undefined;
  const flowState = state && { step: state.step, data: (state.data ?? {}) as Record<string, unknown> };
  if (input.kind === "text" || input.kind === "file") {
    if (flow && flowState) return flow.continue(session, flowState, input);
    return textReply(m.notACommand);
  }
  // A button is the command it names: the same parsing and the same checks, so tampered data gets a normal refusal.
  const command = input.kind === "action" ? parseCommand(`/${truncateText(input.data, 64)}`) : input;
  if (!command) return textReply(m.errors.INVALID_ACTION({}));
  if (flow && flowState && input.kind === "command" && flow.takes?.(command)) {
    return flow.continue(session, flowState, command);
  }
  const handler = byName.get(ALIASES[command.name] ?? command.name);
  if (!handler) return textReply(m.unknownCommand({ name: command.name.slice(0, 32) }));
  if (!mayRun(session.member.role, handler.name)) return textReply(m.errors.FORBIDDEN({}));
  if (state && handler.name !== "cancel" && handler !== owner) {
    // Any other command ends a guided flow, so a stray answer is never taken for a title or a price. The flow's own
    // command starts it again itself.
    await ctx.prisma.conversationState.deleteMany({ where: { accountId: account.id } });
  }
  return handler.run(session, command.args, command.raw);
}
