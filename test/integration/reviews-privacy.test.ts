/**
 * Reviews, votes and reputation across the identity features: linking two accounts keeps the newer of two reviews of
 * one product and takes back the points they gave each other; /mydata's export carries the member's reviews, their
 * helpful votes and every reputation event; erasing a member deletes their reviews' text, votes and events.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handleChatRequest } from "../../core/conversation/handle-request.js";
import { parseCommand } from "../../core/conversation/request.js";
import { eraseMember } from "../../core/identity/erase-member.js";
import { exportMemberData } from "../../core/identity/export-member-data.js";
import type { PlatformUser } from "../../core/identity/resolve-member.js";
import { createHarness, type Harness } from "../support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ stripe: false });
});
afterAll(() => h.close());
beforeEach(() => h.reset());

const telegramUser: PlatformUser = {
  platform: "TELEGRAM",
  externalId: "777",
  displayName: "Ann T",
  username: "ann_t",
  languageCode: "en",
  chatId: "777",
};

async function onTelegram(line: string): Promise<void> {
  await handleChatRequest(h.ctx, {
    user: telegramUser,
    chat: { id: "777", kind: "private" },
    input: parseCommand(line)!,
  });
  await h.jobs.idle();
}

async function telegramMemberId(): Promise<number> {
  const account = await h.db.prisma.platformAccount.findUniqueOrThrow({
    where: { platform_externalId: { platform: "TELEGRAM", externalId: "777" } },
  });
  return account.memberId;
}

/** `user` owns product 1 and opened its first lesson: they may review it. */
async function mayReview(name: string) {
  await h.say(name, "/start");
  await h.say("creator", `/grant ${await h.memberId(name)} 1`);
  await h.say(name, "/lesson 1");
}

describe("reviews and identity", () => {
  it("linking keeps the newer review of a product and removes the points the accounts gave each other", async () => {
    await mayReview("ann");
    expect(await h.say("ann", "/review 1 2 Too fast for me")).toContain("is up");
    await onTelegram("/start");
    await h.say("creator", `/grant ${await telegramMemberId()} 1`);
    await h.say("creator", `/grant ${await telegramMemberId()} 3`);
    await onTelegram("/lesson 1");
    h.clock.advanceDays(1);
    await onTelegram("/review 1 5 Second read: it clicked");
    await onTelegram("/review 3 4");
    // Each praises the other's review before they are known to be one person.
    const annReview = await h.db.prisma.review.findFirstOrThrow({ where: { memberId: await h.memberId("ann") } });
    const tgReview = await h.db.prisma.review.findFirstOrThrow({
      where: { memberId: await telegramMemberId(), productId: 1 },
    });
    await onTelegram(`/helpful ${annReview.id}`);
    expect(await h.say("ann", `/helpful ${tgReview.id}`)).toContain("marked helpful");
    await h.say("bea", `/helpful ${tgReview.id}`);

    const code = /code: ([A-Z0-9]{8})/.exec(await h.say("ann", "/link"))?.[1];
    await onTelegram(`/link ${code}`);
    const annId = await h.memberId("ann");
    expect(await telegramMemberId()).toBe(annId);
    const reviews = await h.db.prisma.review.findMany({ where: { memberId: annId }, orderBy: { productId: "asc" } });
    expect(reviews.map((r) => [r.productId, r.rating, r.body])).toEqual([
      [1, 5, "Second read: it clicked"],
      [3, 4, ""],
    ]);
    // Bea's helpful vote on the kept review stands; Ann's own vote on it does not.
    expect(reviews[0]!.helpfulCount).toBe(1);
    const member = await h.db.prisma.member.findUniqueOrThrow({
      where: { id: annId },
      include: { reputationLog: true },
    });
    expect(member.reputation).toBe(1);
    expect(member.reputationLog.map((e) => e.sourceKey)).toEqual([
      `vote:review:${tgReview.id}:by:${await h.memberId("bea")}`,
    ]);
  });

  it("/mydata carries reviews, helpful votes and reputation events; /erase deletes them", async () => {
    await mayReview("ann");
    await mayReview("bea");
    await h.say("ann", "/review 1 4 Solid");
    await h.say("bea", "/review 1 5 Great");
    const beaReview = await h.db.prisma.review.findFirstOrThrow({ where: { memberId: await h.memberId("bea") } });
    const annReview = await h.db.prisma.review.findFirstOrThrow({ where: { memberId: await h.memberId("ann") } });
    await h.say("ann", `/helpful ${beaReview.id}`);
    await h.say("bea", `/helpful ${annReview.id}`);
    await h.say("creator", `/reply ${annReview.id} Thanks!`);

    const data = await exportMemberData(h.ctx, { memberId: await h.memberId("ann") });
    expect(data.reviews).toEqual([
      expect.objectContaining({ productId: 1, rating: 4, body: "Solid", reply: "Thanks!" }),
    ]);
    expect(data.reviewVotes).toEqual([expect.objectContaining({ reviewId: beaReview.id })]);
    expect(data.reputationEvents).toEqual([expect.objectContaining({ points: 1, reason: "helpful-review" })]);
    expect(data.member.reputation).toBe(1);

    const annId = await h.memberId("ann");
    await eraseMember(h.ctx, { memberId: annId });
    expect(await h.db.prisma.review.count({ where: { memberId: annId } })).toBe(0);
    expect(await h.db.prisma.reviewVote.count({ where: { memberId: annId } })).toBe(0);
    expect(await h.db.prisma.reputationEvent.count({ where: { memberId: annId } })).toBe(0);
    expect(await h.db.prisma.review.findUniqueOrThrow({ where: { id: beaReview.id } })).toMatchObject({
      body: "Great",
    });
  });
});
