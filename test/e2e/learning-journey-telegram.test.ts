/**
 * Learning on Telegram end to end (issue 11, "Done when"): the real grammY bot (and, once, a creator's Telegraf bot
 * with Lyceum mounted) against the local fake Bot API. A member in English and one in Chinese buy an imported course
 * with Stars and walk it with the buttons the bot sent; a ~30,000-character lesson arrives complete, in order, every
 * message within 4096 characters and accepted by the fake's HTML parser.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deliveredWords,
  importLearningCourses,
  LONG_SLUG,
  longLessonMarkdown,
  sourceWords,
} from "../support/learning-courses.js";
import { walkLearningJourney } from "../support/learning-journey.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";
import { shownText, telegramLearner } from "../support/telegram-learner.js";

/** The fence language is shown by code formatting, not as a word. */
const withoutFenceLanguage = (words: string[]) => words.filter((w) => w !== "python");

describe("learning on Telegram (grammY)", () => {
  let h: TelegramHarness;
  let courses: { journeyId: number; longId: number };
  beforeAll(async () => {
    h = await createTelegramHarness("polling");
    courses = await importLearningCourses(h.db.prisma, h.clock.now());
  }, 60_000);
  afterAll(() => h.close());

  it("an English member buys with Stars, walks the course with the buttons and sees 3/3 ✓", async () => {
    const mia = h.fake.user(3101, "Mia", { language_code: "en" });
    const learner = telegramLearner(h, mia);
    const answered = h.fake.callsOf("answerCallbackQuery").length;
    await walkLearningJourney(learner, courses.journeyId, "en");
    // Six presses, six answers: no button is left spinning in the app.
    expect(h.fake.callsOf("answerCallbackQuery").length - answered).toBe(6);
    // Lesson 2 was opened twice (Next, then Continue): a photo each time, uploaded once, then by its file_id.
    const plan = { caption: "The plan as a tree", fileName: "plan.png" };
    expect(learner.media()).toEqual([plan, plan]);
    const photos = h.fake.callsOf("sendPhoto").filter((c) => Number(c.chat_id) === mia.id);
    expect(photos.map((c) => typeof c.photo)).toEqual(["object", "string"]);
    expect(h.fake.refusals).toEqual([]);
    const memberId = await h.memberIdOf(mia);
    expect(await h.db.prisma.lessonProgress.count({ where: { memberId, completedAt: { not: null } } })).toBe(3);
  });

  it("a Chinese member (language_code zh) reads the Chinese lessons and buttons", async () => {
    const li = h.fake.user(3102, "李雷", { language_code: "zh" });
    const learner = telegramLearner(h, li);
    await walkLearningJourney(learner, courses.journeyId, "zh");
    // The second member got the photo by the file_id the first upload earned.
    const photo = h.fake.callsOf("sendPhoto").findLast((c) => Number(c.chat_id) === li.id)!;
    expect(typeof photo.photo).toBe("string");
    expect(h.fake.refusals).toEqual([]);
  });

  it("a 30,000-character lesson arrives complete, in order, within 4096 characters per message", async () => {
    const source = longLessonMarkdown();
    expect(source.length).toBeGreaterThanOrEqual(30_000);
    const reader = h.fake.user(3103, "Rae", { language_code: "en" });
    const learner = telegramLearner(h, reader);
    await learner.command("lesson", [LONG_SLUG]);
    const calls = learner.lastTurn();
    expect(h.fake.refusals).toEqual([]);

    const texts = calls.filter((c) => c.method === "sendMessage").map((c) => String(c.params.text));
    expect(texts.length).toBeGreaterThan(7);
    for (const text of texts) {
      expect(text.length).toBeLessThanOrEqual(4096);
      expect(shownText({ method: "sendMessage", params: { text } }).length).toBeGreaterThan(0);
    }
    expect(calls.filter((c) => c.method === "sendPhoto").map(shownText)).toEqual(["First chart", "Second chart"]);
    expect(texts.join("")).toContain('<pre><code class="language-python">');

    // The heading goes first on its own; after it, text and captions re-join to the lesson word for word.
    const [heading, ...body] = calls;
    expect(shownText(heading!)).toContain("Lesson 1/1: Everything at once");
    const received = withoutFenceLanguage(deliveredWords(body.map(shownText).join("\n")));
    expect(received).toEqual(withoutFenceLanguage(sourceWords(source)));
    // Buttons under the last message only.
    expect(calls.at(-1)!.params.reply_markup).toBeDefined();
    expect(calls.slice(0, -1).every((c) => c.params.reply_markup === undefined)).toBe(true);
  });
});

describe("learning on Telegram (a creator's Telegraf bot)", () => {
  let h: TelegramHarness;
  let journeyId: number;
  beforeAll(async () => {
    h = await createTelegramHarness("telegraf");
    ({ journeyId } = await importLearningCourses(h.db.prisma, h.clock.now()));
  }, 60_000);
  afterAll(() => h.close());

  it("the same journey works through the mount", async () => {
    const learner = telegramLearner(h, h.fake.user(3201, "Tom", { language_code: "en" }));
    await walkLearningJourney(learner, journeyId, "en");
    const plan = { caption: "The plan as a tree", fileName: "plan.png" };
    expect(learner.media()).toEqual([plan, plan]);
    expect(h.fake.refusals).toEqual([]);
  });
});
