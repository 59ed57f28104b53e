/**
 * The Discord bot end to end: the real discord.js client talks HTTP and WebSocket to a local fake Discord
 * (test/fakes/discord); the real database, jobs, HTTP server (Stripe webhooks signed with the SDK's test helper),
 * Stripe fake and core run behind it. Members and the creator act the way they would in the Discord app.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleChatRequest } from "../../core/conversation/handle-request.js";
import { plainText } from "../../core/conversation/reply.js";
import { parseCommand } from "../../core/conversation/request.js";
import type { FakeUser, InteractionRecord } from "../fakes/discord/discord-fake.js";
import type { StripeEventJson } from "../fakes/stripe-fake.js";
import { createDiscordHarness, DISCORD_TOKEN, type DiscordHarness } from "../support/discord-harness.js";

const EPHEMERAL = 64;

/** What a member reads: the reply and its follow-ups, with Discord's markdown escapes removed. */
function text(record: InteractionRecord): string {
  return [record.content ?? "", ...record.followUps.map((f) => f.content)].join("\n").replace(/\\([^\w\s])/g, "$1");
}

function buttons(record: InteractionRecord): { custom_id?: string; url?: string; label?: string }[] {
  const rows = record.components as { components: { custom_id?: string; url?: string; label?: string }[] }[];
  return rows.flatMap((row) => row.components);
}

