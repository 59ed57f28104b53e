/**
 * The answer helper's workflow, against a real database, the real job runner and a local fake OpenAI server: material
 * indexed by itself (at start, after a lesson edited in chat, after an answer is accepted), thread questions answered
 * by a background job and posted in their thread, approval mode (approve, edit, reject), Helpful / Not helpful votes,
 * the unanswered sweep that tells the creator once, and `/unanswered`. Creators and members act through the router
 * every adapter uses (commands and buttons); thread questions arrive the way the adapters hand them over.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAiLanguageModel } from "../../bots/openai-language-model.js";
import { KNOWLEDGE_INDEX_JOB } from "../../core/assistant/request-knowledge-index.js";
import { HELPER_SWEEP_JOB } from "../../core/assistant/sweep-unanswered-questions.js";
import { acceptAnswer } from "../../core/community/accept-answer.js";
import { answerQuestion } from "../../core/community/answer-question.js";
import { handleChatRequest } from "../../core/conversation/handle-request.js";
import { plainText, type Reply } from "../../core/conversation/reply.js";
import { parseCommand } from "../../core/conversation/request.js";
import { type FakeOpenAiServer, startFakeOpenAiServer } from "../fakes/openai/openai-fake.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";
import { importHelperMaterial } from "../support/helper-material.js";
import { askInThread, consoleUser, FORUM_PLACE, postedIn } from "../support/helper-threads.js";

const COLUMNS = "How do I choose which columns to read?";
const FOOTBALL = "Who won the 1998 football world cup?";

let h: Harness;
let fake: FakeOpenAiServer;
let courseId: number;

const actionsOf = (reply: Reply) =>
  reply.messages.flatMap((message) => (message.buttons ?? []).flat().map((b) => ("action" in b ? b.action : b.url)));
const toCreator = () =>
  h.gateway.sent
    .filter((sent) => sent.to === CREATOR)
    .map((sent) => sent.text)
    .join("\n");

async function runJob(name: string): Promise<void> {
  await h.jobs.enqueue(name, {});
  await h.jobs.idle();
}

/** `/helper <mode>` run by the creator inside the forum (a group request naming the place). */
async function setModeInForum(mode: string): Promise<string> {
  const reply = await handleChatRequest(h.ctx, {
    user: consoleUser(CREATOR),
    chat: { id: "forum", kind: "group" },
    input: parseCommand(`/helper ${mode}`)!,
    place: { ref: FORUM_PLACE, title: "Q&A forum" },
  });
  return reply.messages.map((message) => plainText(message.text)).join("\n");
}

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
  // Imported as a creator's folder is, and not indexed by hand: the product's own job does it.
  courseId = await importHelperMaterial(h.ctx, { index: false });
  for (const user of [CREATOR, "member", "other"]) await h.say(user, "/start");
});

describe("the knowledge index keeps itself up to date", () => {
  it("material imported and then edited in chat is answered without anyone running the index command", async () => {
    // Before the product indexed anything, nothing can be cited.
    expect(await h.say("member", `/ask ${COLUMNS}`)).toContain("I don't know");
    expect(await h.db.prisma.knowledgeChunk.count()).toBe(0);

    // The start of the app runs the knowledge job (and schedules it): the import is indexed.
    await runJob(KNOWLEDGE_INDEX_JOB);
    const indexed = await h.say("member", `/ask ${COLUMNS}`);
    expect(indexed).toContain("SELECT picks the columns you want to read");

    // A lesson edited in chat is re-indexed by the job the edit asked for.
    const edited = await h.say(
      CREATOR,
      `/editlesson ${courseId} 1 text A window function computes a running total over ordered rows without grouping them.`,
    );
    expect(edited).not.toMatch(/error|wrong/i);
    const answer = await h.say("member", "/ask What does a window function compute over ordered rows?");
    expect(answer).toContain("running total");
  });

  it("an accepted human answer becomes material a later question is answered from; the helper's own are not", async () => {
    await runJob(KNOWLEDGE_INDEX_JOB);
    const asked = await askInThread(h, "member", "What is the wifi password at the meetup venue?");
    expect(postedIn(h, asked.threadRef)).toContain("I don't know");

    const humanRef = `${asked.threadRef}:2`;
    await answerQuestion(h.ctx, {
      user: consoleUser("other"),
      threadRef: asked.threadRef,
      body: "The meetup venue wifi password is printed on the back of your badge: query-craft-2026.",
      messageRef: humanRef,
    });
    expect(await acceptAnswer(h.ctx, { user: consoleUser("member"), messageRef: humanRef })).toMatchObject({
      ok: true,
    });
    await h.jobs.idle();
    expect(await h.db.prisma.knowledgeChunk.count({ where: { source: "ANSWER" } })).toBe(1);

    // Quoted without a model, so the answer shows the sentence it found.
    h.ctx.assistant = { ...h.ctx.assistant, languageModel: null };
    const later = await h.say(CREATOR, "/ask What is the wifi password at the meetup venue?");
    expect(later).toContain("printed on the back of your badge");
    // The helper's answers never become material, accepted or not.
    const helperAnswer = await askInThread(h, "member", COLUMNS);
    const posted = await h.db.prisma.answer.findFirstOrThrow({
      where: { questionId: helperAnswer.questionId, fromHelper: true },
    });
    await acceptAnswer(h.ctx, { user: consoleUser("member"), messageRef: posted.messageRef! });
    await h.jobs.idle();
    expect(await h.db.prisma.knowledgeChunk.count({ where: { source: "ANSWER" } })).toBe(1);
  });
});

