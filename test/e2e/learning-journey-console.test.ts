/**
 * Learning on the console end to end (issue 11, "Done when"): the console's own chat loop, gateway and renderer, in
 * process on a real database. A member in English and one who switches with /language zh buy an imported course
 * (manual payment, confirmed by the creator) and walk it by typing the numbers of the buttons; the lesson picture is
 * written to disk and its path printed; a ~30,000-character lesson prints complete, in order, as plain text.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { openDatabase } from "../../prisma/database.js";
import { type ConsoleChat, startConsoleChat } from "../support/console-learner.js";
import { runConsole, transcriptOf } from "../support/console-session.js";
import { PIXEL_PNG } from "../support/content-folders.js";
import { createTestDatabaseEnv } from "../support/database.js";
import { createHarness, type Harness } from "../support/harness.js";
import {
  deliveredWords,
  importLearningCourses,
  JOURNEY_LESSONS,
  JOURNEY_SLUG,
  LONG_SLUG,
  longLessonMarkdown,
  sourceWords,
} from "../support/learning-courses.js";
import { walkLearningJourney } from "../support/learning-journey.js";

describe("learning on the console", () => {
  let h: Harness;
  let chat: ConsoleChat;
  let courses: { journeyId: number; longId: number };
  beforeAll(async () => {
    h = await createHarness({ stripe: false });
    courses = await importLearningCourses(h.db.prisma, h.clock.now());
    chat = await startConsoleChat(h);
  }, 60_000);
  afterAll(async () => {
    await chat?.close();
    await h?.close();
  });

  it("an English member buys, is confirmed, walks the course by typing button numbers and sees 3/3 ✓", async () => {
    const learner = chat.learner("mia");
    await walkLearningJourney(learner, courses.journeyId, "en");
    // The picture was written where the console printed it, with the bytes of the course folder's file.
    const [picture] = learner.media();
    expect(picture!.fileName.startsWith(chat.filesDir)).toBe(true);
    expect(await readFile(picture!.fileName)).toEqual(PIXEL_PNG);
    const memberId = await h.memberId("mia");
    expect(await h.db.prisma.lessonProgress.count({ where: { memberId, completedAt: { not: null } } })).toBe(3);
  });

  it("a member who chose /language zh reads the Chinese lessons and buttons", async () => {
    const learner = chat.learner("li");
    expect(await learner.command("language", ["zh"])).toMatch(/中文/);
    await walkLearningJourney(learner, courses.journeyId, "zh");
  });

  it("a 30,000-character lesson prints complete and in order, as plain text with the pictures' paths", async () => {
    const source = longLessonMarkdown();
    const output = await chat.learner("rae").command("lesson", [LONG_SLUG]);
    expect(output).not.toMatch(/<\/?(b|i|pre|code|a)\b|\*\*|```/);
    const pictures = [...output.matchAll(/^🖼 (.*) — (\/\S+)$/gm)].map((m) => m[1]);
    expect(pictures).toEqual(["First chart", "Second chart"]);
    // The heading block, then the lesson; the buttons' line last. Pictures count by their caption, as elsewhere.
    const [heading, ...rest] = output.split("\n\n");
    expect(heading).toContain("Lesson 1/1: Everything at once");
    const lesson = rest
      .join("\n\n")
      .replace(/^ {2}\[\d+\] .*$/gm, "")
      .replace(/^🖼 (.*) — \/\S+$/gm, "$1")
      .replace(/^ {4}\[python\]$/gm, "");
    expect(deliveredWords(lesson)).toEqual(sourceWords(source));
  });
});

describe("learning on the console, as `npm start` runs it", () => {
  it("a member confirmed by the creator opens lesson 2 and the picture lands under the data folder", async () => {
    const database = await createTestDatabaseEnv();
    onTestFinished(() => database.cleanup());
    const dataDir = database.env.LYCEUM_DATA_DIR!;
    // The creator imported the course before the first start (so the demo catalog is not added).
    const db = await openDatabase(
      database.env.DATABASE_URL ? { url: database.env.DATABASE_URL } : { dataDir: path.join(dataDir, "pglite") },
    );
    let journeyId: number;
    try {
      ({ journeyId } = await importLearningCourses(db.prisma, new Date()));
    } finally {
      await db.close();
    }
    const lines = [
      `/buy ${journeyId}`,
      "/as creator",
      "/confirm 1",
      "/as member",
      `/lesson ${JOURNEY_SLUG} 2`,
      "/mycourses",
    ];
    const run = await runConsole(lines, database.env);
    const context = `--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    expect(run.code, context).toBe(0);
    const t = transcriptOf(run.stdout);
    const lesson = t.reply(`/lesson ${JOURNEY_SLUG} 2`);
    expect(lesson, context).toContain(JOURNEY_LESSONS[1].en);
    const picture = /^🖼 The plan as a tree — (\/\S+)$/m.exec(lesson);
    expect(picture?.[1], context).toMatch(new RegExp(`^${path.resolve(dataDir, "lesson-files")}/\\d+-plan\\.png$`));
    expect(await readFile(picture![1]!)).toEqual(PIXEL_PNG);
    expect(t.reply("/mycourses")).toContain("0/3 ✓");
  }, 120_000);
});
