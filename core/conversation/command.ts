/**
 * A chat command, written once for every platform. `staffOnly` commands are refused to members by the router, and
 * the use cases they call check the role again.
 */
import type { Prisma } from "../../prisma/generated/client.js";
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import type { LocaleCode, Messages } from "../i18n/index.js";
import type { Reply } from "./reply.js";
import type { ChatRequest } from "./request.js";

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
}

export interface Command {
  name: string;
  staffOnly?: boolean;
  /** `args` split on spaces; `raw` is the whole argument text. */
  run(session: Session, args: string[], raw: string): Promise<Reply>;
}

/** Parses a positive id argument (`3`, `#3`), or throws BAD_ARGUMENTS with the command's usage. */
export function idArgument(value: string | undefined, m: Messages, usageKey: string): number {
  const match = value ? /^#?(\d{1,9})$/.exec(value) : null;
  if (!match) throw new AppError("BAD_ARGUMENTS", { usage: m.usage[usageKey] ?? "" });
  return Number(match[1]);
}
