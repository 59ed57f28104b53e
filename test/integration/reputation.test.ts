/**
 * Reputation as a ledger (core/community/reputation): accepted answers, helpful votes on answers and the rules that
 * keep it honest — no self-votes, no points between accounts later linked into one member, a daily cap per voter,
 * one award per vote — against a real database. After every sequence each member's reputation equals the sum of
 * their events. Crossing the helper level sets helperSince and lets the member accept answers for others.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { voteOnAnswer } from "../../core/assistant/vote-on-answer.js";
import { acceptAnswer } from "../../core/community/accept-answer.js";
import { answerQuestion } from "../../core/community/answer-question.js";
import { askQuestion } from "../../core/community/ask-question.js";
import { type PlatformUser, resolveMember } from "../../core/identity/resolve-member.js";
import { createHarness, type Harness } from "../support/harness.js";
import { consoleUser } from "../support/helper-threads.js";

let h: Harness;

beforeAll(async () => {
  h = await createHarness({ stripe: false });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.reset();
  h.ctx.community = undefined;
});

let threads = 0;
/** `asker` asks in a new thread; each of `answerers` answers; returns the answers' message refs and ids. */
async function thread(asker: PlatformUser, ...answerers: PlatformUser[]) {
  threads += 1;
  const threadRef = `console:thread-${threads}`;
  const { questionId } = await askQuestion(h.ctx, { user: asker, threadRef, title: "A question", body: "How?" });
  const answers: { ref: string; id: number }[] = [];
  for (const [index, user] of answerers.entries()) {
    const ref = `${threadRef}:${index + 1}`;
    const answer = await answerQuestion(h.ctx, { user, threadRef, body: `Answer ${index + 1}`, messageRef: ref });
    answers.push({ ref, id: answer!.answerId });
  }
  await h.jobs.idle();
  return { questionId, answers };
}

/** The member behind a platform user (made on first sight, as any message would), read fresh. */
async function memberOf(user: PlatformUser) {
  const { member } = await resolveMember(h.ctx, user);
  return h.db.prisma.member.findUniqueOrThrow({ where: { id: member.id } });
}

async function reputationOf(user: PlatformUser): Promise<number> {
  return (await memberOf(user)).reputation;
}

/** The ledger rule: every member's reputation is the sum of their events. */
async function expectLedgerHolds() {
  const members = await h.db.prisma.member.findMany({ include: { reputationLog: true } });
  for (const member of members) {
    expect(member.reputation, `member ${member.id}`).toBe(member.reputationLog.reduce((sum, e) => sum + e.points, 0));
  }
}

