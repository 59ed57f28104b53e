/**
 * The answer helper's workflow on Telegram, end to end: the real grammY bot against the local fake Bot API, the real
 * OpenAI SDK adapter against the local fake OpenAI server. The creator puts a forum in approval mode with `/helper
 * draft` sent there; a new topic's answer reaches the creator's private chat as a draft with Approve / Edit / Reject
 * buttons, and only an approved or edited answer is posted in the topic. Members vote under the answer in the group
 * and are answered with a toast there. A question holding a banned word is deleted and the creator told.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAiLanguageModel } from "../../bots/openai-language-model.js";
import { type FakeOpenAiServer, startFakeOpenAiServer } from "../fakes/openai/openai-fake.js";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { importHelperMaterial } from "../support/helper-material.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";

const FORUM = -1003;

describe("telegram: the answer helper's workflow", () => {
  let h: TelegramHarness;
  let fake: FakeOpenAiServer;
  let alice: FakeUser;
  let bob: FakeUser;

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
    await importHelperMaterial(h.ctx);
    h.ctx.assistant = {
      languageModel: createOpenAiLanguageModel({ apiKey: "sk-test", model: "fake-chat", baseUrl: fake.baseUrl }),
      modelTimeoutMs: 3_000,
    };
    alice = h.fake.user(2101, "Alice", { language_code: "en" });
    bob = h.fake.user(2102, "Bob", { language_code: "en" });
    h.fake.chat(FORUM, { title: "Query Q&A", forum: true });
    await h.say(h.creator, "/start");
  });

  /** A new topic with its first message; resolves when the bot and the jobs it started are done. */
  async function askTopic(
    user: FakeUser,
    name: string,
    text: string,
  ): Promise<{ threadId: number; messageId: number }> {
    const topic = h.fake.createTopic(user, FORUM, name);
    const first = h.fake.sayInGroup(user, FORUM, text, { threadId: topic.threadId, topicName: name });
    await h.settle(topic.updateId, first.updateId);
    return { threadId: topic.threadId, messageId: first.messageId };
  }

  const postedInTopic = (threadId: number) =>
    h.fake
      .callsOf("sendMessage")
      .filter((call) => Number(call.chat_id) === FORUM && call.message_thread_id === threadId)
      .map((call) => String(call.text));

  it("draft mode: approve posts the draft in the topic, edit posts the creator's text, reject posts nothing", async () => {
    const mode = h.fake.sayInGroup(h.creator, FORUM, "/helper draft");
    await h.settle(mode.updateId);
    expect(h.fake.transcript(FORUM)).toContain("The answer helper in Query Q&A: draft: drafts for your approval");
    // A member may not change it.
    await h.settle(h.fake.sayInGroup(alice, FORUM, "/helper auto").updateId);
    expect(h.fake.transcript(FORUM)).toContain("Only the creator can do that");

    const first = await askTopic(alice, "Columns", "How do I choose which columns to read?");
    expect(postedInTopic(first.threadId).join("\n")).not.toContain("From the course material");
    expect(h.fake.transcript(h.creator.id)).toContain("Draft answer to question #1 from Alice");
    const draft = await h.db.prisma.answer.findFirstOrThrow({ where: { questionId: 1 } });
    await h.press(h.creator, `draft ${draft.id} approve`);
    expect(h.fake.transcript(h.creator.id)).toContain("Approved: the answer to question #1");
    const approved = postedInTopic(first.threadId).join("\n");
    expect(approved).toContain("From the course material");
    const stored = await h.db.prisma.answer.findUniqueOrThrow({ where: { id: draft.id } });
    expect(stored.state).toBe("POSTED");
    expect(stored.messageRef).toMatch(new RegExp(`^tg:${FORUM}:\\d+$`));

    const second = await askTopic(alice, "Commas", "Which columns does SELECT read?");
    const secondDraft = await h.db.prisma.answer.findFirstOrThrow({ where: { questionId: 2 } });
    await h.press(h.creator, `draft ${secondDraft.id} edit`);
    expect(h.fake.transcript(h.creator.id)).toContain("Send the answer to question #2");
    await h.say(h.creator, "Name them after SELECT, separated by commas <like this>.");
    const edited = postedInTopic(second.threadId).join("\n");
    expect(edited).toContain("Name them after SELECT, separated by commas &lt;like this&gt;.");
    expect(edited).not.toContain("From the course material");

    const third = await askTopic(alice, "Stars", "Should I name columns or use an asterisk?");
    const thirdDraft = await h.db.prisma.answer.findFirstOrThrow({ where: { questionId: 3 } });
    await h.press(h.creator, `draft ${thirdDraft.id} reject`);
    expect(h.fake.transcript(h.creator.id)).toContain("Rejected: nothing is posted for question #3");
    expect(postedInTopic(third.threadId).join("\n")).not.toContain("From the course material");
    expect(postedInTopic(third.threadId).join("\n")).not.toContain("Answer");
  });

  it("members vote Helpful / Not helpful under the answer in the group; the toast shows the counts", async () => {
    const { threadId } = await askTopic(alice, "Columns", "How do I choose which columns to read?");
    const answer = await h.db.prisma.answer.findFirstOrThrow({ where: { fromHelper: true } });
    const posted = h.fake
      .callsOf("sendMessage")
      .find((call) => Number(call.chat_id) === FORUM && call.message_thread_id === threadId && call.reply_markup);
    const markup = JSON.stringify(posted?.reply_markup);
    expect(markup).toContain(`vote ${answer.id} up`);
    expect(markup).toContain("Not helpful");
    const messageId = Number(answer.messageRef!.split(":")[2]);

    const toasts = () => h.fake.callsOf("answerCallbackQuery").map((call) => String(call.text ?? ""));
    await h.settle(h.fake.pressInGroup(bob, FORUM, `vote ${answer.id} up`, messageId));
    expect(toasts()).toContain("Thanks for your vote. Helpful: 1 · Not helpful: 0");
    await h.settle(h.fake.pressInGroup(alice, FORUM, `vote ${answer.id} down`, messageId));
    expect(toasts()).toContain("Thanks for your vote. Helpful: 1 · Not helpful: 1");
    await h.settle(h.fake.pressInGroup(bob, FORUM, `vote ${answer.id} down`, messageId));
    expect(toasts()).toContain("Thanks for your vote. Helpful: 0 · Not helpful: 2");
    // Nothing went to the voters' private chats.
    expect(h.fake.transcript(bob.id)).toBe("");
    expect(await h.db.prisma.answerVote.count()).toBe(2);
  });

  it("a question with a banned word is deleted, not answered, and the creator is told", async () => {
    h.ctx.assistant = { ...h.ctx.assistant, bannedWords: ["赌场"] };
    const { threadId, messageId } = await askTopic(bob, "赌场", "哪个赌场最好？SELECT 怎么选择列？");
    expect(h.fake.callsOf("deleteMessage")).toEqual([
      expect.objectContaining({ chat_id: String(FORUM), message_id: messageId }),
    ]);
    expect(postedInTopic(threadId).join("\n")).not.toContain("根据课程资料");
    expect(h.fake.transcript(h.creator.id)).toContain("from Bob was held back (a banned word)");
    expect(fake.chats).toHaveLength(0);
  });
});
