/**
 * Referral credit, driven in chat against a real database: an invitee's first payment earns the inviter a credit
 * once its refund window has passed (the sweep job pays it into the wallet); a refund voids it; self, forged, linked
 * and late referrals, second payments and wallet-funded payments earn nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLinkCode, redeemLinkCode } from "../../core/identity/link-accounts.js";
import { REFERRALS_SWEEP_JOB } from "../../jobs/definitions.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

describe("referral credit", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ stripe: true });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    await h.say(CREATOR, "/start");
  });

  async function sweepReferrals() {
    await h.jobs.enqueue(REFERRALS_SWEEP_JOB, {});
    await h.jobs.idle();
  }
  /** `user` joins through `inviter`'s link (their first message). */
  async function joinThrough(user: string, inviter: string) {
    const code = (await h.db.prisma.member.findUniqueOrThrow({ where: { id: await h.memberId(inviter) } }))
      .referralCode;
    expect(await h.say(user, `/start ref_${code}`)).toContain("You joined through a friend's invitation");
  }
  /** Buys a course and has the creator confirm the manual payment; returns the order id. */
  async function buyAndConfirm(user: string, productId: number): Promise<number> {
    const stripe = h.ctx.payments.stripe;
    h.ctx.payments.stripe = undefined;
    try {
      const order = Number(/Order #(\d+)/.exec(await h.say(user, `/buy ${productId}`))?.[1]);
      expect(await h.say(CREATOR, `/confirm ${order}`)).toContain("confirmed");
      return order;
    } finally {
      h.ctx.payments.stripe = stripe;
    }
  }
  const balanceOf = async (user: string) =>
    (await h.db.prisma.wallet.findFirst({ where: { memberId: await h.memberId(user) } }))?.balance ?? 0;

  it("the first payment pays the inviter once its refund window has passed, once, and /invite shows it", async () => {
    await h.say("alice", "/start");
    await joinThrough("bob", "alice");
    const order = await buyAndConfirm("bob", 1);
    const reward = await h.db.prisma.referralReward.findUniqueOrThrow({ where: { orderId: order } });
    expect(reward).toMatchObject({
      status: "PENDING",
      amount: 500,
      currency: "usd",
      inviterId: await h.memberId("alice"),
    });
    expect(reward.clearsAt.getTime() - h.clock.now().getTime()).toBeGreaterThan(13.9 * 86_400_000);

    await sweepReferrals();
    expect(await balanceOf("alice")).toBe(0);
    const pending = await h.say("alice", "/invite");
    expect(pending).toContain("Joined through your link: 1");
    expect(pending).toContain("Of them paid: 1");
    expect(pending).toContain("Earnings pending: $5.00");
    expect(pending).toContain("keeps it for 14 days, you get $5.00");

    await buyAndConfirm("bob", 2); // a second payment earns nothing more
    h.clock.advanceDays(15);
    await sweepReferrals();
    await sweepReferrals();
    expect(await balanceOf("alice")).toBe(500);
    expect(await h.db.prisma.referralReward.count()).toBe(1);
    expect(await h.db.prisma.walletTransaction.count({ where: { kind: "REFERRAL_CREDIT" } })).toBe(1);
    expect(h.gateway.messagesTo("alice").join("\n")).toContain("A friend you invited is a paying member now: $5.00");
    expect(await h.say("alice", "/invite")).toContain("Earnings paid: $5.00");
    expect(await h.say("alice", "/wallet")).toContain("referral credit +$5.00");
  });

  it("a payment refunded within the window voids the reward", async () => {
    await h.say("alice", "/start");
    await joinThrough("carol", "alice");
    const order = await buyAndConfirm("carol", 1);
    await h.say("carol", `/refund ${order} changed my mind`);
    await h.say(CREATOR, "/approve 1");
    await sweepReferrals();
    expect((await h.db.prisma.referralReward.findFirstOrThrow()).status).toBe("VOID");
    h.clock.advanceDays(15);
    await sweepReferrals();
    expect(await balanceOf("alice")).toBe(0);
    expect(await h.say("alice", "/invite")).toContain("Earnings paid: none");
  });

  it("a Stripe first payment earns a reward too", async () => {
    await h.say("alice", "/start");
    await joinThrough("jack", "alice");
    await h.say("jack", "/buy 1");
    const order = await h.db.prisma.order.findFirstOrThrow({ where: { memberId: await h.memberId("jack") } });
    await h.deliver(h.stripe!.completeCheckout(order.checkoutRef!));
    expect(await h.db.prisma.referralReward.findUniqueOrThrow({ where: { orderId: order.id } })).toMatchObject({
      status: "PENDING",
    });
  });

  it("forged codes, self-referral, linked accounts, late referrals and wallet-funded payments pay nothing", async () => {
    await h.say("alice", "/start");
    // A forged code records nothing.
    expect(await h.say("erin", "/start ref_NOSUCHCODE")).not.toContain("friend's invitation");
    await buyAndConfirm("erin", 1);
    // A member marked as their own inviter (what a merge could leave) earns nothing.
    await h.say("dan", "/start");
    const dan = await h.memberId("dan");
    await h.db.prisma.member.update({ where: { id: dan }, data: { referredById: dan } });
    await buyAndConfirm("dan", 1);
    // A referral recorded after the first payment: the next payment is not a first one.
    await h.say("hank", "/start");
    await buyAndConfirm("hank", 1);
    await h.db.prisma.member.update({
      where: { id: await h.memberId("hank") },
      data: { referredById: await h.memberId("alice") },
    });
    await buyAndConfirm("hank", 2);
    // Paid from a wallet: no reward.
    await joinThrough("ivy", "alice");
    await h.say(CREATOR, "/wallet adjust @ivy 60 usd gift");
    const buy = await h.sayReply("ivy", "/buy 1");
    const pay = buy.messages[0]?.buttons?.flat().find((b) => "action" in b && b.action.startsWith("wallet pay"));
    expect(await h.press("ivy", pay && "action" in pay ? pay.action : "")).toContain("paid from your wallet");
    expect(await h.db.prisma.referralReward.count()).toBe(0);

    // Linked accounts: frank was invited by gina, then links his account to hers: one member, no reward.
    await h.say("gina", "/start");
    await joinThrough("frank", "gina");
    await buyAndConfirm("frank", 1);
    expect((await h.db.prisma.referralReward.findFirstOrThrow()).status).toBe("PENDING");
    const gina = await h.memberId("gina");
    const { code } = await createLinkCode(h.ctx, { memberId: gina, platform: "CONSOLE" });
    await redeemLinkCode(h.ctx, { memberId: await h.memberId("frank"), platform: "TELEGRAM", code });
    expect(await h.db.prisma.referralReward.findFirstOrThrow()).toMatchObject({
      status: "VOID",
      inviterId: gina,
      inviteeId: gina,
    });
    h.clock.advanceDays(15);
    await sweepReferrals();
    expect(await h.db.prisma.walletTransaction.count({ where: { kind: "REFERRAL_CREDIT" } })).toBe(0);
    expect(await balanceOf("gina")).toBe(0);
  });
});
