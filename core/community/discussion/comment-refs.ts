/**
 * A comment's platform messages, kept in `LessonComment.messageRef` as space-separated handles (`tg:<chat>:<message>`,
 * `dc:<thread>:<message>`): the message it was written as, and the copies mirrored into the other platforms' threads.
 * Replies to any of them in a thread become replies to the comment.
 */
import type { Prisma } from "../../../prisma/generated/client.js";
import type { Platform } from "../../../prisma/generated/enums.js";

export const REF_PREFIX: Partial<Record<Platform, string>> = { TELEGRAM: "tg:", DISCORD: "dc:" };

export function commentRefs(messageRef: string | null): string[] {
  return messageRef ? messageRef.split(" ").filter(Boolean) : [];
}

/** The comment's message on one platform, if it has one there. */
export function refOn(messageRef: string | null, platform: Platform): string | null {
  const prefix = REF_PREFIX[platform];
  return (prefix && commentRefs(messageRef).find((ref) => ref.startsWith(prefix))) || null;
}

/** Where-clause for the comment one of whose messages is `ref`. */
export function byMessageRef(ref: string): Prisma.LessonCommentWhereInput {
  return {
    OR: [
      { messageRef: ref },
      { messageRef: { startsWith: `${ref} ` } },
      { messageRef: { endsWith: ` ${ref}` } },
      { messageRef: { contains: ` ${ref} ` } },
    ],
  };
}
