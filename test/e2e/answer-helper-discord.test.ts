/**
 * The answer helper on Discord, end to end: the real discord.js client against the local fake Discord, the real
 * OpenAI SDK adapter against the local fake OpenAI server. A new forum post gets a cited answer in the post, with
 * the lesson as a button; a paid lesson is named with a Buy button and never quoted; a slow model gives way to
 * quoted passages; a post the material cannot answer gets "I don't know" and the creator a DM; `/ask` answers an
 * owner privately.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAiLanguageModel } from "../../bots/openai-language-model.js";
import { type FakeOpenAiServer, startFakeOpenAiServer } from "../fakes/openai/openai-fake.js";
import { createDiscordHarness, type DiscordHarness } from "../support/discord-harness.js";
import { importHelperMaterial, PAID_SENTENCE } from "../support/helper-material.js";

describe("discord: the answer helper", () => {
  let d: DiscordHarness;
  let fake: FakeOpenAiServer;
  let courseId: number;

  beforeAll(async () => {
    d = await createDiscordHarness({ stripe: false });
    fake = await startFakeOpenAiServer();
  }, 60_000);
  afterAll(async () => {
    await fake.close();
    await d.close();
  });
  beforeEach(async () => {
    fake.reset();
    courseId = courseId ?? (await importHelperMaterial(d.h.ctx));
    d.h.ctx.assistant = {
      languageModel: createOpenAiLanguageModel({ apiKey: "sk-test", model: "fake-chat", baseUrl: fake.baseUrl }),
      modelTimeoutMs: 1_000,
    };
  });

  const postIn = (threadId: string) => d.discord.sent.filter((m) => m.channel_id === threadId);
  /** What a reader sees: Discord's escaping of brackets and stars removed. */
  const asRead = (text: string) => text.replace(/\\([[\]*_])/g, "$1");
  const customIds = (threadId: string) =>
    JSON.stringify(postIn(threadId).map((m) => m.components)).match(/"custom_id":"[^"]+"/g) ?? [];

  it("a forum post gets a cited answer with the lesson as a button; a paid lesson is named with a Buy button", async () => {
    const asker = d.member("Hana");
    const threadId = d.discord.createForumPost(asker, d.forumId, "Columns", "How do I choose which columns to read?");
    await d.settle();
    const text = postIn(threadId)
      .map((m) => asRead(m.content))
      .join("\n");
    expect(text).toContain("From the course material");
    expect(text).toContain("According to the material: SELECT picks the columns you want to read from a table. [1]");
    expect(text).toContain("[1] Query Craft, lesson 1: Choosing columns");
    expect(customIds(threadId)).toContain(`"custom_id":"lesson ${courseId} 1"`);
    const answer = await d.h.db.prisma.answer.findFirstOrThrow({
      where: { fromHelper: true },
      orderBy: { id: "desc" },
    });
    expect(answer.messageRef).toBe(`dc:${threadId}:${postIn(threadId).at(-1)!.id}`);

    const joins = d.discord.createForumPost(asker, d.forumId, "Joins", "How does a join match rows of two tables?");
    await d.settle();
    const joinsText = postIn(joins)
      .map((m) => asRead(m.content))
      .join("\n");
    expect(joinsText).toContain("Query Craft, lesson 2: Joining tables");
    expect(joinsText).not.toContain("anchor column");
    expect(fake.promptText()).not.toContain(PAID_SENTENCE);
    expect(customIds(joins)).toContain(`"custom_id":"buy ${courseId}"`);
  });

  it("a slow model gives way to quoted passages; an unanswerable post gets I-don't-know and the creator a DM", async () => {
    fake.mode = "slow";
    fake.slowMs = 5_000;
    const asker = d.member("Ivan");
    const slow = d.discord.createForumPost(asker, d.forumId, "Columns again", "How do I choose which columns to read?");
    await d.settle();
    const slowText = postIn(slow)
      .map((m) => asRead(m.content))
      .join("\n");
    expect(slowText).toContain("From the course material");
    expect(slowText).toContain("(quoted)");
    expect(slowText).toContain("SELECT picks the columns you want to read from a table.");

    fake.mode = "ok";
    await d.run(d.creator, "start"); // the owner exists once they have written to the bot
    const unknown = d.discord.createForumPost(asker, d.forumId, "Football", "Who won the 1998 football world cup?");
    await d.settle();
    expect(
      postIn(unknown)
        .map((m) => asRead(m.content))
        .join("\n"),
    ).toContain("I don't know");
    await d.discord.until(() => d.discord.dmsTo(d.creator.id).some((text) => text.includes("from Ivan needs you")));
  });

  it("/ask answers an owner privately, quoting the paid lesson", async () => {
    const owner = d.member("Judy");
    await d.run(owner, "start");
    const memberId = (
      await d.h.db.prisma.platformAccount.findFirstOrThrow({ where: { platform: "DISCORD", externalId: owner.id } })
    ).memberId;
    await d.run(d.creator, "grant", { member: `#${memberId}`, product: courseId });
    const reply = await d.run(owner, "ask", { args: "How does a join match rows of two tables?" });
    expect(asRead(reply.content ?? "")).toContain("A join matches the rows of two tables on a shared key. [1]");
    expect(JSON.stringify(reply.components)).toContain(`lesson ${courseId} 2`);
  });
});