describe("thread questions", () => {
  beforeEach(async () => {
    await runJob(KNOWLEDGE_INDEX_JOB);
  });

  it("are answered by the background job and posted in their thread, replying to the asking message", async () => {
    const { threadRef, questionId } = await askInThread(h, "member", COLUMNS);
    const posts = h.gateway.threadPosts.filter((post) => post.threadRef === threadRef);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.replyTo).toBe(`${threadRef}:1`);
    expect(posts[0]!.text).toContain("From the course material");
    const answer = await h.db.prisma.answer.findFirstOrThrow({ where: { questionId } });
    expect(answer).toMatchObject({ state: "POSTED", messageRef: `${threadRef}:posted-1`, audience: "everyone" });
    expect(actionsOf(posts[0]!.reply)).toEqual(
      expect.arrayContaining([`vote ${answer.id} up`, `vote ${answer.id} down`]),
    );
  });

  it("draft mode: the creator approves, edits or rejects; only approved or edited answers reach the thread", async () => {
    expect(await setModeInForum("draft")).toContain("The answer helper in Q&A forum: draft: drafts for your approval");
    expect(await h.say(CREATOR, "/helper")).toMatch(/#\d+ Q&A forum — draft: drafts for your approval/);
    expect(await h.say("member", "/helper auto 1")).toContain("Only the creator can do that");

    // Approve
    const first = await askInThread(h, "member", COLUMNS);
    expect(postedIn(h, first.threadRef)).toBe("");
    const draft = await h.db.prisma.answer.findFirstOrThrow({ where: { questionId: first.questionId } });
    expect(draft.state).toBe("DRAFT");
    const toReview = h.gateway.replies.filter((sent) => sent.to === CREATOR).at(-1)!.reply;
    expect(plainText(toReview.messages[0]!.text)).toContain(
      `Draft answer to question #${first.questionId} from member`,
    );
    expect(plainText(toReview.messages[0]!.text)).toContain("From the course material");
    expect(actionsOf(toReview)).toEqual([
      `draft ${draft.id} approve`,
      `draft ${draft.id} edit`,
      `draft ${draft.id} reject`,
    ]);
    expect(await h.press("member", `draft ${draft.id} approve`)).toContain("Only the creator can do that");
    expect(await h.press(CREATOR, `draft ${draft.id} approve`)).toContain("Approved");
    expect(postedIn(h, first.threadRef)).toContain("From the course material");
    expect(await h.press(CREATOR, `draft ${draft.id} approve`)).toContain("already approved, edited or rejected");
    expect(h.gateway.threadPosts.filter((post) => post.threadRef === first.threadRef)).toHaveLength(1);

    // Edit: a guided step takes the creator's own text, posted literally with the draft's sources.
    const second = await askInThread(h, "member", "Which columns does SELECT read?");
    const secondDraft = await h.db.prisma.answer.findFirstOrThrow({ where: { questionId: second.questionId } });
    expect(await h.press(CREATOR, `draft ${secondDraft.id} edit`)).toContain(
      `Send the answer to question #${second.questionId}`,
    );
    expect(await h.say(CREATOR, "Name the **columns** after SELECT, separated by commas.")).toContain(
      "Your text is being posted",
    );
    const edited = postedIn(h, second.threadRef);
    expect(edited).toContain("Answer\n\nName the **columns** after SELECT, separated by commas.");
    expect(edited).not.toContain("From the course material");
    expect(await h.db.prisma.answer.findUniqueOrThrow({ where: { id: secondDraft.id } })).toMatchObject({
      state: "POSTED",
    });

    // Reject: nothing is posted, ever.
    const third = await askInThread(h, "member", "Should I name columns or use an asterisk?");
    const thirdDraft = await h.db.prisma.answer.findFirstOrThrow({ where: { questionId: third.questionId } });
    expect(await h.press(CREATOR, `draft ${thirdDraft.id} reject`)).toContain("Rejected");
    expect(await h.press(CREATOR, `draft ${thirdDraft.id} approve`)).toContain("already approved, edited or rejected");
    expect(postedIn(h, third.threadRef)).toBe("");
    expect(await h.db.prisma.answer.findUniqueOrThrow({ where: { id: thirdDraft.id } })).toMatchObject({
      state: "REJECTED",
    });

    // Off: the helper stays out of the place.
    await setModeInForum("off");
    const fourth = await askInThread(h, "member", COLUMNS);
    expect(postedIn(h, fourth.threadRef)).toBe("");
    expect(await h.db.prisma.answer.count({ where: { questionId: fourth.questionId } })).toBe(0);
  });

  it("members mark an answer Helpful or Not helpful: one vote each, changeable, counted", async () => {
    const { questionId } = await askInThread(h, "member", COLUMNS);
    const answer = await h.db.prisma.answer.findFirstOrThrow({ where: { questionId } });
    expect(await h.press("member", `vote ${answer.id} up`)).toContain("Helpful: 1 · Not helpful: 0");
    expect(await h.press("other", `vote ${answer.id} up`)).toContain("Helpful: 2 · Not helpful: 0");
    expect(await h.press("member", `vote ${answer.id} down`)).toContain("Helpful: 1 · Not helpful: 1");
    expect(await h.press("member", `vote ${answer.id} down`)).toContain("Helpful: 1 · Not helpful: 1");
    expect(await h.db.prisma.answerVote.count({ where: { answerId: answer.id } })).toBe(2);
    expect(await h.press("member", "vote 99999 up")).toContain("no longer there");
    expect(await h.say("member", `/vote ${answer.id} sideways`)).toContain("/vote <answer id> up|down");
  });

  it("a question nobody answered reaches the creator once, after the set minutes; /unanswered lists them", async () => {
    h.ctx.assistant = { ...h.ctx.assistant, unansweredMinutes: 30 };
    const answered = await askInThread(h, "member", COLUMNS);
    const votedDown = await askInThread(h, "member", "Which columns does SELECT read?");
    const downAnswer = await h.db.prisma.answer.findFirstOrThrow({ where: { questionId: votedDown.questionId } });
    await h.press("member", `vote ${downAnswer.id} down`);
    await h.press("other", `vote ${downAnswer.id} down`);
    const abstained = await askInThread(h, "member", FOOTBALL);
    const byHuman = await askInThread(h, "member", "Who won the 1994 football world cup?");
    await answerQuestion(h.ctx, {
      user: consoleUser("other"),
      threadRef: byHuman.threadRef,
      body: "Brazil, on penalties.",
      messageRef: `${byHuman.threadRef}:2`,
    });
    await setModeInForum("off");
    const leftAlone = await askInThread(h, "other", "Can I export the query results to a spreadsheet?");
    // The abstention was escalated at once ("I've asked creator"), as before.
    expect(toCreator()).toContain(`Question #${abstained.questionId} from member needs you`);

    // Too early: nothing yet.
    await runJob(HELPER_SWEEP_JOB);
    expect(toCreator()).not.toContain("has had no answer");

    h.clock.advanceDays(1 / 24);
    await runJob(HELPER_SWEEP_JOB);
    const told = toCreator();
    expect(told).toContain(`Question #${votedDown.questionId} from member has had no answer for 30 minutes`);
    expect(told).toContain(`Question #${leftAlone.questionId} from other has had no answer for 30 minutes`);
    expect(told).toContain(`https://chat.example/thread/${encodeURIComponent(leftAlone.threadRef)}`);
    for (const id of [answered.questionId, abstained.questionId, byHuman.questionId]) {
      expect(told).not.toContain(`Question #${id} from member has had no answer`);
    }
    // Once: the next sweeps say nothing more.
    const notices = h.gateway.sent.filter((sent) => sent.text.includes("has had no answer")).length;
    expect(notices).toBe(2);
    await runJob(HELPER_SWEEP_JOB);
    h.clock.advanceDays(1);
    await runJob(HELPER_SWEEP_JOB);
    expect(h.gateway.sent.filter((sent) => sent.text.includes("has had no answer")).length).toBe(notices);

    // /unanswered: the open ones, with a button to each thread; members may not.
    const list = await h.sayReply(CREATOR, "/unanswered");
    const text = list.messages.map((message) => plainText(message.text)).join("\n");
    expect(text).toContain("Open questions (3)");
    for (const id of [votedDown.questionId, abstained.questionId, leftAlone.questionId])
      expect(text).toContain(`#${id} ·`);
    for (const id of [answered.questionId, byHuman.questionId]) expect(text).not.toContain(`#${id} ·`);
    expect(actionsOf(list)).toContain(`https://chat.example/thread/${encodeURIComponent(votedDown.threadRef)}`);
    expect(await h.say("member", "/unanswered")).toContain("Only the creator can do that");
  });
});
