/**
 * The same Telegram features carried two other ways: our grammY bot in webhook mode (Telegram posts to our HTTP
 * server, with the secret token checked on every call), and a creator's own Telegraf bot with Lyceum mounted.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { messages } from "../../core/i18n/index.js";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { createTelegramHarness, type TelegramHarness, WEBHOOK_SECRET } from "../support/telegram-harness.js";

const LOUNGE = -1001;

/** /buy → invoice → pre-checkout → payment → join request, the way the Telegram app does it. */
async function buyAndJoin(h: TelegramHarness, user: FakeUser) {
  await h.say(user, "/buy 1");
  const invoice = h.fake.callsOf("sendInvoice").findLast((c) => Number(c.chat_id) === user.id)!;
  expect(invoice).toMatchObject({ currency: "XTR", prices: [{ amount: 2500 }] });
  const check = h.fake.preCheckout(user, { payload: String(invoice.payload), total_amount: 2500 });
  await h.settle(check.updateId);
  expect((await check.answer).ok).toBe(true);
  await h.settle(h.fake.successfulPayment(user, { payload: String(invoice.payload), total_amount: 2500 }).updateId);
  expect(h.fake.transcript(user.id)).toContain("Join here:");
  await h.settle(h.fake.requestJoin(user, LOUNGE));
}

/** A stranger who never wrote to the bot joins the gated chat by a plain link: the chat_member update removes them. */
async function strangerIsRemoved(h: TelegramHarness) {
  await h.say(h.creator, `/gate ${LOUNGE} 1`);
  const carl = h.fake.user(2003, "Carl");
  await h.settle(h.fake.join(carl, LOUNGE));
  expect(h.fake.callsOf("banChatMember")).toMatchObject([{ chat_id: String(LOUNGE), user_id: carl.id }]);
  expect(h.fake.isMember(LOUNGE, carl.id)).toBe(false);
  expect(await h.db.prisma.gateIntrusion.count({ where: { unknownAccount: true, removedAt: { not: null } } })).toBe(1);
}

describe("telegram bot in webhook mode", () => {
  let h: TelegramHarness;
  let alice: FakeUser;
  beforeAll(async () => {
    h = await createTelegramHarness("webhook");
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    alice = h.fake.user(2001, "Alice", { language_code: "en" });
    h.fake.chat(LOUNGE, { title: "Paid Lounge" });
  });

  it("registers the webhook with a secret token and every update kind it needs", () => {
    const setWebhook = h.startupCalls.find((c) => c.method === "setWebhook")!.params;
    expect(String(setWebhook.url)).toMatch(/\/webhooks\/telegram$/);
    expect(setWebhook.secret_token).toBe(WEBHOOK_SECRET);
    expect(setWebhook.allowed_updates).toEqual(
      expect.arrayContaining(["chat_member", "chat_join_request", "pre_checkout_query", "callback_query"]),
    );
    expect(h.startupCalls.some((c) => c.method === "deleteWebhook")).toBe(false);
  });

  it("asks for chat_member updates, and a stranger who joins the gated chat is removed", async () => {
    await strangerIsRemoved(h);
  });

  it("serves members through posted updates: buy with Stars, get in", async () => {
    await h.say(h.creator, `/gate ${LOUNGE} 1`);
    await buyAndJoin(h, alice);
    expect(h.fake.isMember(LOUNGE, alice.id)).toBe(true);
    expect((await h.db.prisma.order.findFirstOrThrow()).status).toBe("PAID");
  });

  it("refuses posts without the right secret token, and nothing happens", async () => {
    const update = {
      update_id: 999_999,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 3001, type: "private" },
        from: { id: 3001, is_bot: false, first_name: "Forger" },
        text: "/start",
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
      },
    };
    const forged: Record<string, string>[] = [
      {},
      { "x-telegram-bot-api-secret-token": "wrong-secret-of-enough-length" },
    ];
    for (const headers of forged) {
      const response = await fetch(`${h.httpAddress}/webhooks/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(update),
      });
      expect(response.status).toBe(401);
    }
    expect(await h.db.prisma.platformAccount.count({ where: { externalId: "3001" } })).toBe(0);
    expect(h.fake.textsTo(3001)).toEqual([]);
  });
});

describe("Lyceum mounted into a Telegraf bot", () => {
  let h: TelegramHarness;
  let alice: FakeUser;
  let bob: FakeUser;
  beforeAll(async () => {
    h = await createTelegramHarness("telegraf");
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    alice = h.fake.user(2001, "Alice", { language_code: "en" });
    bob = h.fake.user(2002, "Bob", { language_code: "zh" });
    h.fake.chat(LOUNGE, { title: "Paid Lounge" });
  });

  it("launched with ALLOWED_UPDATES it gets chat_member updates: a stranger who joins the gated chat is removed", async () => {
    await strangerIsRemoved(h);
  });

  it("the host bot keeps its own commands; Lyceum answers the rest", async () => {
    await h.say(alice, "/ping");
    expect(h.fake.textsTo(alice.id)).toEqual(["pong from the host bot"]);
    await h.say(alice, "/courses");
    expect(h.fake.transcript(alice.id)).toContain("Python for Data Analysis");
  });

  it("a member buys with Stars and is let in; a non-buyer is declined; a member cannot run creator commands", async () => {
    await h.say(h.creator, `/gate ${LOUNGE} 1`);
    await buyAndJoin(h, alice);
    expect(h.fake.isMember(LOUNGE, alice.id)).toBe(true);
    await h.settle(h.fake.requestJoin(bob, LOUNGE));
    expect(h.fake.isMember(LOUNGE, bob.id)).toBe(false);
    expect(h.fake.transcript(bob.id)).toMatch(/[\u4e00-\u9fff]/);
    await h.say(bob, "/confirm 1");
    expect(h.fake.textsTo(bob.id).at(-1)).toBe(messages("zh").errors.FORBIDDEN({}));
    expect(await h.db.prisma.payment.count()).toBe(1);
  });
});
