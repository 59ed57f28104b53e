/**
 * Thread questions for the answer helper's workflow tests, asked the way a Telegram or Discord adapter asks them
 * (askQuestion with the thread, the place and the asking message, then the helper's background job), on the console
 * platform whose recording gateway posts in threads. Each call opens a new thread.
 */
import { requestHelperAnswer } from "../../core/assistant/request-helper-answer.js";
import { askQuestion } from "../../core/community/ask-question.js";
import type { PlatformUser } from "../../core/identity/resolve-member.js";
import type { Harness } from "./harness.js";

/** The Q&A place the tests ask in (a forum, as the console gateway sees it). */
export const FORUM_PLACE = "cs:forum";

let threads = 0;

export function consoleUser(name: string, languageCode = "en"): PlatformUser {
  return { platform: "CONSOLE", externalId: name, displayName: name, username: name, languageCode, chatId: name };
}

/**
 * @example const { questionId, threadRef } = await askInThread(h, "member", "How does a join match rows?")
 */
export async function askInThread(
  h: Harness,
  user: string,
  text: string,
  options: { place?: string; languageCode?: string } = {},
): Promise<{ questionId: number; threadRef: string }> {
  threads += 1;
  const place = options.place ?? FORUM_PLACE;
  const threadRef = `${place}:${threads}`;
  const { questionId } = await askQuestion(h.ctx, {
    user: consoleUser(user, options.languageCode),
    threadRef,
    title: text,
    body: text,
    placeRef: place,
    placeTitle: "Q&A forum",
    messageRef: `${threadRef}:1`,
  });
  await requestHelperAnswer(h.ctx, { questionId });
  await h.jobs.idle();
  return { questionId, threadRef };
}

/** What the gateway posted in one thread, as plain text. */
export function postedIn(h: Harness, threadRef: string): string {
  return h.gateway.threadPosts
    .filter((post) => post.threadRef === threadRef)
    .map((post) => post.text)
    .join("\n");
}
