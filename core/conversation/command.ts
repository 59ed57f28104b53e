/**
 * A chat command, written once for every platform. `staffOnly` commands are refused to members by the router, and
 * the use cases they call check the role again.
 */
import type { Prisma } from "../../prisma/generated/client.js";
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import type { LocaleCode, Messages } from "../i18n/index.js";
import type { Reply } from "./reply.js";
import type { ChatInput, ChatRequest } from "./request.js";

export interface Session {
  ctx: CoreContext;
  member: Prisma.MemberGetPayload<object>;
  account: Prisma.PlatformAccountGetPayload<object>;
  locale: LocaleCode;
  m: Messages;
  request: ChatRequest;
  isNew: boolean;
  /** A guided step waits for this account's next message (known from the member lookup, at no extra query). */
  inFlow: boolean;
  /**
   * The catalog's version at the start of the request (from the member lookup). Commands that only read the catalog
   * pass it to getProduct / browseCatalog; a command that changes the catalog must not (it would read its own
   * change through the stale version).
   */
  catalogVersion: bigint | null;
}

export interface Command {
  name: string;
  staffOnly?: boolean;
  /** With `staffOnly`: moderators may run it too (the moderation queue). */
  moderators?: boolean;
  /** `args` split on spaces; `raw` is the whole argument text. */
  run(session: Session, args: string[], raw: string): Promise<Reply>;
  /** The guided flow this command starts, if any: the router hands it the account's next answers. */
  flow?: CommandFlow;
}

/** Where a guided flow stands: a ConversationState row (kept in the database, so a restart loses nothing). */
export interface FlowState {
  step: string;
  data: Record<string, unknown>;
}

/** What a flow is answered with: text, a file, or one of the commands the flow takes as answers (`/done`). */
export type FlowInput =
  | Extract<ChatInput, { kind: "text" }>
  | Extract<ChatInput, { kind: "file" }>
  | Extract<ChatInput, { kind: "command" }>;

/**
 * A guided flow, declared on the command that starts it: the router routes a waiting account's text and files to
 * `continue` (only while the member may still run the command), and any other command ends the flow.
 *
 * @example flow: { name: "addcourse", continue: (session, state, input) => continueAddCourse(session, state, input) }
 */
export interface CommandFlow {
  /** Stored in ConversationState.flow; unique across commands. */
  name: string;
  /** Commands that answer this flow instead of ending it (`/done` with no arguments ends the files step). */
  takes?(command: Extract<ChatInput, { kind: "command" }>): boolean;
  continue(session: Session, state: FlowState, input: FlowInput): Promise<Reply>;
}

/** Parses a positive id argument (`3`, `#3`), or throws BAD_ARGUMENTS with the command's usage. */
export function idArgument(value: string | undefined, m: Messages, usageKey: string): number {
  const match = value ? /^#?(\d{1,9})$/.exec(value) : null;
  if (!match) throw new AppError("BAD_ARGUMENTS", { usage: m.usage[usageKey] ?? "" });
  return Number(match[1]);
}
