/**
 * One learning journey, written once and walked on every platform: a member buys the imported three-lesson course,
 * opens lesson 1, marks it done, presses Next to lesson 2 (its picture arrives through the platform's media path)
 * and on to lesson 3 (no Next there), marks it done, continues to the lesson left undone, marks it done, and sees
 * `3/3 ✓` in /learn, /mycourses and the course page, every text in the member's language. Each platform supplies a
 * driver that types commands and presses buttons the way a member does there.
 */
import { expect } from "vitest";
import { JOURNEY_LESSONS, PLAN_ALT, PLAN_ALT_ZH } from "./learning-courses.js";

/** How a member acts on one platform; every method resolves once the reply and what it started have arrived. */
export interface LearnerDriver {
  /** Buys the course the platform's way (Stars, Stripe Checkout, manual payment confirmed by the creator). */
  buy(productId: number): Promise<void>;
  /** Runs a command (`lesson`, `["7", "1"]`); returns what the member read in answer, as plain text. */
  command(name: string, args?: string[]): Promise<string>;
  /** Presses the button labelled `label` under the latest reply; throws when there is none. */
  press(label: string): Promise<string>;
  /** Labels of the buttons under the latest reply. */
  buttons(): string[];
  /** Pictures and files the member received so far, by caption and file name (as the platform delivered them). */
  media(): { caption: string; fileName: string }[];
}

/** The member-facing words of the journey, in each language (written out, so a missing translation fails). */
export const JOURNEY_TEXTS = {
  en: {
    heading: (n: number, title: string) => `Lesson ${n}/3: ${title}`,
    markDone: "Mark done",
    next: "Next ▶",
    previous: "◀ Previous",
    continue: "▶ Continue",
    markedDone: (n: number, done: number) => [`✓ Lesson ${n}/3 done`, `Progress: ${done}/3 ✓`],
    finished: "🎉 You finished Habits of Good Queries!",
    learnTitle: "Your courses",
    coursePage: "Your progress: 3/3 ✓",
    course: "Habits of Good Queries",
    caption: PLAN_ALT,
  },
  zh: {
    heading: (n: number, title: string) => `第 ${n}/3 课：${title}`,
    markDone: "标记完成",
    next: "下一课 ▶",
    previous: "◀ 上一课",
    continue: "▶ 继续学习",
    markedDone: (n: number, done: number) => [`✓ 第 ${n}/3 课已完成`, `进度：${done}/3 ✓`],
    finished: "🎉 你已学完 好查询的习惯！",
    learnTitle: "我的课程",
    coursePage: "你的进度：3/3 ✓",
    course: "好查询的习惯",
    caption: PLAN_ALT_ZH,
  },
} as const;

/** Lesson `n` (1-based) as the member should read it in `locale`. */
function expectLesson(text: string, locale: "en" | "zh", n: number): void {
  const lesson = JOURNEY_LESSONS[n - 1]!;
  const t = JOURNEY_TEXTS[locale];
  expect(text).toContain(t.heading(n, locale === "zh" ? lesson.titleZh : lesson.title));
  expect(text).toContain(locale === "zh" ? lesson.zh : lesson.en);
  // The other language's text is not there (a fallback would say so with a note).
  expect(text).not.toContain(locale === "zh" ? lesson.en : lesson.zh);
}

/** Walks the journey for `productId` in `locale`; `plainMarks` strips Markdown the platform shows (Discord's **). */
export async function walkLearningJourney(
  driver: LearnerDriver,
  productId: number,
  locale: "en" | "zh",
  plainMarks: (text: string) => string = (text) => text,
): Promise<void> {
  const t = JOURNEY_TEXTS[locale];
  const read = async (reply: Promise<string>) => plainMarks(await reply);
  await driver.buy(productId);

  expectLesson(await read(driver.command("lesson", [String(productId), "1"])), locale, 1);
  expect(driver.buttons()).toEqual(expect.arrayContaining([t.markDone, t.next]));
  expect(driver.buttons()).not.toContain(t.previous);
  const firstDone = await read(driver.press(t.markDone));
  for (const line of t.markedDone(1, 1)) expect(firstDone).toContain(line);

  const mediaBefore = driver.media().length;
  expectLesson(await read(driver.press(t.next)), locale, 2);
  // The picture the lesson refers to arrived through the platform's media path, captioned in the member's language.
  expect(driver.media().slice(mediaBefore)).toEqual([
    { caption: t.caption, fileName: expect.stringMatching(/plan\.png$/) },
  ]);
  expect(driver.buttons()).toEqual(expect.arrayContaining([t.previous, t.markDone, t.next]));

  expectLesson(await read(driver.press(t.next)), locale, 3);
  expect(driver.buttons()).not.toContain(t.next);
  const thirdDone = await read(driver.press(t.markDone));
  for (const line of t.markedDone(3, 2)) expect(thirdDone).toContain(line);
  expect(thirdDone).not.toContain(t.finished);

  // "Continue" opens the first lesson not done yet: lesson 2.
  expectLesson(await read(driver.press(t.continue)), locale, 2);
  const lastDone = await read(driver.press(t.markDone));
  for (const line of t.markedDone(2, 3)) expect(lastDone).toContain(line);
  expect(lastDone).toContain(t.finished);

  const learn = await read(driver.command("learn"));
  expect(learn).toContain(t.learnTitle);
  expect(learn).toMatch(new RegExp(`${t.course} — .*3/3 ✓`));
  const library = await read(driver.command("mycourses"));
  expect(library).toMatch(new RegExp(`${t.course} — .*3/3 ✓`));
  expect(await read(driver.command("course", [String(productId)]))).toContain(t.coursePage);
}
