/**
 * The wallet and invitations on Telegram end to end: the real grammY client against the local fake Bot API. A member
 * tops up in Stars the way the Telegram app pays (invoice → pre-checkout → successful_payment, delivered twice),
 * sees the balance, buys a course with "Pay from wallet" under /buy's invoice, and shares the invite link /invite
 * gives; a Chinese-speaking member reads it all in Chinese.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";
import { payLastInvoice } from "../support/telegram-payments.js";

describe("wallet on Telegram", () => {
  let h: TelegramHarness;
  let alice: FakeUser;
  let bob: FakeUser;

  beforeAll(async () => {
    h = await createTelegramHarness("polling");
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    alice = h.fake.user(2001, "Alice", { username: "alice", language_code: "en" });
    bob = h.fake.user(2002, "Bob", { username: "bob", language_code: "zh" });
  });

  /** The last message to `user`, HTML tags removed. */
  const lastText = (user: FakeUser) => (h.fake.textsTo(user.id).at(-1) ?? "").replace(/<[^>]+>/g, "");
  /** Every callback button the bot sent to `user`, newest last. */
  function buttons(user: FakeUser): string[] {
    return h.fake
      .callsOf("sendMessage")
      .filter((c) => Number(c.chat_id) === user.id && c.reply_markup)
      .flatMap((c) =>
        (c.reply_markup as { inline_keyboard: { callback_data?: string }[][] }).inline_keyboard
          .flat()
          .map((b) => b.callback_data ?? ""),
      );
  }

  it("tops up in Stars once, pays a course from the balance, and shows the invite link", async () => {
    await h.say(alice, "/wallet");
    expect(lastText(alice)).toContain("Your wallet is empty");
    await h.press(alice, "wallet topup");
    expect(buttons(alice)).toEqual(expect.arrayContaining(["wallet topup 100 stars", "wallet topup 1000 stars"]));

    await h.say(alice, "/wallet topup 3000 stars");
    expect(h.fake.transcript(alice.id)).toContain("Top-up #1: ⭐3000 to your wallet.");
    expect(await payLastInvoice(h, alice, { twice: true })).toBe(3000);
    const memberId = await h.memberIdOf(alice);
    const wallet = await h.db.prisma.wallet.findUniqueOrThrow({
      where: { memberId_currency: { memberId, currency: "xtr" } },
    });
    expect(wallet.balance).toBe(3000);
    expect(await h.db.prisma.walletTransaction.count()).toBe(1);
    expect(await h.db.prisma.entitlement.count()).toBe(0);
    expect(h.fake.transcript(alice.id)).toContain("Top-up #1 received: ⭐3000. Wallet balance: ⭐3000.");

    await h.say(alice, "/buy 1");
    const pay = buttons(alice).findLast((b) => b.startsWith("wallet pay "));
    expect(pay).toBe("wallet pay 2");
    const keyboards = h.fake.callsOf("sendMessage").filter((c) => Number(c.chat_id) === alice.id && c.reply_markup);
    expect(JSON.stringify(keyboards.at(-1)?.reply_markup)).toContain("Pay from wallet (balance ⭐3000)");
    await h.press(alice, pay!);
    expect(h.fake.transcript(alice.id)).toContain("Order #2 paid from your wallet: ⭐2500. Balance now ⭐500.");
    await h.press(alice, pay!); // a second tap charges nothing
    expect(h.fake.transcript(alice.id)).toContain("Order #2 is already paid; nothing was charged.");
    expect(await h.db.prisma.order.findUniqueOrThrow({ where: { id: 2 } })).toMatchObject({
      status: "PAID",
      provider: "WALLET",
    });
    expect((await h.db.prisma.wallet.findUniqueOrThrow({ where: { id: wallet.id } })).balance).toBe(500);
    await h.say(alice, "/mycourses");
    expect(lastText(alice)).toContain("Python for Data Analysis");

    await h.say(alice, "/wallet");
    expect(lastText(alice)).toContain("Balance: ⭐500");
    expect(lastText(alice)).toContain("purchase −⭐2500 · order #2");
    expect(lastText(alice)).toContain("top-up +⭐3000 · order #1");

    await h.say(alice, "/invite");
    const code = (await h.db.prisma.member.findUniqueOrThrow({ where: { id: memberId } })).referralCode;
    expect(lastText(alice)).toMatch(new RegExp(`Your link: https://t\\.me/\\w+\\?start=ref_${code}`));
    expect(lastText(alice)).toContain("Joined through your link: 0");
  });

  it("a Chinese-speaking invitee joins through the link and reads the wallet in Chinese", async () => {
    await h.say(alice, "/start");
    const code = (await h.db.prisma.member.findUniqueOrThrow({ where: { id: await h.memberIdOf(alice) } }))
      .referralCode;
    await h.say(bob, `/start ref_${code}`);
    expect(h.fake.transcript(bob.id)).toContain("你是通过朋友的邀请加入的");
    await h.say(bob, "/wallet");
    expect(lastText(bob)).toContain("你的钱包是空的");
    await h.say(bob, "/wallet topup 100 stars");
    expect(h.fake.transcript(bob.id)).toContain("充值单 #1");
    await payLastInvoice(h, bob);
    await h.say(bob, "/wallet");
    expect(lastText(bob)).toContain("余额：⭐100");
    expect(lastText(bob)).toContain("充值 +⭐100");
    await h.say(alice, "/invite");
    expect(lastText(alice)).toContain("Joined through your link: 1");
    expect(lastText(alice)).toContain("Of them paid: 1");
    expect(lastText(alice)).toContain("Earnings pending: $5.00");
  });
});
