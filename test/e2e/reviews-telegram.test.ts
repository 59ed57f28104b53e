/**
 * Reviews and reputation on Telegram end to end: the real grammY client against the local fake Bot API. A member who
 * never opened the course is refused in their language; reviews are posted, edited and removed; /course shows the
 * average in English and Chinese; the creator's reply reaches the reviewer; Helpful counts once and never for oneself;
 * a flagged review is hidden and the creator told; reaching the helper level gives the custom title in the Q&A group
 * and falling below takes it away; /top ranks members.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TelegramGateway } from "../../bots/telegram/telegram-gateway.js";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";

const QA_GROUP = -1007;

describe("reviews on Telegram", () => {
  let h: TelegramHarness;
  let alice: FakeUser;
  let bob: FakeUser;

  beforeAll(async () => {
    h = await createTelegramHarness("polling");
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    h.ctx.community = undefined;
    h.ctx.assistant = undefined;
    alice = h.fake.user(2101, "Alice", { username: "alice", language_code: "en" });
    bob = h.fake.user(2102, "Bob", { username: "bob", language_code: "zh" });
    await h.say(alice, "/start");
    await h.say(bob, "/start");
  });

  /** Telegram HTML with its tags dropped: what the member reads. */
  const read = (html: string) => html.replace(/<[^>]+>/g, "");
  const lastText = (user: FakeUser) => read(h.fake.textsTo(user.id).at(-1) ?? "");
  const textsSince = (user: FakeUser, count: number) => read(h.fake.textsTo(user.id).slice(count).join("\n"));

  /** Every button's callback data in the last message with buttons the bot sent to `user`. */
  function buttonsOf(user: FakeUser): string[] {
    const call = h.fake.callsOf("sendMessage").findLast((c) => Number(c.chat_id) === user.id && c.reply_markup);
    const keyboard = (call?.reply_markup as { inline_keyboard: { callback_data?: string }[][] } | undefined)
      ?.inline_keyboard;
    return (keyboard ?? []).flat().flatMap((b) => (b.callback_data ? [b.callback_data] : []));
  }

  async function own(user: FakeUser, productId = 1) {
    await h.say(h.creator, `/grant ${await h.memberIdOf(user)} ${productId}`);
  }

  it("refuses a member who never opened the course, in their language; then review, edit, remove", async () => {
    await h.say(alice, "/review 1 5 Great");
    expect(lastText(alice)).toContain("once you own it");
    await own(alice);
    await own(bob);
    await h.say(alice, "/review 1 5 Great");
    expect(lastText(alice)).toContain("Open at least 1 lesson(s) of Python for Data Analysis");
    await h.say(bob, "/review 1 4");
    expect(lastText(bob)).toContain("请至少打开 1 节课");
    // The team does not rate its own shop.
    await h.say(h.creator, "/review 1 5");
    expect(lastText(h.creator)).toContain("The team does not review its own courses");
    expect(await h.db.prisma.review.count()).toBe(0);

    await h.say(alice, "/lesson 1");
    await h.say(alice, "/review 1 5 Clear and practical");
    expect(lastText(alice)).toContain("Your review of Python for Data Analysis is up: ★★★★★");
    await h.say(alice, "/review python-data-analysis 3 Good, a bit fast");
    expect(lastText(alice)).toContain("is updated: ★★★☆☆");
    const aliceId = await h.memberIdOf(alice);
    expect(await h.db.prisma.review.findMany({ where: { memberId: aliceId } })).toEqual([
      expect.objectContaining({ productId: 1, rating: 3, body: "Good, a bit fast" }),
    ]);
    await h.say(alice, "/review 1 9");
    expect(lastText(alice)).toContain("Usage: /review");

    await h.say(bob, "/lesson 1");
    await h.say(bob, "/review 1 4 讲得很清楚");
    expect(lastText(bob)).toContain("评价已发布");

    await h.say(alice, "/course 1");
    expect(lastText(alice)).toContain("★ 3.5 from 2 review(s)");
    expect(lastText(alice)).toContain("Good, a bit fast");
    await h.say(bob, "/course 1");
    expect(lastText(bob)).toContain("★ 3.5（2 条评价）");
    expect(lastText(bob)).toContain("讲得很清楚");

    await h.say(alice, "/review 1 remove");
    expect(lastText(alice)).toContain("Your review of Python for Data Analysis is removed");
    await h.say(bob, "/course 1");
    expect(lastText(bob)).toContain("★ 4.0（1 条评价）");
    await h.say(alice, "/review 1 remove");
    expect(lastText(alice)).toContain("You have no review of");
  });

  it("the creator's reply reaches the reviewer; members may not reply", async () => {
    await own(alice);
    await h.say(alice, "/lesson 1");
    await h.say(alice, "/review 1 4 Wish it had more exercises");
    const review = await h.db.prisma.review.findFirstOrThrow();
    await h.say(alice, `/reply ${review.id} I reply to myself`);
    expect(lastText(alice)).toContain("Only the creator can do that");

    const before = h.fake.textsTo(alice.id).length;
    await h.say(h.creator, `/reply ${review.id} More exercises are coming in May!`);
    expect(lastText(h.creator)).toContain(`Your reply is under review #${review.id}`);
    expect(textsSince(alice, before)).toContain("The creator replied to your review of Python for Data Analysis");
    expect(textsSince(alice, before)).toContain("More exercises are coming in May!");
    await h.say(bob, "/reviews 1");
    expect(lastText(bob)).toContain("↳ 创作者回复：More exercises are coming in May!");
  });

  it("Helpful counts once, never on one's own review; the helper level gives the custom title, and takes it back", async () => {
    h.ctx.community = { helperReputation: 1 };
    (h.ctx.gateways.TELEGRAM as TelegramGateway).helperChatId = String(QA_GROUP);
    h.fake.chat(QA_GROUP, { title: "Q&A" });
    h.fake.join(alice, QA_GROUP);
    await h.settle();
    await own(alice);
    await h.say(alice, "/lesson 1");
    await h.say(alice, "/review 1 5 Loved it");
    const review = await h.db.prisma.review.findFirstOrThrow();

    await h.say(alice, `/helpful ${review.id}`);
    expect(lastText(alice)).toContain("You cannot mark your own review helpful");
    await h.say(bob, "/reviews 1");
    expect(buttonsOf(bob)).toContain(`helpful ${review.id}`);
    await h.press(bob, `helpful ${review.id}`);
    expect(lastText(bob)).toContain("已标记为有帮助（👍 1）");
    await h.press(bob, `helpful ${review.id}`);
    expect(lastText(bob)).toContain("你已经标记过有帮助（👍 1）");

    const aliceId = await h.memberIdOf(alice);
    const member = await h.db.prisma.member.findUniqueOrThrow({ where: { id: aliceId } });
    expect(member.reputation).toBe(1);
    expect(member.helperSince).not.toBeNull();
    expect(await h.db.prisma.review.findUniqueOrThrow({ where: { id: review.id } })).toMatchObject({ helpfulCount: 1 });
    expect(h.fake.customTitleOf(QA_GROUP, alice.id)).toBe("Helper");

    await h.say(alice, "/top");
    expect(lastText(alice)).toContain("1. Alice — 1 🎖");
    expect(lastText(alice)).toContain("You: #1 with 1 point(s)");
    await h.say(bob, "/top");
    expect(lastText(bob)).toContain("声望排行榜");
    expect(lastText(bob)).toContain("暂未上榜");

    // Removing the review takes its helpful points back: below the level, the title goes.
    await h.say(alice, "/review 1 remove");
    await h.settle();
    expect((await h.db.prisma.member.findUniqueOrThrow({ where: { id: aliceId } })).reputation).toBe(0);
    expect(h.fake.customTitleOf(QA_GROUP, alice.id)).toBeNull();
    expect(h.fake.statusOf(QA_GROUP, alice.id)).toBe("member");
  });

  it("a flagged review is hidden, not averaged, its case opened and the creator told", async () => {
    h.ctx.assistant = { bannedWords: ["casino"] };
    await own(alice);
    await h.say(alice, "/lesson 1");
    const before = h.fake.textsTo(h.creator.id).length;
    await h.say(alice, "/review 1 1 play at the casino instead");
    expect(lastText(alice)).toContain("held back until a moderator has looked at it");
    const review = await h.db.prisma.review.findFirstOrThrow();
    expect(review.hiddenAt).not.toBeNull();
    expect(review.flaggedReason).toBe("BANNED_WORD");
    expect(
      await h.db.prisma.moderationCase.findFirst({ where: { target: "REVIEW", targetId: review.id } }),
    ).toMatchObject({ status: "PENDING" });
    expect(textsSince(h.creator, before)).toContain(`Review #${review.id} of Python for Data Analysis by Alice`);
    // Rewording does not un-hide it.
    await h.say(alice, "/review 1 2 fine");
    expect(lastText(alice)).toContain("held back");
    await h.say(bob, "/course 1");
    expect(lastText(bob)).toContain("还没有评价");
    // Removed by its author, it leaves the moderation queue: nothing is left to decide.
    await h.say(alice, "/review 1 remove");
    expect(
      await h.db.prisma.moderationCase.findFirst({ where: { target: "REVIEW", targetId: review.id } }),
    ).toMatchObject({ status: "REMOVED" });
  });

  it("muted and banned members cannot post reviews", async () => {
    await own(alice);
    await h.say(alice, "/lesson 1");
    const aliceId = await h.memberIdOf(alice);
    await h.db.prisma.member.update({
      where: { id: aliceId },
      data: { mutedUntil: new Date(h.clock.now().getTime() + 86_400_000) },
    });
    await h.say(alice, "/review 1 5");
    expect(lastText(alice)).toContain("You are muted until");
    await h.db.prisma.member.update({ where: { id: aliceId }, data: { mutedUntil: null, bannedAt: h.clock.now() } });
    await h.say(alice, "/review 1 5");
    expect(lastText(alice)).toContain("banned");
    expect(await h.db.prisma.review.count()).toBe(0);
  });
});
