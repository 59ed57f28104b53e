/**
 * The answer helper on Telegram, end to end: the real grammY bot against the local fake Bot API, the real OpenAI
 * SDK adapter against the local fake OpenAI server. A new forum topic gets a cited answer in its thread (only what
 * anyone may read is quoted there; paid lessons are named with a Buy button), an unanswerable one an honest "I don't
 * know" and a message to the creator; `/ask` in the private chat quotes what the asker owns, and falls back to
 * quoting the material when the model is down.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAiLanguageModel } from "../../bots/openai-language-model.js";
import { type FakeOpenAiServer, startFakeOpenAiServer } from "../fakes/openai/openai-fake.js";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { importHelperMaterial, PAID_SENTENCE } from "../support/helper-material.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";

const FORUM = -1002;

describe("telegram: the answer helper", () => {
  let h: TelegramHarness;
  let fake: FakeOpenAiServer;
  let alice: FakeUser;
  let courseId: number;

  beforeAll(async () => {
    h = await createTelegramHarness("polling");
    fake = await startFakeOpenAiServer();
  }, 60_000);
  afterAll(async () => {
    await fake.close();
    await h.close();
  });
  beforeEach(async () => {
    await h.reset();
    fake.reset();
    courseId = await importHelperMaterial(h.ctx);
    h.ctx.assistant = {
      languageModel: createOpenAiLanguageModel({ apiKey: "sk-test", model: "fake-chat", baseUrl: fake.baseUrl }),
      modelTimeoutMs: 3_000,
    };
    alice = h.fake.user(2001, "Alice", { language_code: "en" });
    h.fake.chat(FORUM, { title: "Q&A Forum", forum: true });
    await h.say(h.creator, "/start");
  });

  /** The inline keyboard's buttons of the messages sent to a chat. */
  function buttonsIn(chatId: number): { text: string; callback_data?: string }[] {
    return h.fake
      .callsOf("sendMessage")
      .filter((call) => Number(call.chat_id) === chatId && call.reply_markup !== undefined)
      .flatMap((call) => {
        const markup = (typeof call.reply_markup === "string" ? JSON.parse(call.reply_markup) : call.reply_markup) as {
          inline_keyboard?: { text: string; callback_data?: string }[][];
        };
        return markup.inline_keyboard?.flat() ?? [];
      });
  }

  it("a forum topic gets a cited answer in its thread; the paid lesson is named with a Buy button, never quoted", async () => {
    const topic = h.fake.createTopic(alice, FORUM, "Joins");
    const first = h.fake.sayInGroup(alice, FORUM, "How does a join match rows of two tables?", {
      threadId: topic.threadId,
      topicName: "Joins",
    });
    await h.settle(topic.updateId, first.updateId);
    const transcript = h.fake.transcript(FORUM);
    expect(transcript).toContain("From the course material");
    expect(transcript).toMatch(/\[1\]/);
    expect(transcript).toContain("Query Craft, lesson 2: Joining tables");
    expect(transcript).not.toContain("anchor column");
    expect(fake.promptText()).not.toContain(PAID_SENTENCE);
    expect(buttonsIn(FORUM).map((b) => b.callback_data)).toEqual(
      expect.arrayContaining([`buy ${courseId}`, `lesson ${courseId} 2`]),
    );
    const posted = h.fake.callsOf("sendMessage").filter((c) => Number(c.chat_id) === FORUM);
    expect(posted.every((c) => c.message_thread_id === topic.threadId)).toBe(true);
    const answer = await h.db.prisma.answer.findFirstOrThrow({ where: { fromHelper: true } });
    expect(answer.messageRef).toMatch(new RegExp(`^tg:${FORUM}:\\d+$`));

    // The Buy button, pressed in the group, answers in Alice's private chat.
    await h.press(alice, `buy ${courseId}`);
    expect(h.fake.transcript(alice.id)).toMatch(/Order #\d+/);
  });

  it("a topic the material cannot answer gets an honest I-don't-know, and the creator is asked", async () => {
    const topic = h.fake.createTopic(alice, FORUM, "Football");
    const first = h.fake.sayInGroup(alice, FORUM, "Who won the 1998 football world cup?", {
      threadId: topic.threadId,
      topicName: "Football",
    });
    await h.settle(topic.updateId, first.updateId);
    expect(h.fake.transcript(FORUM)).toContain(
      "I don't know: the course material doesn't answer this. I've asked Cora",
    );
    expect(h.fake.transcript(h.creator.id)).toContain("from Alice needs you");
    expect(await h.db.prisma.answer.count()).toBe(0);
  });

  it("/ask in the private chat quotes the paid lesson to its owner, and quotes the material when the model is down", async () => {
    await h.say(alice, "/start");
    await h.say(h.creator, `/grant #${await h.memberIdOf(alice)} ${courseId}`);
    await h.say(alice, "/ask How does a join match rows of two tables?");
    expect(h.fake.transcript(alice.id)).toContain(
      "According to the material: A join matches the rows of two tables on a shared key. [1]",
    );
    expect(buttonsIn(alice.id).map((b) => b.callback_data)).toContain(`lesson ${courseId} 2`);

    fake.mode = "down";
    await h.say(alice, "/ask How does a join match rows of two tables?");
    expect(h.fake.transcript(alice.id)).toContain("From the course material (quoted)");
    expect(h.fake.transcript(alice.id)).toContain(`“A join matches the rows of two tables on a shared key.`);
  });

  it("a Chinese question in a topic is answered in Chinese", async () => {
    const topic = h.fake.createTopic(alice, FORUM, "列");
    const first = h.fake.sayInGroup(alice, FORUM, "SELECT 怎么选择要读取的列？", { threadId: topic.threadId });
    await h.settle(topic.updateId, first.updateId);
    const transcript = h.fake.transcript(FORUM);
    expect(transcript).toContain("根据课程资料：SELECT 用来选择要从表中读取的列。 [1]");
    expect(transcript).toContain("查询技艺，第 1 课：选择列");
  });
});