describe("Discord bot", () => {
  let d: DiscordHarness;
  beforeAll(async () => {
    d = await createDiscordHarness();
  });
  afterAll(() => d.close());

  const orderOf = (user: FakeUser) =>
    d.h.db.prisma.order.findFirstOrThrow({
      where: { member: { accounts: { some: { platform: "DISCORD", externalId: user.id } } } },
      orderBy: { id: "desc" },
    });
  const lastEvent = (type: string): StripeEventJson => {
    const event = [...d.h.stripe!.events].reverse().find((e) => e.type === type);
    if (!event) throw new Error(`no ${type} event`);
    return event;
  };
  async function deliver(event: StripeEventJson) {
    expect((await d.h.deliver(event)).status).toBe(200);
    await d.settle();
  }
  async function gate(name: string, products: string, position = 1) {
    const roleId = d.discord.addRole(name, position);
    const reply = await d.run(d.creator, "gate", { role: { role: roleId }, products });
    return { roleId, reply: text(reply) };
  }

  it("registers every command on the guild in English and Chinese, and answers /courses ephemerally", async () => {
    const names = d.discord.guildCommands.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(["courses", "buy", "mycourses", "link", "confirm", "gate", "Accept answer"]),
    );
    const buy = d.discord.guildCommands.find((c) => c.name === "buy")!;
    expect(buy.description_localizations).toMatchObject({ "zh-CN": expect.stringMatching(/[\u4e00-\u9fff]/) });
    expect(d.discord.guildCommands.find((c) => c.name === "confirm")!.default_member_permissions).not.toBeNull();

    const alice = d.member("Alice");
    const reply = await d.run(alice, "courses");
    expect(reply.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(reply)).toContain("Python for Data Analysis");
    expect(buttons(reply).map((b) => b.custom_id)).toContain("course 1");

    const chinese = await d.run(d.member("Li"), "courses", {}, "zh-CN");
    expect(text(chinese)).toMatch(/[\u4e00-\u9fff]/);
    expect(d.discord.requests.some((r) => r.status === 401)).toBe(false);
  });

  it("a member buys through a Stripe Checkout link and gets the role; a refund removes it", async () => {
    const { roleId, reply } = await gate("Python Club", "1");
    expect(reply).toContain("@Python Club now opens for: #1 Python for Data Analysis");
    const bob = d.member("Bob");

    const bought = await d.run(bob, "buy", { id: 1 });
    expect(bought.flags & EPHEMERAL).toBe(EPHEMERAL);
    const checkout = buttons(bought).find((b) => b.url);
    expect(checkout?.url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    const order = await orderOf(bob);
    expect(d.discord.hasRole(bob.id, roleId)).toBe(false);

    await deliver(d.h.stripe!.completeCheckout(order.checkoutRef!));
    expect(d.discord.hasRole(bob.id, roleId)).toBe(true);
    expect(d.discord.dmsTo(bob.id).join("\n")).toContain(`Payment received for order #${order.id}`);
    expect(text(await d.run(bob, "mycourses"))).toContain("Python for Data Analysis");

    const refund = await d.run(bob, "refund", { order: order.id, reason: "not for me" });
    expect(text(refund)).toMatch(/refund/i);
    const request = await d.h.db.prisma.refund.findFirstOrThrow({ where: { orderId: order.id } });
    // Stripe reports the refund at once: the role goes now, and Stripe's own event later changes nothing.
    expect(text(await d.run(d.creator, "approve", { request: request.id }))).toContain("refunded through Stripe");
    expect(d.discord.hasRole(bob.id, roleId)).toBe(false);
    await deliver(lastEvent("charge.refunded"));
    expect(d.discord.hasRole(bob.id, roleId)).toBe(false);
    expect((await d.h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("REFUNDED");
  });

  it("a role above the bot's gives the creator a precise alert, no 50013 and no crash; fixing it lets the member in", async () => {
    const { roleId, reply } = await gate("VIP", "2", 3);
    expect(reply).toContain("role @VIP is above my highest role @Lyceum: drag my role above it");
    const carol = d.member("Carol");
    await d.run(carol, "start");
    const granted = await d.run(d.creator, "grant", { member: "@carol", product: 2 });
    expect(text(granted)).toContain("Carol");

    expect(d.discord.hasRole(carol.id, roleId)).toBe(false);
    expect(d.discord.dmsTo(d.creator.id).join("\n")).toContain(
      "I could not change who is in @VIP: role @VIP is above my highest role @Lyceum: drag my role above it in Server Settings → Roles",
    );
    expect(d.discord.requests.filter((r) => r.status === 403)).toHaveLength(0);
    expect(text(await d.run(carol, "mycourses"))).toContain("Prompt Engineering Masterclass");

    d.discord.moveRole(roleId, 1);
    await d.settle();
    await d.bot.sync();
    await d.settle();
    expect(d.discord.hasRole(carol.id, roleId)).toBe(true);
  });

  it("roles follow entitlements both ways: hand edits are repaired, leaving and rejoining gives the role back", async () => {
    const { roleId } = await gate("Data Club", "3");
    const dan = d.member("Dan");
    await d.run(dan, "start");
    await d.run(d.creator, "grant", { member: "@dan", product: 3 });
    expect(d.discord.hasRole(dan.id, roleId)).toBe(true);

    d.discord.setRoles(dan.id, []); // a moderator removes it by hand
    await d.settle();
    expect(d.discord.hasRole(dan.id, roleId)).toBe(true);

    const eve = d.member("Eve");
    d.discord.setRoles(eve.id, [roleId]); // given by hand to someone who never paid
    await d.settle();
    expect(d.discord.hasRole(eve.id, roleId)).toBe(false);

    d.discord.removeMember(dan.id);
    await d.settle();
    d.discord.addMember(dan);
    await d.settle();
    expect(d.discord.hasRole(dan.id, roleId)).toBe(true);

    // Drift while the bot was away: the start-up comparison repairs it.
    const frank = d.discord.user("Frank");
    d.discord.members.set(frank.id, { ...d.discord.addMember(frank), roles: [roleId] });
    await d.settle();
    await d.bot.sync();
    await d.settle();
    expect(d.discord.hasRole(frank.id, roleId)).toBe(false);
  });

  it("a member linked with Telegram, who bought there, gets the Discord role and the same library", async () => {
    const { roleId } = await gate("Writers", "4");
    const telegram = async (line: string) => {
      const reply = await handleChatRequest(d.h.ctx, {
        user: {
          platform: "TELEGRAM",
          externalId: "777001",
          displayName: "Grace",
          username: "grace_tg",
          languageCode: "en",
        },
        chat: { id: "777001", kind: "private" },
        input: parseCommand(line)!,
      });
      await d.settle();
      return reply.messages.map((m) => plainText(m.text)).join("\n");
    };
    expect(await telegram("/buy 4")).toContain("Order #");
    const order = await d.h.db.prisma.order.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(text(await d.run(d.creator, "confirm", { order: order.id }))).toContain(`Order #${order.id} confirmed`);

    const code = /code: ([A-Z0-9]{8})/.exec(await telegram("/link"))?.[1];
    expect(code).toBeDefined();
    const grace = d.member("Grace");
    expect(d.discord.hasRole(grace.id, roleId)).toBe(false);
    expect(text(await d.run(grace, "link", { code: code! }))).toContain("Linked!");
    expect(d.discord.hasRole(grace.id, roleId)).toBe(true);
    expect(text(await d.run(grace, "mycourses"))).toContain("Live Q&A: Shipping Side Projects");
    const accounts = await d.h.db.prisma.platformAccount.findMany({
      where: { externalId: { in: ["777001", grace.id] } },
    });
    expect(new Set(accounts.map((a) => a.memberId)).size).toBe(1);

    // Single use: the same code again is refused.
    const other = d.member("Mallory");
    expect(text(await d.run(other, "link", { code: code! }))).toContain("not valid");
    expect(d.discord.hasRole(other.id, roleId)).toBe(false);
  });

  it("a forum post becomes a question; replies are answers; the asker accepts one and the post is tagged Solved", async () => {
    const asker = d.member("Hana");
    const helper = d.member("Ivan");
    const bystander = d.member("Judy");
    const threadId = d.discord.createForumPost(
      asker,
      d.forumId,
      "How do I group by two columns?",
      "In pandas, I mean.",
    );
    await d.settle();
    const question = await d.h.db.prisma.question.findFirstOrThrow({ where: { threadRef: `dc:${threadId}` } });
    expect(question).toMatchObject({
      title: "How do I group by two columns?",
      body: "In pandas, I mean.",
      status: "OPEN",
    });
    expect(
      d.discord.sent
        .filter((m) => m.channel_id === threadId)
        .map((m) => m.content)
        .join("\n"),
    ).toContain(`Question #${question.id} recorded`);

    const answerId = d.discord.post(helper, threadId, "df.groupby(['a', 'b'])");
    await d.settle();
    expect(await d.h.db.prisma.answer.count({ where: { questionId: question.id } })).toBe(1);

    const refused = await d.reply(d.discord.contextMenu(bystander, "Accept answer", answerId));
    expect(refused.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(refused)).toContain("Only the person who asked, or the creator");
    expect(d.discord.tagName(threadId)).toEqual([]);

    const notAnswer = await d.reply(d.discord.contextMenu(asker, "Accept answer", threadId));
    expect(text(notAnswer)).toContain("not an answer");

    const accepted = await d.reply(d.discord.contextMenu(asker, "Accept answer", answerId));
    expect(text(accepted)).toContain(`Answer accepted for question #${question.id}`);
    expect(d.discord.tagName(threadId)).toEqual(["Solved"]);
    const solved = await d.h.db.prisma.question.findUniqueOrThrow({ where: { id: question.id } });
    expect(solved.status).toBe("SOLVED");
    expect(solved.acceptedAnswerId).not.toBeNull();
  });

  it("a member cannot run creator commands, by slash command or by a forged button", async () => {
    const kim = d.member("Kim");
    const roleId = d.discord.addRole("Free Lunch", 1);
    const gates = await d.h.db.prisma.gate.count();
    const entitlements = await d.h.db.prisma.entitlement.count();

    expect(text(await d.run(kim, "gate", { role: { role: roleId }, products: "1" }))).toContain(
      "Only the creator can do that.",
    );
    expect(text(await d.run(kim, "grant", { member: "@kim", product: 1 }))).toContain("Only the creator can do that.");
    expect(text(await d.run(kim, "confirm"))).toContain("Only the creator can do that.");
    const forged = await d.reply(d.discord.press(kim, "grant @kim 1"));
    expect(forged.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(forged)).toContain("Only the creator can do that.");

    expect(await d.h.db.prisma.gate.count()).toBe(gates);
    expect(await d.h.db.prisma.entitlement.count()).toBe(entitlements);
    expect(d.discord.hasRole(kim.id, roleId)).toBe(false);
  });

  it("malformed interactions get an ephemeral, translated error and change nothing", async () => {
    const leo = d.member("Leo");
    const orders = await d.h.db.prisma.order.count();
    const unknown = await d.run(leo, "hack");
    expect(unknown.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(unknown)).toContain("I don't know /hack");

    const badId = await d.run(leo, "buy", { id: "abc" });
    expect(text(badId)).toContain("Usage: /buy <id> [coupon]");

    const garbage = await d.reply(d.discord.press(leo, "\u0000\u0001//"));
    expect(garbage.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(garbage)).toContain("That button is no longer valid");

    const strangeModal = await d.reply(d.discord.submitModal(leo, "something-else", { x: "1" }));
    expect(strangeModal.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(text(strangeModal)).toContain("That button is no longer valid");

    const unknownType = await d.reply(
      d.discord.interact(leo, {}, { type: 2, data: { id: "1", name: "buy", type: 4, guild_id: d.discord.guildId } }),
    );
    expect(unknownType.flags & EPHEMERAL).toBe(EPHEMERAL);
    expect(await d.h.db.prisma.order.count()).toBe(orders);
  });

  it("a member's /addcourse is refused before any form opens; the creator gets the form", async () => {
    const refused = await d.run(d.member("Iris"), "addcourse");
    expect(refused.modal).toBeFalsy();
    expect(text(refused)).toBe("Only the creator can do that.");
    const chinese = await d.run(d.member("Wen"), "addcourse", {}, "zh-CN");
    expect(chinese.modal).toBeFalsy();
    expect(text(chinese)).toMatch(/\p{Script=Han}/u);
    const form = await d.run(d.creator, "addcourse");
    expect(form.modal?.custom_id).toBeTruthy();
  });

  it("/addlesson opens a form on Discord (no DMs to ask in); its text keeps lines and bars; /done publishes", async () => {
    const refused = await d.run(d.member("Ines"), "addlesson", { args: "1" });
    expect(refused.modal).toBeFalsy();
    expect(text(refused)).toBe("Only the creator can do that.");
    const form = await d.run(d.creator, "addlesson", { args: "1" });
    expect(form.modal?.custom_id).toBe("lyceum:addlesson:1");
    const markdown = "## Pivot tables\n\nUse `df.pivot_table(index=a | b)` to reshape.\n\nSecond paragraph.";
    const saved = await d.reply(
      d.discord.submitModal(d.creator, form.modal!.custom_id, {
        titleEn: "Pivot tables",
        titleZh: "数据透视表",
        text: markdown,
      }),
    );
    expect(text(saved)).toContain("Pivot tables");
    const lesson = await d.h.db.prisma.lesson.findFirstOrThrow({ where: { productId: 1, titleEn: "Pivot tables" } });
    expect(lesson).toMatchObject({ titleZh: "数据透视表", contentEn: markdown, published: false });
    await d.run(d.creator, "done", {});
    expect((await d.h.db.prisma.lesson.findUniqueOrThrow({ where: { id: lesson.id } })).published).toBe(true);
  });

  it("the coupon button opens a modal whose code prices the order", async () => {
    const mia = d.member("Mia");
    const course = await d.run(mia, "course", { id: 1 });
    const coupon = buttons(course).find((b) => b.custom_id?.startsWith("lyceum:coupon:"));
    expect(coupon?.custom_id).toBe("lyceum:coupon:1");
    const modal = await d.reply(d.discord.press(mia, coupon!.custom_id!, undefined));
    expect(modal.modal?.title).toBe("Buy with a coupon");
    const bought = await d.reply(d.discord.submitModal(mia, modal.modal!.custom_id, { coupon: "WELCOME10" }));
    expect(text(bought)).toContain("$44.10");
  });

  it("a member with closed DMs gets the payment notice as an ephemeral follow-up; 429s are waited out and counted", async () => {
    const nora = d.member("Nora");
    d.discord.closedDms.add(nora.id);
    const bought = await d.run(nora, "buy", { id: 2 });
    const order = await orderOf(nora);
    await deliver(d.h.stripe!.completeCheckout(order.checkoutRef!));
    const followUps = d.discord.interactions.get(bought.id)!.followUps;
    expect(followUps.map((f) => f.content).join("\n")).toContain("your DMs are closed");
    expect(followUps.map((f) => f.content).join("\n")).toContain(`Payment received for order #${order.id}`);
    expect(followUps.every((f) => (f.flags & EPHEMERAL) === EPHEMERAL)).toBe(true);
    const account = await d.h.db.prisma.platformAccount.findFirstOrThrow({ where: { externalId: nora.id } });
    expect(account.unreachableSince).toBeNull();

    // Ning chose Chinese in the bot although her Discord is in English: the note and the notice are in Chinese.
    const ning = d.member("Ning");
    await d.run(ning, "language", { language: "zh" });
    d.discord.closedDms.add(ning.id);
    const hers = await d.run(ning, "buy", { id: 2 }, "en-US");
    await deliver(d.h.stripe!.completeCheckout((await orderOf(ning)).checkoutRef!));
    const note = d.discord.interactions
      .get(hers.id)!
      .followUps.map((f) => f.content)
      .join("\n");
    expect(note).toContain("无法给你发私信");
    expect(note).not.toContain("your DMs are closed");

    // Otto's DMs are open: his notice meets a 429 first, which the REST queue waits out.
    const otto = d.member("Otto");
    await d.run(otto, "buy", { id: 2 });
    d.discord.rateLimitNext("POST", /^\/api\/v10\/channels\/\d+\/messages$/, 1);
    const before = d.bot.stats().rateLimited;
    await deliver(d.h.stripe!.completeCheckout((await orderOf(otto)).checkoutRef!));
    expect(d.discord.dmsTo(otto.id).join("\n")).toContain("Payment received");
    expect(d.bot.stats().rateLimited).toBeGreaterThan(before);
    expect(d.discord.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
  });

  it("the sweep takes a paid role from every holder without access, strangers included; administrators keep it", async () => {
    const { roleId } = await gate("Insiders", "1");
    const adminRole = d.discord.addRole("Server Admins", 1, { administrator: true });
    const ivy = d.member("Ivy");
    await d.run(ivy, "start");
    await d.run(d.creator, "grant", { member: "@ivy", product: 1 });
    expect(d.discord.hasRole(ivy.id, roleId)).toBe(true);
    const zed = d.discord.user("Zed"); // never wrote to the bot
    d.discord.addMember(zed);
    const yan = d.member("Yan"); // known, never paid
    await d.run(yan, "start");
    const ada = d.member("Ada");
    d.discord.setRoles(ada.id, [adminRole]);
    await d.settle();
    // While the bot was away (no events): the paid role given by hand to all three.
    for (const user of [zed, yan, ada]) d.discord.members.get(user.id)!.roles.push(roleId);

    await d.h.sweep();
    await d.settle();
    expect(d.discord.hasRole(zed.id, roleId)).toBe(false);
    expect(d.discord.hasRole(yan.id, roleId)).toBe(false);
    expect(d.discord.hasRole(ada.id, roleId)).toBe(true);
    expect(d.discord.hasRole(ivy.id, roleId)).toBe(true);
    const intrusions = await d.h.db.prisma.gateIntrusion.findMany({
      where: { gate: { externalId: roleId } },
      include: { account: true },
      orderBy: { id: "asc" },
    });
    expect(intrusions.map((i) => [i.account.externalId, i.unknownAccount, i.removedAt !== null]).sort()).toEqual(
      [
        [zed.id, true, true],
        [yan.id, false, true],
      ].sort(),
    );
    const alerts = d.discord
      .dmsTo(d.creator.id)
      .map((dm) => dm.replace(/\\([^\w\s])/g, "$1"))
      .filter((dm) => dm.includes("🚫") && dm.includes("@Insiders"));
    expect(alerts).toHaveLength(1);
  });

  it("/gate on a role people already hold asks first; Keep keeps them, Remove takes it from them", async () => {
    const adminRole = d.discord.addRole("Staff Admins", 1, { administrator: true });
    const oldGuard = d.discord.addRole("Old Guard", 1);
    const veterans = d.discord.addRole("Veterans", 1);
    const paul = d.member("Paul"); // never wrote to the bot
    const quinn = d.member("Quinn");
    await d.run(quinn, "start");
    const rhea = d.member("Rhea"); // runs the server
    // Given before either role was a paid one.
    d.discord.setRoles(paul.id, [oldGuard, veterans]);
    d.discord.setRoles(quinn.id, [oldGuard, veterans]);
    d.discord.setRoles(rhea.id, [adminRole, oldGuard, veterans]);
    await d.settle();
    const holders = [paul, quinn, rhea];

    const asked = await d.run(d.creator, "gate", { role: { role: oldGuard }, products: "1" });
    expect(text(asked)).toContain("Old Guard");
    expect(text(asked)).toContain("is already held by 2 people without an entitlement");
    expect(buttons(asked).map((b) => b.label)).toEqual(["Remove those without access", "Keep them"]);
    await d.h.sweep(); // nothing changes before the creator chooses
    await d.settle();
    expect(holders.every((u) => d.discord.hasRole(u.id, oldGuard))).toBe(true);

    const keep = buttons(asked).find((b) => b.label === "Keep them")!;
    const kept = await d.reply(d.discord.press(d.creator, keep.custom_id!, asked.id));
    expect(text(kept)).toContain("Kept 2 people already inside without an entitlement");
    await d.h.sweep();
    await d.settle();
    expect(holders.every((u) => d.discord.hasRole(u.id, oldGuard))).toBe(true);
    const sam = d.member("Sam"); // someone given it later is not "already inside"
    d.discord.setRoles(sam.id, [oldGuard]);
    await d.settle();
    expect(d.discord.hasRole(sam.id, oldGuard)).toBe(false);

    const askedAgain = await d.run(d.creator, "gate", { role: { role: veterans }, products: "1" });
    const remove = buttons(askedAgain).find((b) => b.label === "Remove those without access")!;
    const removed = await d.reply(d.discord.press(d.creator, remove.custom_id!, askedAgain.id));
    expect(text(removed)).toContain("removed 2");
    expect(d.discord.hasRole(paul.id, veterans)).toBe(false);
    expect(d.discord.hasRole(quinn.id, veterans)).toBe(false);
    expect(d.discord.hasRole(rhea.id, veterans)).toBe(true);
    expect(d.discord.hasRole(paul.id, oldGuard)).toBe(true);
  });

  it("never puts the bot token in a reply or a DM", () => {
    const everything = JSON.stringify([...d.discord.interactions.values(), d.discord.sent]);
    expect(everything).not.toContain(DISCORD_TOKEN);
  });
});
