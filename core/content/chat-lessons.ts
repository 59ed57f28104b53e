/**
 * Lessons a creator writes in chat live beside the course folder. Their slug (what a folder file would be called)
 * says where they came from: `chat-<n>-<title>`, so a re-import of a folder that never had them leaves them as they
 * are, while a folder lesson whose file was deleted is still unpublished. Once exported, such a lesson is a file like
 * any other, and the folder wins for it.
 */
import { LESSON_SLUG_PATTERN } from "./course-folder-format.js";

export const CHAT_LESSON_PREFIX = "chat-";

/** True for a lesson created in chat (see the file comment). */
export function isChatLessonSlug(slug: string): boolean {
  return slug.startsWith(CHAT_LESSON_PREFIX);
}

/**
 * `chat-4-charts-that-tell-the-truth`: the number keeps chat lessons in the order they were written when a folder
 * import sorts lessons by file name (numbers compared as numbers), the title makes the exported file readable.
 *
 * @example chatLessonSlug(4, "Charts that tell the truth", new Set()) // "chat-4-charts-that-tell-the-truth"
 */
export function chatLessonSlug(number: number, title: string, taken: ReadonlySet<string>): string {
  const words = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  const base = `${CHAT_LESSON_PREFIX}${number}-${words || "lesson"}`;
  let slug = base;
  for (let suffix = 2; taken.has(slug); suffix++) slug = `${base}-${suffix}`;
  if (!LESSON_SLUG_PATTERN.test(slug)) throw new Error(`not a lesson slug: ${slug}`);
  return slug;
}
