/**
 * A free trial in the console chat, as `npm start` runs it on a fresh database: the demo's Prompt Engineering course
 * offers 7 days free; the member starts the trial from the course page's button, opens a lesson the preview does not
 * cover, is refused a second trial, buys during the trial (the creator confirms by hand) and then owns the course.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { runConsole, transcriptOf } from "../support/console-session.js";
import { createTestDatabaseEnv } from "../support/database.js";

describe("free trial in the console", () => {
  it("Try it free, a lesson, no second trial, bought during the trial, owned", async () => {
    const database = await createTestDatabaseEnv();
    onTestFinished(() => database.cleanup());
    const lines = [
      "/start",
      "/course 2",
      "2",
      "/lesson 2 2",
      "/trial 2",
      "/course 2",
      "/buy 2",
      "/as creator",
      "/confirm 1",
      "/as member",
      "/course 2",
      "/language zh",
      "/trial 2",
    ];
    const run = await runConsole(lines, database.env);
    const context = `--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    expect(run.code, context).toBe(0);
    expect(run.stderr, context).not.toMatch(/"level":(50|60)/);
    const t = transcriptOf(run.stdout);

    const page = t.reply("/course 2", 1);
    expect(page).toContain("7-day free trial");
    expect(page).toContain("[2] Try it free for 7 days");
    expect(t.reply("2", 1, "member")).toContain("7-day free trial of Prompt Engineering Masterclass has started");
    expect(t.reply("/lesson 2 2")).toContain("Evaluating prompts");
    expect(t.reply("/trial 2", 1)).toContain("You have already had a free trial of #2");
    const during = t.reply("/course 2", 2);
    expect(during).toContain("Free trial until");
    expect(during).toContain("Buy —");
    expect(t.reply("/buy 2")).toContain("Order #1");
    expect(t.reply("/confirm 1")).toContain("Order #1 confirmed");
    expect(t.reply("/course 2", 3)).toContain("You own this");
    expect(t.reply("/trial 2", 2)).toContain("你已拥有 #2");
  });
});
