/**
 * The wallet (充值) as members and the creator use it in chat, against a real database: top-ups paid by hand and
 * through Stripe's webhooks, paying orders from the balance (in parallel too), refunds back to the wallet, refunds of
 * top-ups, and the creator's corrections. The ledger is checked after each: the balance is the sum of its entries and
 * never below zero.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Reply } from "../../core/conversation/reply.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

/** The action of the "Pay from wallet" button in a /buy reply, or null. */
function walletAction(reply: Reply): string | null {
  for (const row of reply.messages.flatMap((m) => m.buttons ?? [])) {
    for (const button of row) if ("action" in button && button.action.startsWith("wallet pay ")) return button.action;
  }
  return null;
}

describe("wallet: ledger, top-ups, paying from the balance", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ stripe: true });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  /** Balance of a member's wallet, and the sum of its entries (they must agree). */
  async function ledger(user: string, currency = "usd") {
    const memberId = await h.memberId(user);
    const wallet = await h.db.prisma.wallet.findUnique({ where: { memberId_currency: { memberId, currency } } });
    const sum = await h.db.prisma.walletTransaction.aggregate({
      where: { walletId: wallet?.id ?? -1 },
      _sum: { amount: true },
    });
    return { balance: wallet?.balance ?? 0, sum: sum._sum.amount ?? 0 };
  }

  /** A Stripe top-up asked in chat and paid: its order and the PaymentIntent to refund or dispute. */
  async function paidStripeTopUp(user: string, amount: number) {
    await h.sayReply(user, `/wallet topup ${amount}`);
    const order = await h.db.prisma.order.findFirstOrThrow({ where: { memberId: await h.memberId(user) } });
    await h.deliver(h.stripe!.completeCheckout(order.checkoutRef!));
    const payment = await h.db.prisma.payment.findFirstOrThrow({ where: { orderId: order.id } });
    return { order, intent: payment.providerPaymentId };
  }

  it("a manual top-up is credited once when the creator confirms it, and grants no access", async () => {
    await h.say("alice", "/start");
    const stripe = h.ctx.payments.stripe;
    h.ctx.payments.stripe = undefined; // by hand only, for this test
    try {
      const asked = await h.say("alice", "/wallet topup 50");
      expect(asked).toContain("Top-up #1: $50.00 to your wallet.");
      expect(asked).toContain("Send the amount to the creator");
      expect(await h.say("alice", "/wallet topup 50")).toContain("Top-up #1"); // a double click: the same order
      expect(await h.say(CREATOR, "/confirm 1")).toContain("Top-up #1 confirmed");
      expect(await h.say(CREATOR, "/confirm 1")).toContain("already paid");
    } finally {
      h.ctx.payments.stripe = stripe;
    }
    expect(await ledger("alice")).toEqual({ balance: 5000, sum: 5000 });
    expect(await h.db.prisma.entitlement.count()).toBe(0);
    expect(h.gateway.messagesTo("alice").join("\n")).toContain("Top-up #1 received: $50.00. Wallet balance: $50.00.");
    const wallet = await h.say("alice", "/wallet");
    expect(wallet).toContain("Balance: $50.00");
    expect(wallet).toMatch(/top-up \+\$50\.00 · order #1/);
    expect(await h.say("alice", "/wallet topup abc")).toContain("Usage: /wallet");
    expect(await h.say("alice", "/wallet topup 10 stars")).toContain("Stars top-ups are paid in Telegram");
  });

  it("a Stripe top-up is credited once however often the webhook comes, and taken back by a refund", async () => {
    const reply = await h.sayReply("bob", "/wallet topup 20");
    const button = reply.messages[0]?.buttons?.[0]?.[0];
    expect(button && "url" in button ? button.url : null).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    const order = await h.db.prisma.order.findFirstOrThrow();
    const completed = h.stripe!.completeCheckout(order.checkoutRef!);
    expect((await h.deliver(completed)).status).toBe(200);
    expect((await h.deliver(completed)).status).toBe(200);
    expect((await h.deliver({ ...completed, id: `${completed.id}_again` })).status).toBe(200);
    expect(await ledger("bob")).toEqual({ balance: 2000, sum: 2000 });
    expect(await h.db.prisma.walletTransaction.count({ where: { kind: "TOP_UP" } })).toBe(1);
    expect(await h.db.prisma.entitlement.count()).toBe(0);

    const intent = (await h.db.prisma.payment.findFirstOrThrow()).providerPaymentId;
    expect((await h.deliver(h.stripe!.refund(intent))).status).toBe(200);
    expect(await ledger("bob")).toEqual({ balance: 0, sum: 0 });
    expect((await h.db.prisma.order.findFirstOrThrow()).status).toBe("REFUNDED");
  });

  it("a disputed top-up is taken back while the dispute is open and given back when the creator wins it, once", async () => {
    const { order, intent } = await paidStripeTopUp("dora", 20);
    expect(await ledger("dora")).toEqual({ balance: 2000, sum: 2000 });

    const opened = h.stripe!.dispute(intent);
    expect((await h.deliver(opened)).status).toBe(200);
    expect(await ledger("dora")).toEqual({ balance: 0, sum: 0 });
    expect((await h.db.prisma.order.findFirstOrThrow()).status).toBe("DISPUTED");

    const won = h.stripe!.closeDispute(opened.data.object.id, "won");
    expect((await h.deliver(won)).status).toBe(200);
    expect((await h.deliver(won)).status).toBe(200);
    expect((await h.deliver(opened)).status).toBe(200); // the opening again, late: the dispute stays won
    expect((await h.db.prisma.order.findFirstOrThrow()).status).toBe("PAID");
    expect(await ledger("dora")).toEqual({ balance: 2000, sum: 2000 });
    expect(await h.db.prisma.walletTransaction.count({ where: { orderId: order.id } })).toBe(3);
    expect(h.gateway.messagesTo("dora").filter((m) => m.includes("Top-up #1 received"))).toHaveLength(1);
  });

  it("a top-up refunded in part from the Stripe Dashboard keeps only the rest in the wallet", async () => {
    const { intent } = await paidStripeTopUp("finn", 20);
    const part = h.stripe!.refund(intent, { amount: 500 });
    expect((await h.deliver(part)).status).toBe(200);
    expect((await h.deliver(part)).status).toBe(200);
    expect(await ledger("finn")).toEqual({ balance: 1500, sum: 1500 });
    expect((await h.db.prisma.order.findFirstOrThrow()).status).toBe("PAID");
    expect((await h.deliver(h.stripe!.refund(intent))).status).toBe(200);
    expect(await ledger("finn")).toEqual({ balance: 0, sum: 0 });
    expect((await h.db.prisma.order.findFirstOrThrow()).status).toBe("REFUNDED");
  });

  it("a top-up whose dispute is lost stays taken back", async () => {
    const { intent } = await paidStripeTopUp("erin", 15);
    const opened = h.stripe!.dispute(intent);
    await h.deliver(opened);
    await h.deliver(h.stripe!.closeDispute(opened.data.object.id, "lost"));
    expect((await h.db.prisma.order.findFirstOrThrow()).status).toBe("DISPUTED");
    expect(await ledger("erin")).toEqual({ balance: 0, sum: 0 });
  });

  it("a refunded top-up already spent is not taken back below zero: the creator is told", async () => {
    await h.say(CREATOR, "/start");
    await h.sayReply("carol", "/wallet topup 49");
    const topUp = await h.db.prisma.order.findFirstOrThrow();
    await h.deliver(h.stripe!.completeCheckout(topUp.checkoutRef!));
    const buy = await h.sayReply("carol", "/buy 1");
    expect(await h.press("carol", walletAction(buy)!)).toContain("paid from your wallet: $49.00. Balance now $0.00");
    const intent = (await h.db.prisma.payment.findFirstOrThrow({ where: { orderId: topUp.id } })).providerPaymentId;
    await h.deliver(h.stripe!.refund(intent));
    expect(await ledger("carol")).toEqual({ balance: 0, sum: 0 });
    expect(await h.db.prisma.walletTransaction.count({ where: { kind: "ADJUSTMENT" } })).toBe(0);
    expect(h.gateway.messagesTo(CREATOR).join("\n")).toContain(`Top-up order #${topUp.id} ($49.00) was refunded`);

    // Asked in chat instead, the refund of a spent top-up is refused before any money moves.
    const stripe = h.ctx.payments.stripe;
    h.ctx.payments.stripe = undefined;
    try {
      expect(await h.say("carol", "/wallet topup 30")).toContain("Top-up #3");
      await h.say(CREATOR, "/confirm 3");
      await h.say(CREATOR, "/wallet adjust @carol -30 usd spent elsewhere");
      await h.say("carol", "/refund 3 changed my mind");
      const asked = await h.db.prisma.refund.findFirstOrThrow({ where: { orderId: 3 } });
      expect(await h.say(CREATOR, `/approve ${asked.id}`)).toContain("already spent");
      expect((await h.db.prisma.refund.findUniqueOrThrow({ where: { id: asked.id } })).status).toBe("REQUESTED");
      expect(await ledger("carol")).toEqual({ balance: 0, sum: 0 });
    } finally {
      h.ctx.payments.stripe = stripe;
    }
  });

  it("20 parallel payments from a balance that covers 3 pay exactly 3, and the balance ends at 0", async () => {
    await h.say("dan", "/start");
    const products = [];
    for (let i = 0; i < 20; i++) {
      products.push(
        await h.db.prisma.product.create({
          data: {
            kind: "ARTICLE",
            slug: `note-${i}`,
            titleEn: `Note ${i}`,
            titleZh: `笔记 ${i}`,
            offers: { create: { amount: 1000, currency: "usd" } },
          },
        }),
      );
    }
    await h.say(CREATOR, `/wallet adjust @dan 30 usd launch credit`);
    const actions: string[] = [];
    for (const product of products) {
      const action = walletAction(await h.sayReply("dan", `/buy ${product.id}`));
      expect(action).not.toBeNull();
      actions.push(action!);
    }
    // Every order pressed twice at once (a double click), all twenty at once.
    const replies = await Promise.all([...actions, ...actions].map((action) => h.press("dan", action)));
    expect(replies.filter((r) => r.includes("paid from your wallet"))).toHaveLength(3);
    expect(replies.filter((r) => /nothing was charged/i.test(r))).toHaveLength(37);
    expect(await h.db.prisma.order.count({ where: { status: "PAID", provider: "WALLET" } })).toBe(3);
    expect(await h.db.prisma.entitlement.count({ where: { memberId: await h.memberId("dan") } })).toBe(3);
    expect(await ledger("dan")).toEqual({ balance: 0, sum: 0 });
    expect(await h.db.prisma.payment.count({ where: { provider: "WALLET" } })).toBe(3);
  });

  it("an order paid from the wallet and then on its still-open card page gives the wallet its money back, once", async () => {
    await h.say("fay", "/start");
    await h.say(CREATOR, "/wallet adjust @fay 60 usd welcome");
    const buy = await h.sayReply("fay", "/buy 1");
    expect(JSON.stringify(buy)).toContain("checkout.stripe"); // the same /buy opened a card page too
    expect(await h.press("fay", walletAction(buy)!)).toContain("Balance now $11.00");
    const order = await h.db.prisma.order.findFirstOrThrow({ where: { productId: 1 } });
    const completed = h.stripe!.completeCheckout(order.checkoutRef!);
    expect((await h.deliver(completed)).status).toBe(200);
    expect((await h.deliver(completed)).status).toBe(200);
    expect(await ledger("fay")).toEqual({ balance: 6000, sum: 6000 });
    expect(await h.db.prisma.entitlement.count({ where: { orderId: order.id, revokedAt: null } })).toBe(1);
    expect(h.gateway.messagesTo("fay").filter((t) => t.includes("paid by card as well"))).toHaveLength(1);
    expect(await h.say("fay", "/mycourses")).toContain("Python for Data Analysis");
  });

  it("a refund of a wallet-paid order goes back to the wallet, once, and closes access", async () => {
    await h.say("erin", "/start");
    await h.say(CREATOR, "/wallet adjust @erin 60 usd welcome");
    const buy = await h.sayReply("erin", "/buy 1");
    const action = walletAction(buy)!;
    expect(await h.press("erin", action)).toContain("Balance now $11.00");
    expect(await h.say("erin", "/mycourses")).toContain("Python for Data Analysis");
    expect(await h.say("erin", "/refund 1 not for me")).toContain("Refund requested for order #1");
    expect(await h.say(CREATOR, "/approve 1")).toBe("Order #1 refunded to the member's wallet; access closed.");
    expect(await h.say(CREATOR, "/approve 1")).toContain("already decided");
    expect(await ledger("erin")).toEqual({ balance: 6000, sum: 6000 });
    expect(await h.db.prisma.walletTransaction.count({ where: { kind: "REFUND" } })).toBe(1);
    expect(await h.say("erin", "/mycourses")).toContain("You don't own anything yet");
    expect(h.gateway.messagesTo("erin").join("\n")).toContain("Order #1 has been refunded to your wallet");
    expect(await h.press("erin", action)).toContain("is not awaiting payment");
  });

  it("corrections are the creator's: members are refused, a debit never goes below zero, in Chinese too", async () => {
    await h.say("fay", "/start", "zh");
    await h.say("gus", "/start");
    expect(await h.say("gus", "/wallet adjust @fay 100 usd gift")).toBe("Only the creator can do that.");
    expect(await h.say(CREATOR, "/wallet adjust @fay 5 usd 补偿")).toContain("balance now $5.00");
    expect(await h.say(CREATOR, "/wallet adjust @fay -6 usd too much")).toContain("may not take it below zero");
    expect(await h.say(CREATOR, "/wallet adjust @creator 5 usd me")).toContain("can't correct your own wallet");
    expect(await h.say(CREATOR, "/wallet adjust @fay 5")).toContain("Usage: /wallet adjust");
    expect(await ledger("fay")).toEqual({ balance: 500, sum: 500 });
    const zh = await h.say("fay", "/wallet");
    expect(zh).toContain("我的钱包");
    expect(zh).toContain("更正");
    expect(zh).toContain("补偿");
    expect(h.gateway.messagesTo("fay").join("\n")).toContain("你的钱包已更正");
    expect(await h.say("gus", "/wallet")).toContain("Your wallet is empty");
  });
});
