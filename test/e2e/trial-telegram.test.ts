/**
 * A free trial on Telegram end to end, with the real grammY client against the local fake Bot API: the course page's
 * "Try it free" button, the course open at once, the Stars purchase during the trial (invoice → pre-checkout →
 * successful_payment) converting it, and a second trial refused — in English and in Chinese.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";
import { payLastInvoice } from "../support/telegram-payments.js";

describe("free trials on Telegram", () => {
  let h: TelegramHarness;
  let alice: FakeUser;
  let bob: FakeUser;

  beforeAll(async () => {
    h = await createTelegramHarness("polling");
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    await h.db.prisma.offer.updateMany({ where: { productId: 1 }, data: { trialDays: 7 } });
    alice = h.fake.user(2101, "Alice", { username: "alice", language_code: "en" });
    bob = h.fake.user(2102, "Bob", { username: "bob", language_code: "zh" });
  });

  const lastText = (user: FakeUser) => (h.fake.textsTo(user.id).at(-1) ?? "").replace(/<[^>]+>/g, "");
  function buttons(user: FakeUser): { text: string; data: string }[] {
    return h.fake
      .callsOf("sendMessage")
      .filter((c) => Number(c.chat_id) === user.id && c.reply_markup)
      .flatMap((c) =>
        (c.reply_markup as { inline_keyboard: { text: string; callback_data?: string }[][] }).inline_keyboard
          .flat()
          .map((b) => ({ text: b.text, data: b.callback_data ?? "" })),
      );
  }
  it("Try it free opens the course at once; buying in Stars during the trial converts it", async () => {
    await h.say(alice, "/course 1");
    const trial = buttons(alice).find((b) => b.data === "trial 1");
    expect(trial?.text).toBe("Try it free for 7 days");
    await h.press(alice, "trial 1");
    expect(lastText(alice)).toContain("7-day free trial of Python for Data Analysis has started");
    await h.say(alice, "/lesson 1 2");
    expect(h.fake.transcript(alice.id)).toContain("DataFrames in practice");
    const entitlement = await h.db.prisma.entitlement.findFirstOrThrow({ where: { source: "TRIAL" } });
    expect(entitlement.revokedAt).toBeNull();

    // The trial is not ownership: /buy sends the Stars invoice, and paying it ends the trial as converted.
    await h.say(alice, "/buy 1");
    await payLastInvoice(h, alice);
    const trialRow = await h.db.prisma.trial.findFirstOrThrow();
    expect(trialRow.convertedAt).not.toBeNull();
    expect(trialRow.provider).toBe("TELEGRAM_STARS");
    expect(await h.db.prisma.entitlement.count({ where: { source: "PURCHASE", revokedAt: null } })).toBe(1);
    await h.say(alice, "/course 1");
    expect(lastText(alice)).toContain("You own this");
    await h.say(alice, "/trial 1");
    expect(lastText(alice)).toContain("already own");
  });

  it("in Chinese: the trial starts once, a second one is refused with a Buy button", async () => {
    await h.say(bob, "/trial 1");
    expect(lastText(bob)).toContain("7 天免费试用已开始");
    await h.say(bob, "/trial 1");
    expect(lastText(bob)).toContain("你已经试用过 #1");
    expect(buttons(bob).some((b) => b.data === "buy 1")).toBe(true);
    await h.say(bob, "/trial 3");
    expect(lastText(bob)).toContain("不提供免费试用");
    expect(await h.db.prisma.trial.count()).toBe(1);
  });
});
