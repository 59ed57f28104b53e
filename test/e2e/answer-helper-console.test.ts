/**
 * The answer helper in the console, as `npm start` runs it: the configured model is the local fake OpenAI server
 * (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL in the child's environment), the material a course folder imported
 * before the start and indexed by the app itself as it starts. `/ask` names a paid lesson to a non-owner with a Buy choice, quotes it to the member
 * once they own it, and says "I don't know" — telling the creator — when the material has no answer.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { systemClock } from "../../core/ports.js";
import { openDatabase } from "../../prisma/database.js";
import { type FakeOpenAiServer, startFakeOpenAiServer } from "../fakes/openai/openai-fake.js";
import { runConsole, transcriptOf } from "../support/console-session.js";
import { createTestDatabaseEnv } from "../support/database.js";
import { importHelperMaterial, PAID_SENTENCE } from "../support/helper-material.js";

describe("console: /ask", () => {
  let fake: FakeOpenAiServer;
  beforeAll(async () => {
    fake = await startFakeOpenAiServer();
  });
  afterAll(() => fake.close());

  it("names, then quotes, a paid lesson with a model; abstains honestly and asks the creator", async () => {
    const database = await createTestDatabaseEnv();
    onTestFinished(() => database.cleanup());
    const db = await openDatabase({
      url: database.env.DATABASE_URL || undefined,
      dataDir: path.join(database.env.LYCEUM_DATA_DIR!, "pglite"),
    });
    // Imported, not indexed: the app indexes the material itself when it starts (nobody runs `npm run knowledge`).
    const courseId = await importHelperMaterial({ prisma: db.prisma, clock: systemClock }, { index: false });
    await db.close();

    const join = "/ask How does a join match rows of two tables?";
    const football = "/ask Who won the 1998 football world cup?";
    const run = await runConsole(
      [join, "/as creator", "/start", `/grant @member ${courseId}`, "/as member", join, football],
      {
        ...database.env,
        OPENAI_API_KEY: "sk-console-test",
        OPENAI_BASE_URL: fake.baseUrl,
        OPENAI_MODEL: "fake-chat",
        OPENAI_TIMEOUT_SECONDS: "5",
      },
      { timeoutMs: 120_000 },
    );
    const context = `--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    expect(run.code, context).toBe(0);
    const t = transcriptOf(run.stdout);

    const before = t.reply(join, 1);
    expect(before, context).toContain("Query Craft, lesson 2: Joining tables");
    expect(before).toMatch(/\[\d+\] Buy Query Craft — \$39\.00/);
    expect(before).not.toContain("anchor column");

    const after = t.reply(join, 2);
    expect(after, context).toContain(
      "According to the material: A join matches the rows of two tables on a shared key. [1]",
    );
    expect(after).toContain("[1] Query Craft, lesson 2: Joining tables");
    expect(fake.promptText()).toContain(PAID_SENTENCE);

    const unknown = t.reply(football);
    expect(unknown, context).toContain("I don't know: the course material doesn't answer this. I've asked Creator");
    expect(unknown).toContain("Question #3 from Member needs you");
  }, 150_000);
  it("without a model, quotes a bilingual demo lesson once, in the language of the question", async () => {
    const database = await createTestDatabaseEnv();
    onTestFinished(() => database.cleanup());
    const question = "/ask How do I install Jupyter?";
    // The demo catalog (seeded at the first start) has each lesson in English and Chinese; course 1 is bought here.
    const run = await runConsole(["/start", "/as creator", "/start", "/grant @member 1", "/as member", question], {
      ...database.env,
    });
    const context = `--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    expect(run.code, context).toBe(0);
    const answer = transcriptOf(run.stdout).reply(question, 1);
    expect(answer, context).toContain("From the course material (quoted)");
    expect(answer).toContain("Install Python");
    expect(answer).toContain("[1] Python for Data Analysis, lesson 1: Setting up Jupyter");
    // Its button names the source it opens, without a second bracketed number beside the console's choice number.
    expect(answer).toContain("[1] Source 1: Setting up Jupyter");
    expect(answer).not.toMatch(/\[\d+\] \[\d+\]/);
    // The lesson's Chinese chunk is not quoted beside the English one, nor cited as a second source.
    expect(answer).not.toMatch(/\p{Script=Han}/u);
    expect(answer).not.toContain("[2] Python for Data Analysis, lesson 1");
  });
});
