/**
 * Buying with manual payment, as members and the creator would do it in chat, against a real database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { confirmManualPayment } from "../../core/commerce/confirm-manual-payment.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

const LOUNGE = "#members-lounge";

describe("manual payment: buy → confirm → entitlement → gate", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  it("a confirmed order opens the course and the paid channel, and the member is told", async () => {
    const bought = await h.say("alice", "/buy 1");
    expect(bought).toContain("Order #1");
    expect(bought).toContain("$49.00");
    expect(await h.say("alice", "/mycourses")).toContain("You don't own anything yet");
    expect(h.gateway.members(LOUNGE).has("alice")).toBe(false);

    const pending = await h.say(CREATOR, "/confirm");
    expect(pending).toContain("#1 Python for Data Analysis");
    expect(await h.say(CREATOR, "/confirm 1")).toContain("Order #1 confirmed");

    const order = await h.db.prisma.order.findUniqueOrThrow({ where: { id: 1 } });
    expect(order.status).toBe("PAID");
    const payments = await h.db.prisma.payment.findMany({ where: { orderId: 1 } });
    expect(payments).toHaveLength(1);
    expect(payments[0]?.provider).toBe("MANUAL");
    const entitlement = await h.db.prisma.entitlement.findFirstOrThrow({ where: { orderId: 1 } });
    expect(entitlement).toMatchObject({ productId: 1, endsAt: null, revokedAt: null, source: "PURCHASE" });
    expect(h.gateway.members(LOUNGE).has("alice")).toBe(true);
    const notices = h.gateway.messagesTo("alice").join("\n");
    expect(notices).toContain("Payment received for order #1");
    expect(notices).toContain(`You're in: ${LOUNGE}`);
    expect(await h.say("alice", "/mycourses")).toContain("Python for Data Analysis — yours for good");
    expect(await h.say("alice", "/orders")).toContain("paid");
  });

  it("confirming twice, or a double click on /buy, changes nothing the second time", async () => {
    expect(await h.say("bob", "/buy 2")).toContain("Order #1");
    expect(await h.say("bob", "/buy 2")).toContain("Order #1");
    expect(await h.db.prisma.order.count()).toBe(1);
    await h.say(CREATOR, "/confirm 1");
    expect(await h.say(CREATOR, "/confirm 1")).toContain("already paid");
    expect(await h.db.prisma.payment.count()).toBe(1);
    expect(await h.db.prisma.entitlement.count({ where: { memberId: await h.memberId("bob") } })).toBe(1);
    expect(h.gateway.grants).toBe(1);
    expect(await h.say("bob", "/buy 2")).toContain("You already own #2");
  });

  it("simultaneous /buy from one member make one order", async () => {
    await h.say("carol", "/start");
    const replies = await Promise.all([h.say("carol", "/buy 3"), h.say("carol", "/buy 3"), h.say("carol", "/buy 3")]);
    expect(new Set(replies.map((r) => /Order #(\d+)/.exec(r)?.[1])).size).toBe(1);
    expect(await h.db.prisma.order.count()).toBe(1);
  });

  it("a coupon lowers the price once per member, and a bad coupon is refused with a reason", async () => {
    expect(await h.say("dan", "/buy 1 welcome10")).toContain("$44.10");
    await h.say(CREATOR, "/confirm 1");
    expect((await h.db.prisma.coupon.findUniqueOrThrow({ where: { code: "WELCOME10" } })).redemptions).toBe(1);
    expect(await h.say("dan", "/buy 2 WELCOME10")).toContain("The coupon WELCOME10 is not valid");
    expect(await h.say("erin", "/buy 2 NOPE")).toContain("The coupon NOPE is not valid");
    expect(await h.say("erin", "/buy 2 <script>")).toContain("is not valid");
    expect(await h.db.prisma.order.count()).toBe(1);
  });

  it("a bundle opens every product in it", async () => {
    await h.say("fay", "/buy 6");
    await h.say(CREATOR, "/confirm 1");
    const products = await h.db.prisma.entitlement.findMany({ where: { orderId: 1 }, select: { productId: true } });
    expect(products.map((p) => p.productId).sort()).toEqual([1, 2, 6]);
    expect(await h.say("fay", "/buy 1")).toContain("You already own #1");
  });
});

describe("authorization", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  it("a member cannot run creator commands, by command or by button", async () => {
    await h.say("mallory", "/buy 1");
    for (const line of [
      "/confirm 1",
      "/confirm",
      "/refunds",
      "/approve 1",
      "/grant mallory 1",
      "/revoke mallory 1",
      "/addcourse",
      "/gate #x 1",
    ]) {
      expect(await h.say("mallory", line), line).toBe("Only the creator can do that.");
    }
    expect(await h.press("mallory", "confirm 1")).toBe("Only the creator can do that.");
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: 1 } })).status).toBe("PENDING");
    expect(await h.db.prisma.entitlement.count()).toBe(0);
    expect(await h.db.prisma.product.count()).toBe(6);
  });

  it("the use case itself refuses a member, whatever adapter calls it", async () => {
    await h.say("mallory", "/buy 1");
    const mallory = await h.memberId("mallory");
    await expect(confirmManualPayment(h.ctx, { orderId: 1, staffMemberId: mallory })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await h.db.prisma.payment.count()).toBe(0);
  });

  it("nobody confirms their own order, not even the creator", async () => {
    await h.say(CREATOR, "/buy 1");
    expect(await h.say(CREATOR, "/confirm 1")).toContain("is your own");
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: 1 } })).status).toBe("PENDING");
  });

  it("tampered buttons and malformed commands get a clear reply and change nothing", async () => {
    expect(await h.press("eve", "buy 1; DROP TABLE")).toContain("Usage");
    expect(await h.press("eve", "grant eve 1")).toBe("Only the creator can do that.");
    expect(await h.press("eve", "\u0000\u0001")).toContain("no longer valid");
    expect(await h.say("eve", "/buy")).toContain("Usage: /buy <id> [coupon]");
    expect(await h.say("eve", "/buy 999")).toContain("There is no course #999");
    expect(await h.say("eve", "/course -1")).toContain("Usage: /course <id>");
    expect(await h.say("eve", "/refund 1")).toContain("Order #1 was not found");
    expect(await h.say("eve", "/frobnicate")).toContain("I don't know /frobnicate");
    expect(await h.say("eve", "/start ref_NOSUCHCODE")).toContain("Welcome");
    expect(await h.db.prisma.order.count()).toBe(0);
  });

  it("a member cannot refund or see someone else's order", async () => {
    await h.say("alice", "/buy 1");
    await h.say(CREATOR, "/confirm 1");
    expect(await h.say("eve", "/refund 1")).toContain("Order #1 was not found");
    expect(await h.db.prisma.refund.count()).toBe(0);
  });
});

describe("refunds, grants and the reconciler", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  it("an approved refund of a manual payment closes access and the channel", async () => {
    await h.say("alice", "/buy 1");
    await h.say(CREATOR, "/confirm 1");
    expect(await h.say("alice", "/refund 1 changed my mind")).toContain("Refund requested for order #1");
    expect(await h.say("alice", "/refund 1")).toContain("already being handled");
    expect(h.gateway.messagesTo(CREATOR).join("\n")).toContain("Refund request #1 for order #1");
    const list = await h.sayReply(CREATOR, "/refunds");
    expect(list.messages[0]?.buttons?.[0]?.[0]).toEqual({ label: "Approve #1", action: "approve 1" });
    expect(await h.press(CREATOR, "approve 1")).toContain("Refund for order #1 recorded; access closed");
    expect(await h.press(CREATOR, "approve 1")).toContain("already decided");

    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: 1 } })).status).toBe("REFUNDED");
    expect(await h.db.prisma.entitlement.findFirstOrThrow({ where: { orderId: 1 } })).toMatchObject({
      revokeReason: "REFUND",
    });
    expect(h.gateway.members(LOUNGE).has("alice")).toBe(false);
    expect(h.gateway.messagesTo("alice").join("\n")).toContain("Order #1 has been refunded");
    expect(await h.say("alice", "/mycourses")).toContain("You don't own anything yet");
  });

  it("a denied refund keeps access and tells the member", async () => {
    await h.say("bob", "/buy 1");
    await h.say(CREATOR, "/confirm 1");
    await h.say("bob", "/refund 1");
    expect(await h.say(CREATOR, "/deny 1")).toContain("denied");
    expect(h.gateway.members(LOUNGE).has("bob")).toBe(true);
    expect(h.gateway.messagesTo("bob").join("\n")).toContain("was declined");
  });

  it("a timed grant lets in, then the sweep lets out when it ends", async () => {
    await h.say("carol", "/start");
    expect(await h.say(CREATOR, "/grant @carol 2 2")).toContain(
      "carol now has Prompt Engineering Masterclass for 2 days",
    );
    expect(h.gateway.members(LOUNGE).has("carol")).toBe(true);
    h.clock.advanceDays(1);
    await h.sweep();
    expect(h.gateway.members(LOUNGE).has("carol")).toBe(true);
    h.clock.advanceDays(2);
    await h.sweep();
    await h.sweep();
    expect(h.gateway.members(LOUNGE).has("carol")).toBe(false);
    const ended = await h.db.prisma.entitlement.findFirstOrThrow({ where: { memberId: await h.memberId("carol") } });
    expect(ended.revokeReason).toBe("EXPIRED");
    expect(h.gateway.revokes).toBe(1);
  });

  it("/revoke closes access by hand", async () => {
    await h.say("dan", "/start");
    await h.say(CREATOR, "/grant dan 1");
    expect(await h.say(CREATOR, "/revoke dan 1")).toContain("no longer has Python for Data Analysis");
    expect(h.gateway.members(LOUNGE).has("dan")).toBe(false);
    expect(await h.say(CREATOR, "/revoke dan 1")).toContain("had no active access");
    expect(await h.say(CREATOR, "/grant nobody 1")).toContain("No member matches nobody");
  });

  it("the sweep repairs drift both ways: a removed buyer comes back, an intruder goes", async () => {
    await h.say("erin", "/buy 1");
    await h.say(CREATOR, "/confirm 1");
    await h.say("frank", "/start");
    await h.say(CREATOR, "/grant frank 1");
    await h.say(CREATOR, "/revoke frank 1");
    h.gateway.members(LOUNGE).delete("erin"); // someone kicked her by hand
    h.gateway.members(LOUNGE).add("frank"); // he got back in through an old link
    await h.sweep();
    expect([...h.gateway.members(LOUNGE)].sort()).toEqual(["erin"]);
  });

  it("a member who blocked the bot still gets access; the notice fails quietly and they are marked unreachable", async () => {
    await h.say("gina", "/buy 1");
    h.gateway.blocked.add("gina");
    expect(await h.say(CREATOR, "/confirm 1")).toContain("confirmed");
    expect(h.gateway.members(LOUNGE).has("gina")).toBe(true);
    const account = await h.db.prisma.platformAccount.findFirstOrThrow({ where: { externalId: "gina" } });
    expect(account.unreachableSince).not.toBeNull();
    await h.say("gina", "/mycourses"); // writing again means they unblocked us
    expect(
      (await h.db.prisma.platformAccount.findFirstOrThrow({ where: { externalId: "gina" } })).unreachableSince,
    ).toBeNull();
  });

  it("a platform that refuses a gate change alerts the creator and does not record the member as inside", async () => {
    await h.say(CREATOR, "/start");
    h.gateway.refusing.add(LOUNGE);
    await h.say("hal", "/buy 1");
    await h.say(CREATOR, "/confirm 1");
    await h.say("ida", "/buy 1");
    await h.say(CREATOR, "/confirm 2");
    const alerts = h.gateway.messagesTo(CREATOR).filter((m) => m.includes(`could not change who is in ${LOUNGE}`));
    expect(alerts).toHaveLength(1); // one alert for the gate, not one per member
    const membership = await h.db.prisma.gateMembership.findFirst({ where: { account: { externalId: "hal" } } });
    expect(membership?.state).toBe("ABSENT");
    h.gateway.refusing.delete(LOUNGE);
    await h.sweep();
    expect(h.gateway.members(LOUNGE).has("hal")).toBe(true);
  });

  it("the creator adds a course in three answers and binds a new channel to it", async () => {
    expect(await h.say(CREATOR, "/addcourse")).toContain("English title");
    expect(await h.say(CREATOR, "Rust in Production")).toContain("Chinese title");
    expect(await h.say(CREATOR, "生产环境中的 Rust")).toContain("price");
    expect(await h.say(CREATOR, "twelve dollars")).toContain("not a price");
    expect(await h.say(CREATOR, "29 usd monthly")).toContain("Course #7 Rust in Production created at $29.00/month");
    expect(await h.say("ivy", "/courses rust")).toContain("7. Rust in Production");
    expect(await h.say("jun", "/courses 生产", "zh")).toContain("生产环境中的 Rust");
    expect(await h.say(CREATOR, "/addcourse 5 usd | Quick tips | 小技巧")).toContain("Course #8 Quick tips");
    expect(await h.say(CREATOR, "/gate #rustaceans 7")).toContain(
      "Channel #rustaceans now opens for: #7 Rust in Production",
    );
    await h.say(CREATOR, "/grant ivy 7");
    expect(h.gateway.members("#rustaceans").has("ivy")).toBe(true);
    expect(h.gateway.members(LOUNGE).has("ivy")).toBe(false);
  });
});

describe("roles", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  it("the owner appoints a creator, who can then confirm payments; a creator cannot appoint anyone", async () => {
    await h.say("alice", "/buy 1");
    await h.say("zoe", "/start");
    expect(await h.say("zoe", "/confirm 1")).toBe("Only the creator can do that.");
    expect(await h.say(CREATOR, "/role @zoe creator")).toBe("zoe is now a creator.");
    expect(await h.say("zoe", "/confirm 1")).toContain("Order #1 confirmed");
    expect(await h.say("zoe", "/role alice creator")).toBe("Only the creator can do that.");
    expect((await h.db.prisma.member.findFirstOrThrow({ where: { displayName: "alice" } })).role).toBe("MEMBER");
    expect(await h.say(CREATOR, "/role zoe owner")).toContain("Usage: /role");
    expect(await h.say(CREATOR, "/role zoe member")).toBe("zoe is now a member.");
    expect(await h.say("zoe", "/refunds")).toBe("Only the creator can do that.");
  });
});

describe("a crash between paying and letting in", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  it("the payment is kept, the gate change waits in the outbox, and a later run lets the member in once", async () => {
    await h.say("alice", "/buy 1");
    const original = h.gateway.grantAccess.bind(h.gateway);
    h.gateway.grantAccess = async () => {
      throw new Error("connection reset"); // the bot's process died mid-call, or the platform was unreachable
    };
    expect(await h.say(CREATOR, "/confirm 1")).toContain("confirmed");
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: 1 } })).status).toBe("PAID");
    const stuck = await h.db.prisma.outboxItem.findFirstOrThrow({ where: { kind: "access.sync", status: "PENDING" } });
    expect(stuck.lastError).toContain("connection reset");
    expect(h.gateway.members(LOUNGE).has("alice")).toBe(false);

    h.gateway.grantAccess = original;
    await h.db.prisma.outboxItem.update({ where: { id: stuck.id }, data: { runAfter: new Date(Date.now() - 1000) } }); // its retry is due
    await h.jobs.enqueue("outbox.drain", {});
    await h.jobs.idle();
    expect(h.gateway.members(LOUNGE).has("alice")).toBe(true);
    expect(h.gateway.grants).toBe(1);
    expect((await h.db.prisma.outboxItem.findUniqueOrThrow({ where: { id: stuck.id } })).status).toBe("DONE");
  });
});
