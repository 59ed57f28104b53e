/**
 * Hostile text on Telegram, end to end: names, titles, coupons and reasons that hold markup characters, emoji cut at
 * the limit, or control characters. The fake Bot API refuses what Telegram refuses (badly nested or unsupported tags,
 * unescaped `<` and `&`, half a surrogate pair, more than 4096 characters), so every reply that arrives here would
 * arrive on Telegram.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";

/** Markup that crosses: as plain HTML it used to become `<code><b>x</code></b>`, which Telegram refuses. */
const CROSSING = "`**x`**";

describe("telegram: hostile text is shown literally and every reply arrives", () => {
  let h: TelegramHarness;

  beforeAll(async () => {
    h = await createTelegramHarness("polling");
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
  });

  /** The last text the bot sent to a user, HTML removed. */
  const lastTo = (user: FakeUser) => h.fake.transcript(user.id).split("\n").slice(-40).join("\n");

  it("a member named with crossing markup gets /start and /profile, and the creator's lists and notices still arrive", async () => {
    const mallory = h.fake.user(2101, CROSSING, { language_code: "en" });
    await h.say(mallory, "/start");
    expect(h.fake.transcript(mallory.id)).toContain(`Welcome to Lyceum, ${CROSSING}!`);
    await h.say(mallory, "/profile");
    expect(lastTo(mallory)).toContain(`${CROSSING} (member #`);

    // A course without a Stars price is paid by hand: the creator hears of the order, and lists it in /confirm.
    await h.say(h.creator, `/addcourse 49 usd | Course ${CROSSING} | 课程`);
    const course = await h.db.prisma.product.findFirstOrThrow({ where: { titleEn: `Course ${CROSSING}` } });
    await h.say(mallory, `/buy ${course.id}`);
    const order = await h.db.prisma.order.findFirstOrThrow({ where: { productId: course.id } });
    expect(h.fake.transcript(mallory.id)).toContain(`Order #${order.id} — Course ${CROSSING}`);
    expect(h.fake.transcript(h.creator.id)).toContain(
      `New order #${order.id}: Course ${CROSSING}, $49.00, by ${CROSSING}. When paid: /confirm ${order.id}`,
    );

    await h.say(h.creator, "/confirm");
    expect(lastTo(h.creator)).toContain(`#${order.id} Course ${CROSSING} — $49.00 — ${CROSSING}`);
    await h.say(h.creator, `/confirm ${order.id}`);
    expect(lastTo(h.creator)).toContain(`Order #${order.id} confirmed`);

    // A refund reason with the same characters does not break the creator's /refunds either.
    await h.say(mallory, `/refund ${order.id} ${CROSSING} <b>&amp; **really**`);
    expect(lastTo(mallory)).toContain(`Refund requested for order #${order.id}`);
    await h.say(h.creator, "/refunds");
    expect(lastTo(h.creator)).toContain(`by ${CROSSING} — “${CROSSING} <b>&amp; **really**”`);
    const approve = h.fake.callsOf("sendMessage").findLast((c) => Number(c.chat_id) === h.creator.id);
    expect(JSON.stringify(approve?.reply_markup)).toContain('"callback_data":"approve ');

    expect(h.fake.refusals).toEqual([]);
  });

  it("a coupon cut at 32 characters in the middle of an emoji still gets its answer", async () => {
    const alice = h.fake.user(2102, "Alice", { language_code: "en" });
    const letters = "A".repeat(31);
    await h.say(alice, `/buy 1 ${letters}😀`);
    expect(lastTo(alice)).toContain(`The coupon ${letters}… is not valid`);
    expect(h.fake.refusals).toEqual([]);
  });

  it("a first name with NUL and other control characters is served, and the member exists", async () => {
    const eve = h.fake.user(2103, "E\u0000v\u001be\u007f", { language_code: "en" });
    await h.say(eve, "/start");
    expect(h.fake.transcript(eve.id)).toContain("Welcome to Lyceum, Eve!");
    const member = await h.db.prisma.member.findUniqueOrThrow({ where: { id: await h.memberIdOf(eve) } });
    expect(member.displayName).toBe("Eve");
    // Every later update is answered too (the failure used to repeat on each one).
    await h.say(eve, "/profile");
    expect(lastTo(eve)).toContain("Eve (member #");
    expect(h.fake.refusals).toEqual([]);
  });

  it("the fake refuses what Telegram refuses, so the tests above could fail", async () => {
    const bob = h.fake.user(2104, "Bob");
    const send = (text: string) =>
      fetch(`${h.fake.apiRoot}/bot${h.fake.token}/sendMessage`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ chat_id: bob.id, text, parse_mode: "HTML" }),
      }).then((response) => response.json() as Promise<{ ok: boolean; description?: string }>);
    expect(await send("<code><b>x</code></b>")).toMatchObject({ ok: false });
    expect((await send("a < b")).description).toContain("can't parse entities");
    expect((await send("fish & chips")).description).toContain("can't parse entities");
    expect((await send("<blink>x</blink>")).description).toContain("Unsupported start tag");
    expect((await send(`${"A".repeat(31)}\ud83d`)).description).toContain("UTF-8");
    expect((await send("x".repeat(4097))).description).toContain("too long");
    // Telegram counts the text after parsing entities: markup does not count.
    expect(await send(`<b>${"x".repeat(4000)}</b> &amp;`)).toMatchObject({ ok: true });
  });
});
