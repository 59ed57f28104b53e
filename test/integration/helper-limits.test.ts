/**
 * The answer helper's limits and moderation, against a real database and a local fake OpenAI server (chat
 * completions that count their calls and report token usage, and /v1/moderations): a member's daily question limit
 * with a translated reply, the creator's daily token budget (then quotes, and the creator told once), identical
 * recent questions reusing the stored answer without a model call, and moderation by the provider's endpoint and by
 * the rules (a link from a new member, a banned word in Chinese, a flood): not answered, hidden, the creator told.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAiLanguageModel } from "../../bots/openai-language-model.js";
import { openAiModerationFromEnv } from "../../bots/openai-moderation.js";
import { answerQuestion } from "../../core/community/answer-question.js";
import { type FakeOpenAiServer, startFakeOpenAiServer } from "../fakes/openai/openai-fake.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";
import { importHelperMaterial } from "../support/helper-material.js";
import { askInThread, consoleUser, postedIn } from "../support/helper-threads.js";

const COLUMNS = "How do I choose which columns to read?";

let h: Harness;
let fake: FakeOpenAiServer;

const toCreator = () =>
  h.gateway.sent
    .filter((sent) => sent.to === CREATOR)
    .map((sent) => sent.text)
    .join("\n");

beforeAll(async () => {
  h = await createHarness();
  fake = await startFakeOpenAiServer();
}, 60_000);
afterAll(async () => {
  await fake.close();
  await h.close();
});
beforeEach(async () => {
  await h.reset();
  h.gateway.threadPosts.length = 0;
  h.gateway.hidden.length = 0;
  fake.reset();
  h.ctx.assistant = {
    languageModel: createOpenAiLanguageModel({ apiKey: "sk-test", model: "fake-chat", baseUrl: fake.baseUrl }),
    modelTimeoutMs: 5_000,
  };
  await importHelperMaterial(h.ctx);
  await h.say(CREATOR, "/start");
  await h.say("member", "/start");
  await h.say("xiaoming", "/start", "zh-hans");
});

describe("limits", () => {
  it("a member over the daily question limit gets a translated reply instead of an answer, in chat and in threads", async () => {
    h.ctx.assistant = { ...h.ctx.assistant, dailyQuestionLimit: 2 };
    expect(await h.say("xiaoming", "/ask SELECT 怎么选择要读取的列？")).toContain("根据课程资料");
    expect(await h.say("xiaoming", "/ask 列名之间用什么分隔？")).not.toContain("每日上限");
    const chats = fake.chats.length;
    expect(await h.say("xiaoming", "/ask 为什么要避免使用星号？")).toContain("你今天已经提了 2 个问题，达到每日上限");
    const inThread = await askInThread(h, "xiaoming", "索引为什么能加快查询？", { languageCode: "zh" });
    expect(postedIn(h, inThread.threadRef)).toContain("你今天已经提了 2 个问题");
    expect(fake.chats.length).toBe(chats);
    // Another member, and the creator, are not limited by xiaoming's questions.
    expect(await h.say("member", `/ask ${COLUMNS}`)).toContain("From the course material");
  });

  it("once the day's token budget is spent, answers quote the material and the creator is told once", async () => {
    h.ctx.assistant = { ...h.ctx.assistant, dailyTokenBudget: 100 }; // the fake reports 120 tokens per answer
    expect(await h.say("member", `/ask ${COLUMNS}`)).toContain("According to the material");
    expect(fake.chats).toHaveLength(1);
    const quoted = await h.say("member", "/ask Which columns does SELECT read?");
    expect(quoted).toContain("From the course material (quoted)");
    expect(await h.say("member", "/ask Should I name columns or use an asterisk?")).toContain("(quoted)");
    expect(fake.chats).toHaveLength(1);
    const notices = h.gateway.sent.filter((sent) => sent.to === CREATOR && sent.text.includes("budget of 100"));
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain("quotes the course material instead of asking the model");
    const spent = await h.db.prisma.question.aggregate({ _sum: { helperTokens: true } });
    expect(spent._sum.helperTokens).toBe(120);
  });

  it("an identical recent question reuses the stored answer without calling the model", async () => {
    const first = await askInThread(h, "member", COLUMNS);
    expect(fake.chats).toHaveLength(1);
    const again = await askInThread(h, "xiaoming", "how do I choose  which columns to read");
    expect(fake.chats).toHaveLength(1);
    expect(postedIn(h, again.threadRef)).toBe(postedIn(h, first.threadRef));
    const reused = await h.db.prisma.answer.findFirstOrThrow({ where: { questionId: again.questionId } });
    expect(reused).toMatchObject({ fromHelper: true, state: "POSTED", audience: "everyone" });
    // A different question is a different question.
    await askInThread(h, "member", "How do I choose which rows to read?");
    expect(fake.chats).toHaveLength(2);
    // A day later the stored answer is not reused any more.
    h.clock.advanceDays(1.01);
    await askInThread(h, "member", COLUMNS);
    expect(fake.chats).toHaveLength(3);
  });
});

describe("moderation", () => {
  it("the provider's endpoint flags a question: not answered, hidden, the creator told; a flagged model answer is quoted instead", async () => {
    h.ctx.assistant = {
      ...h.ctx.assistant,
      moderation: openAiModerationFromEnv({
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: fake.baseUrl,
        OPENAI_MODERATION_MODEL: "omni-moderation-latest",
      }),
    };
    fake.flaggedTerms = ["idiot"];
    const flagged = await askInThread(h, "member", "Listen, idiot: how do I choose which columns to read?");
    expect(fake.moderationInputs.some((input) => input.includes("Listen, idiot"))).toBe(true);
    expect(postedIn(h, flagged.threadRef)).toBe("");
    expect(fake.chats).toHaveLength(0);
    expect(h.gateway.hidden).toEqual([
      { threadRef: flagged.threadRef, messageRef: `${flagged.threadRef}:1`, what: "question" },
    ]);
    expect(toCreator()).toContain(`Question #${flagged.questionId} from member was held back (MODERATION: harassment)`);
    expect(await h.db.prisma.question.findUniqueOrThrow({ where: { id: flagged.questionId } })).toMatchObject({
      flaggedReason: "MODERATION: harassment",
    });
    expect(await h.say("member", "/ask idiot, which columns?")).toContain("held back for review");

    // The model's own answer is checked too: flagged, it gives way to quotes of the material.
    fake.script = (_request, data) =>
      `According to the material, only an idiot skips this [${data!.passages[0]!.number}]`;
    const quoted = await h.say("member", `/ask ${COLUMNS}`);
    expect(quoted).toContain("From the course material (quoted)");
    expect(quoted).not.toContain("idiot");
  });

  it("without an endpoint, the rules: a link from a new member, a banned word in Chinese, a flood", async () => {
    h.ctx.assistant = { ...h.ctx.assistant, bannedWords: ["casino", "赌场"], floodQuestions: 2, floodMinutes: 10 };

    const link = await askInThread(h, "member", "See https://cheap-courses.example — how do I choose columns?");
    expect(postedIn(h, link.threadRef)).toBe("");
    expect(toCreator()).toContain(`Question #${link.questionId} from member was held back (a link from a new member)`);

    const banned = await askInThread(h, "xiaoming", "哪个赌场最好？SELECT 怎么选择列？", { languageCode: "zh" });
    expect(postedIn(h, banned.threadRef)).toBe("");
    expect(toCreator()).toContain(`Question #${banned.questionId} from xiaoming was held back (a banned word)`);
    expect(toCreator()).toContain("哪个赌场最好");

    // xiaoming asked once above; two more within ten minutes are still fine, the next one is a flood.
    await askInThread(h, "xiaoming", "SELECT 怎么选择要读取的列？", { languageCode: "zh" });
    const flood = await askInThread(h, "xiaoming", "列名之间用什么分隔？", { languageCode: "zh" });
    expect(postedIn(h, flood.threadRef)).toBe("");
    expect(toCreator()).toContain(
      `Question #${flood.questionId} from xiaoming was held back (too many questions at once)`,
    );
    expect(h.gateway.hidden.map((hidden) => hidden.threadRef)).toEqual([
      link.threadRef,
      banned.threadRef,
      flood.threadRef,
    ]);
    expect(fake.chats).toHaveLength(1);

    // A member first seen more than a week ago may post links; the creator never trips the rules.
    h.clock.advanceDays(8);
    const trusted = await askInThread(h, "member", `See https://www.w3schools.com/sql — ${COLUMNS}`);
    expect(postedIn(h, trusted.threadRef)).not.toBe("");
    expect(await h.db.prisma.question.findUniqueOrThrow({ where: { id: trusted.questionId } })).toMatchObject({
      flaggedReason: null,
    });
    expect(await h.say(CREATOR, "/ask Which casino near https://example.com teaches SELECT columns?")).not.toContain(
      "held back",
    );
  });

  it("a person's answer is moderated too: flagged, it is hidden, stops counting as an answer, and the creator is told", async () => {
    h.ctx.assistant = { ...h.ctx.assistant, bannedWords: ["casino"] };
    const asked = await askInThread(h, "member", "Who won the 1998 football world cup?");
    await h.say("spammer", "/start");
    const spamRef = `${asked.threadRef}:2`;
    await answerQuestion(h.ctx, {
      user: consoleUser("spammer"),
      threadRef: asked.threadRef,
      body: "France! Celebrate at https://casino.example",
      messageRef: spamRef,
    });
    await h.jobs.idle();
    expect(h.gateway.hidden).toContainEqual({ threadRef: asked.threadRef, messageRef: spamRef, what: "answer" });
    expect(toCreator()).toContain(
      `An answer by spammer to question #${asked.questionId} was held back (a banned word)`,
    );
    expect(await h.db.prisma.question.findUniqueOrThrow({ where: { id: asked.questionId } })).toMatchObject({
      status: "OPEN",
    });
    // A fair answer stands.
    await answerQuestion(h.ctx, {
      user: consoleUser(CREATOR),
      threadRef: asked.threadRef,
      body: "France won it, 3–0 against Brazil.",
      messageRef: `${asked.threadRef}:3`,
    });
    await h.jobs.idle();
    expect(h.gateway.hidden).toHaveLength(1);
    expect(await h.db.prisma.question.findUniqueOrThrow({ where: { id: asked.questionId } })).toMatchObject({
      status: "ANSWERED",
    });
  });
});