describe("reputation", () => {
  it("follows accepted answers and helpful votes, takes them back, and stays the sum of its events", async () => {
    const [asker, bea, cal, dan, eve] = ["asker", "bea", "cal", "dan", "eve"].map((name) => consoleUser(name));
    const { answers } = await thread(asker!, bea!, cal!);
    const [byBea, byCal] = answers;

    expect(await acceptAnswer(h.ctx, { user: asker!, messageRef: byBea!.ref })).toMatchObject({ ok: true });
    expect(await reputationOf(bea!)).toBe(10);
    // Accepting the same answer again changes nothing; moving the mark moves the points.
    await acceptAnswer(h.ctx, { user: asker!, messageRef: byBea!.ref });
    expect(await reputationOf(bea!)).toBe(10);
    await acceptAnswer(h.ctx, { user: asker!, messageRef: byCal!.ref });
    expect(await reputationOf(bea!)).toBe(0);
    expect(await reputationOf(cal!)).toBe(10);

    const danId = (await memberOf(dan!)).id;
    const eveId = (await memberOf(eve!)).id;
    const calId = (await memberOf(cal!)).id;
    await voteOnAnswer(h.ctx, { memberId: danId, answerId: byBea!.id, helpful: true });
    await voteOnAnswer(h.ctx, { memberId: danId, answerId: byCal!.id, helpful: true });
    expect(await reputationOf(bea!)).toBe(2);
    // Changing the vote to Not helpful takes the points back; voting Helpful twice gives them once.
    await voteOnAnswer(h.ctx, { memberId: danId, answerId: byBea!.id, helpful: false });
    expect(await reputationOf(bea!)).toBe(0);
    await voteOnAnswer(h.ctx, { memberId: eveId, answerId: byBea!.id, helpful: true });
    await voteOnAnswer(h.ctx, { memberId: eveId, answerId: byBea!.id, helpful: true });
    expect(await reputationOf(bea!)).toBe(2);
    // A vote for one's own answer earns nothing.
    await voteOnAnswer(h.ctx, { memberId: calId, answerId: byCal!.id, helpful: true });
    expect(await reputationOf(cal!)).toBe(12);
    expect(await h.db.prisma.reputationEvent.count({ where: { sourceKey: { endsWith: `:by:${calId}` } } })).toBe(0);
    await expectLedgerHolds();
  });

  it("gives nothing for votes between accounts that are linked into one member", async () => {
    const asker = consoleUser("asker");
    const pat = consoleUser("pat");
    const patOnTelegram: PlatformUser = {
      platform: "TELEGRAM",
      externalId: "901",
      displayName: "Pat T",
      username: "pat_t",
      languageCode: "en",
      chatId: "901",
    };
    const { answers } = await thread(asker, pat);
    const alt = await memberOf(patOnTelegram);
    await voteOnAnswer(h.ctx, { memberId: alt.id, answerId: answers[0]!.id, helpful: true });
    expect(await reputationOf(pat)).toBe(2); // two members yet: the vote counts

    const code = /code: ([A-Z0-9]{8})/.exec(await h.say("pat", "/link"))?.[1];
    expect(code).toBeDefined();
    const { handleChatRequest } = await import("../../core/conversation/handle-request.js");
    const { parseCommand } = await import("../../core/conversation/request.js");
    await handleChatRequest(h.ctx, {
      user: patOnTelegram,
      chat: { id: "901", kind: "private" },
      input: parseCommand(`/link ${code}`)!,
    });
    await h.jobs.idle();
    const linked = await memberOf(patOnTelegram);
    expect(linked.id).toBe((await memberOf(pat)).id);
    // One person: the vote they gave themselves earns nothing, and a new one neither.
    expect(linked.reputation).toBe(0);
    await voteOnAnswer(h.ctx, { memberId: linked.id, answerId: answers[0]!.id, helpful: true });
    expect(await reputationOf(pat)).toBe(0);
    await expectLedgerHolds();
  });

  it("a vote pressed many times at once counts once", async () => {
    const { answers } = await thread(consoleUser("asker"), consoleUser("writer"));
    const voter = await memberOf(consoleUser("voter"));
    await Promise.all(
      Array.from({ length: 5 }, () =>
        voteOnAnswer(h.ctx, { memberId: voter.id, answerId: answers[0]!.id, helpful: true }),
      ),
    );
    expect(await reputationOf(consoleUser("writer"))).toBe(2);
    expect(await h.db.prisma.answerVote.count({ where: { answerId: answers[0]!.id } })).toBe(1);
    await expectLedgerHolds();
  });

  it("caps the points one voter hands out per day; the next day they count again", async () => {
    h.ctx.community = { dailyVotePoints: 4 };
    const asker = consoleUser("asker");
    const authors = ["a1", "a2", "a3", "a4"].map((name) => consoleUser(name));
    const { answers } = await thread(asker, ...authors);
    const voter = await memberOf(consoleUser("voter"));
    for (const answer of answers.slice(0, 3)) {
      await voteOnAnswer(h.ctx, { memberId: voter.id, answerId: answer.id, helpful: true });
    }
    expect(await Promise.all(authors.slice(0, 3).map(reputationOf))).toEqual([2, 2, 0]);
    h.clock.advanceDays(1);
    await voteOnAnswer(h.ctx, { memberId: voter.id, answerId: answers[3]!.id, helpful: true });
    expect(await reputationOf(authors[3]!)).toBe(2);
    await expectLedgerHolds();
  });

  it("makes a member a helper at the level: they may accept others' answers, never their own", async () => {
    h.ctx.community = { helperReputation: 10 };
    const [asker, hal, other, third] = ["asker", "hal", "other", "third"].map((name) => consoleUser(name));
    const first = await thread(asker!, hal!);
    const second = await thread(third!, other!, hal!);
    // Not a helper yet: someone else's question is not theirs to settle.
    expect(await acceptAnswer(h.ctx, { user: hal!, messageRef: second.answers[0]!.ref })).toEqual({
      ok: false,
      reason: "FORBIDDEN",
    });
    await acceptAnswer(h.ctx, { user: asker!, messageRef: first.answers[0]!.ref });
    await h.jobs.idle();
    expect((await memberOf(hal!)).helperSince).not.toBeNull();
    // The badge was queued through the outbox and carried out.
    expect(await h.db.prisma.outboxItem.count({ where: { kind: "community.helper-badge", status: "DONE" } })).toBe(1);

    expect(await acceptAnswer(h.ctx, { user: hal!, messageRef: second.answers[1]!.ref })).toEqual({
      ok: false,
      reason: "FORBIDDEN",
    });
    expect(await acceptAnswer(h.ctx, { user: hal!, messageRef: second.answers[0]!.ref })).toMatchObject({ ok: true });
    expect(await reputationOf(other!)).toBe(10);

    // The asker takes the mark back from Hal's answer (accepts their own): Hal falls below the level.
    const mine = await answerQuestion(h.ctx, {
      user: asker!,
      threadRef: `console:thread-${threads - 1}`,
      body: "Solved it myself",
      messageRef: "console:own",
    });
    await acceptAnswer(h.ctx, { user: asker!, messageRef: "console:own" });
    expect(mine).not.toBeNull();
    const hal2 = await memberOf(hal!);
    expect(hal2.reputation).toBe(0);
    expect(hal2.helperSince).toBeNull();
    await expectLedgerHolds();
  });
});
