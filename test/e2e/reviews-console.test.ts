/**
 * Reviews and reputation on the console end to end: what `npm start` runs (`node dist/bots/main.js`) with the lines
 * piped in, on its own database. A member is refused before owning and before opening a lesson, rates the course with
 * the stars offered under the last lesson (typing the button's number), edits it; the creator sees it on /course with
 * its id, replies (the member is told) and marks it helpful; /top ranks the member; in Chinese the page shows the
 * average too, and the review is removed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConsole, type Transcript, transcriptOf } from "../support/console-session.js";
import { createTestDatabaseEnv } from "../support/database.js";

describe("reviews on the console", () => {
  let database: Awaited<ReturnType<typeof createTestDatabaseEnv>>;
  let transcript: Transcript;
  let stdout = "";

  beforeAll(async () => {
    database = await createTestDatabaseEnv();
    const run = await runConsole(
      [
        "/review 1 5 Great",
        "/buy 1",
        "/as creator",
        "/confirm 1",
        "/as member",
        "/review 1 5 Great",
        "/done 1",
        "/done 2",
        "/done 3",
        "5",
        "/review python-data-analysis 5 Clear, practical, and the report lesson is gold",
        "/as creator",
        "/course 1",
        "/reply 1 Thank you, more reports are coming!",
        "/helpful 1",
        "/as member",
        "/helpful 1",
        "/top",
        "/language zh",
        "/course 1",
        "/top",
        "/review 1 remove",
        "/course 1",
      ],
      { ...database.env, HELPER_REPUTATION: "1" },
    );
    stdout = run.stdout;
    expect(run.code, run.stderr).toBe(0);
    transcript = transcriptOf(run.stdout);
  }, 120_000);
  afterAll(() => database?.cleanup());

  it("refuses before owning and before opening a lesson", () => {
    expect(transcript.reply("/review 1 5 Great", 1)).toContain("once you own it");
    expect(transcript.reply("/review 1 5 Great", 2)).toContain("Open at least 1 lesson(s) of Python for Data Analysis");
  });

  it("offers stars under the last lesson; a number picks them; sending again edits", () => {
    const last = transcript.reply("/done 3");
    expect(last).toContain("How would you rate Python for Data Analysis?");
    expect(last).toMatch(/\[5\] ★★★★(?!★)/);
    expect(transcript.reply("5")).toContain("Your review of Python for Data Analysis is up: ★★★★☆");
    expect(
      transcript.reply("/review python-data-analysis 5 Clear, practical, and the report lesson is gold"),
    ).toContain("is updated: ★★★★★");
  });

  it("shows the creator the review with its id; the reply reaches the member; helpful counts once", () => {
    const page = transcript.reply("/course 1", 1, "creator");
    expect(page).toContain("★ 5.0 from 1 review(s)");
    expect(page).toContain("#1 ★★★★★ Member: Clear, practical, and the report lesson is gold");
    const replied = transcript.reply("/reply 1 Thank you, more reports are coming!");
    expect(replied).toContain("Your reply is under review #1");
    expect(replied).toContain("The creator replied to your review of Python for Data Analysis");
    expect(transcript.reply("/helpful 1", 1, "creator")).toContain("marked helpful (👍 1)");
    expect(transcript.reply("/helpful 1", 1, "member")).toContain("You cannot mark your own review helpful");
  });

  it("ranks the member on /top, in English and Chinese, and shows the average in Chinese", () => {
    const top = transcript.reply("/top", 1);
    expect(top).toContain("1. Member — 1 🎖");
    expect(top).toContain("You: #1 with 1 point(s)");
    expect(transcript.reply("/course 1", 1, "member")).toContain("★ 5.0（1 条评价）");
    expect(transcript.reply("/course 1", 1, "member")).toContain("↳ 创作者回复：Thank you, more reports are coming!");
    expect(transcript.reply("/top", 2)).toContain("你：第 1 名，1 分。");
  });

  it("removes the review: the page has none, and the points are gone", () => {
    expect(transcript.reply("/review 1 remove")).toContain("评价已删除");
    expect(transcript.reply("/course 1", 2, "member")).toContain("还没有评价");
    expect(stdout).not.toContain("Something went wrong");
  });
});
