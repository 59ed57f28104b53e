/**
 * /mydata and /erase on Telegram end to end: the real grammY client against the local fake Bot API. The export
 * arrives as a document upload (sendDocument, multipart) holding only the member's own rows; /erase is confirmed with
 * two button presses, removes the member from the paid chat, and the same Telegram user writing again is a new
 * member. /paysupport and /terms answer in both languages, as Telegram requires of Stars sellers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MemberExport } from "../../core/identity/export-member-data.js";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";

const LOUNGE = -1001;

describe("privacy on Telegram", () => {
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
    bob = h.fake.user(2002, "Bob", { username: "bobby", language_code: "zh" });
    h.fake.chat(LOUNGE, { title: "Paid Lounge" });
  });

  /** The callback data of the last button the bot sent to `user`. */
  function lastButton(user: FakeUser): string {
    const call = h.fake.callsOf("sendMessage").findLast((c) => Number(c.chat_id) === user.id && c.reply_markup);
    const keyboard = (call?.reply_markup as { inline_keyboard: { callback_data?: string }[][] } | undefined)
      ?.inline_keyboard;
    const data = keyboard?.flat().find((b) => b.callback_data)?.callback_data;
    if (!data) throw new Error("no button was sent");
    return data;
  }
  const lastText = (user: FakeUser) => h.fake.textsTo(user.id).at(-1) ?? "";

  it("/mydata arrives as a JSON document with the member's own data only", async () => {
    await h.say(alice, "/start");
    await h.say(bob, "/start");
    await h.say(alice, "/mydata");
    const sent = h.fake.callsOf("sendDocument").findLast((c) => Number(c.chat_id) === alice.id);
    expect(sent?.document).toMatchObject({ upload: expect.stringMatching(/^lyceum-data-\d+-.*\.json$/) });
    const file = [...h.fake.files.values()].find((f) => f.fileName.startsWith("lyceum-data-"));
    const data = JSON.parse(file!.bytes.toString("utf8")) as MemberExport;
    expect(data.member.id).toBe(await h.memberIdOf(alice));
    expect(data.accounts).toEqual([expect.objectContaining({ platform: "TELEGRAM", externalId: "2001" })]);
    expect(file!.bytes.toString("utf8")).not.toContain("bobby");
    expect(file!.bytes.toString("utf8")).not.toContain("2002");
  });

  it("/erase takes two presses, removes the member from the paid chat, and a returning user is new", async () => {
    await h.say(h.creator, `/gate ${LOUNGE} 1`);
    await h.say(alice, "/start");
    const aliceId = await h.memberIdOf(alice);
    await h.say(h.creator, `/grant ${aliceId} 1`);
    expect(await h.db.prisma.entitlement.count({ where: { memberId: aliceId, revokedAt: null } })).toBe(1);
    h.fake.join(alice, LOUNGE);
    await h.settle();
    expect(h.fake.isMember(LOUNGE, alice.id)).toBe(true);

    await h.say(alice, "/erase");
    expect(lastText(alice)).toContain("Erase your data");
    await h.press(alice, lastButton(alice));
    expect(lastText(alice)).toContain("Are you sure?");
    expect((await h.db.prisma.member.findUniqueOrThrow({ where: { id: aliceId } })).erasedAt).toBeNull();
    await h.press(alice, lastButton(alice));
    expect(lastText(alice)).toContain("Your data has been erased");

    const member = await h.db.prisma.member.findUniqueOrThrow({ where: { id: aliceId } });
    expect(member.displayName).toBe("erased member");
    expect(await h.db.prisma.platformAccount.count({ where: { memberId: aliceId } })).toBe(0);
    expect(h.fake.isMember(LOUNGE, alice.id)).toBe(false);

    await h.say(alice, "/start");
    expect(await h.memberIdOf(alice)).not.toBe(aliceId);
  });

  it("/paysupport and /terms answer in English and Chinese", async () => {
    await h.say(alice, "/paysupport");
    expect(lastText(alice)).toContain("Payment support");
    await h.say(alice, "/terms");
    expect(lastText(alice)).toContain("Terms of sale");
    await h.say(bob, "/paysupport");
    expect(lastText(bob)).toContain("付款帮助");
    await h.say(bob, "/terms");
    expect(lastText(bob)).toContain("销售条款");
  });
});
