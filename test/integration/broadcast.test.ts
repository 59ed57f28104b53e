/**
 * Broadcasts as the creator runs them in chat, on the in-process driver against a real database: preview and count,
 * confirm, exactly one message per reachable recipient, blocked members, 429s, pause/resume/cancel, opt-out, quiet
 * hours, and who may broadcast at all.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cancelBroadcast } from "../../core/messaging/cancel-broadcast.js";
import { confirmBroadcast } from "../../core/messaging/confirm-broadcast.js";
import { pauseBroadcast } from "../../core/messaging/pause-broadcast.js";
import { MESSAGING_SWEEP_JOB } from "../../jobs/definitions.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

const MEMBERS = ["ann", "ben", "cat", "dov", "eve", "fox"];
const ANNOUNCEMENT = "Live Q&A tonight";

describe("broadcasts", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    for (const name of [CREATOR, ...MEMBERS]) await h.say(name, "/start");
    h.gateway.sent.length = 0;
  });

  const received = (user: string) => h.gateway.messagesTo(user).filter((t) => t.includes(ANNOUNCEMENT));
  const sweep = async () => {
    await h.jobs.enqueue(MESSAGING_SWEEP_JOB, {});
    await h.jobs.idle();
  };

  it("preview shows the count; confirming sends exactly one to each reachable member and reports the tally", async () => {
    h.gateway.blocked.add("fox");
    await h.say("eve", "/optout");
    const preview = await h.sayReply(CREATOR, `/broadcast ${ANNOUNCEMENT}`);
    const previewText = preview.messages[0]!.text;
    // Everyone but eve (opted out): the creator and five members.
    expect(previewText).toContain("6 recipient(s)");
    const send = preview.messages[0]!.buttons!.flat().find((b) => "action" in b && b.action.endsWith("send"));
    expect(send).toBeDefined();
    expect(await h.press(CREATOR, (send as { action: string }).action)).toContain("on its way to 6");
    // A second confirm (double click) queues nothing more.
    expect(await h.say(CREATOR, "/broadcast 1 send")).toContain("Broadcast #1 is done; that can't be done now");

    for (const name of ["ann", "ben", "cat", "dov", CREATOR]) expect(received(name), name).toHaveLength(1);
    expect(received("eve")).toHaveLength(0);
    expect(received("fox")).toHaveLength(0);
    expect(await h.db.prisma.delivery.count()).toBe(6);
    const fox = await h.db.prisma.platformAccount.findFirstOrThrow({ where: { externalId: "fox" } });
    expect(fox.unreachableSince).not.toBeNull();
    expect((await h.db.prisma.broadcast.findUniqueOrThrow({ where: { id: 1 } })).status).toBe("DONE");
    const tally = h.gateway.messagesTo(CREATOR).find((t) => t.startsWith("📣"));
    expect(tally).toContain("sent 5 of 6");
    expect(tally).toContain("unreachable 1");
    expect(await h.say(CREATOR, "/broadcast 1 status")).toContain("Sent 5 of 6");
  });

  it("a segment narrows the audience: by language, by product ownership", async () => {
    await h.say("ann", "/language zh");
    await h.say("ben", "/language zh");
    await h.say(CREATOR, `/broadcast ${ANNOUNCEMENT}`);
    expect(await h.say(CREATOR, "/broadcast 1 to language zh")).toContain("2 recipient(s)");
    expect(await h.say(CREATOR, "/broadcast 1 to nonsense")).toContain("I don't know that audience");
    await h.say("cat", "/buy 1");
    await h.say(CREATOR, "/confirm 1");
    expect(await h.say(CREATOR, "/broadcast 1 to product 1")).toContain("1 recipient(s)");
    await h.say(CREATOR, "/broadcast 1 send");
    expect(received("cat")).toHaveLength(1);
    expect(received("ann")).toHaveLength(0);
  });

  it("Chinese readers get the footer in Chinese", async () => {
    await h.say("ann", "/language zh");
    await h.say(CREATOR, `/broadcast ${ANNOUNCEMENT}`);
    await h.say(CREATOR, "/broadcast 1 send");
    expect(received("ann")[0]).toContain("不再接收公告");
    expect(received("ben")[0]).toContain("/optout stops announcements");
  });

  it("a 429 pauses the platform for retry_after and the message still goes exactly once", async () => {
    h.gateway.rateLimited.next = 3;
    await h.say(CREATOR, `/broadcast ${ANNOUNCEMENT}`);
    await h.say(CREATOR, "/broadcast 1 send");
    expect(h.gateway.rateLimitAnswers).toBe(3);
    for (const name of MEMBERS) expect(received(name), name).toHaveLength(1);
    expect(await h.db.prisma.delivery.count({ where: { status: "SENT" } })).toBe(7);
  });

  it("pause stops it mid-way, resume finishes it without repeats, cancel stops the rest for good", async () => {
    await h.say(CREATOR, `/broadcast ${ANNOUNCEMENT}`);
    const creator = await h.memberId(CREATOR);
    let sends = 0;
    h.gateway.beforeSend = async () => {
      sends += 1;
      if (sends === 3) await pauseBroadcast(h.ctx, { staffMemberId: creator, broadcastId: 1 });
    };
    await h.say(CREATOR, "/broadcast 1 send");
    const sentWhilePaused = await h.db.prisma.delivery.count({ where: { status: "SENT" } });
    expect(sentWhilePaused).toBe(3);
    expect(await h.say(CREATOR, "/broadcast 1 status")).toContain("paused");
    await sweep();
    expect(await h.db.prisma.delivery.count({ where: { status: "SENT" } })).toBe(3);

    expect(await h.say(CREATOR, "/broadcast 1 resume")).toContain("resumed");
    for (const name of [CREATOR, ...MEMBERS]) expect(received(name), name).toHaveLength(1);

    // A second broadcast, canceled after two messages.
    h.gateway.sent.length = 0;
    sends = 0;
    h.gateway.beforeSend = async () => {
      sends += 1;
      // The use case the /broadcast 2 cancel command calls (the chat helper would wait for this very job).
      if (sends === 2) await cancelBroadcast(h.ctx, { staffMemberId: creator, broadcastId: 2 });
    };
    await h.say(CREATOR, `/broadcast ${ANNOUNCEMENT} again`);
    await h.say(CREATOR, "/broadcast 2 send");
    await sweep();
    const statuses = await h.db.prisma.delivery.groupBy({
      by: ["status"],
      where: { broadcastId: 2 },
      _count: { _all: true },
    });
    expect(Object.fromEntries(statuses.map((s) => [s.status, s._count._all]))).toEqual({ SENT: 2, CANCELED: 5 });
    expect(h.gateway.sent.filter((s) => s.text.includes("again"))).toHaveLength(2);
    expect(await h.say(CREATOR, "/broadcast 2 resume")).toContain("canceled");
  });

  it("quiet hours hold a non-urgent message until they end; an urgent one goes at once", async () => {
    const hour = h.clock.now().getUTCHours();
    await h.say("ann", `/quiet ${hour} ${(hour + 2) % 24} UTC`);
    await h.say(CREATOR, `/broadcast ${ANNOUNCEMENT}`);
    await h.say(CREATOR, "/broadcast 1 send");
    expect(received("ann")).toHaveLength(0);
    expect(received("ben")).toHaveLength(1);
    const held = await h.db.prisma.delivery.findFirstOrThrow({ where: { member: { displayName: "ann" } } });
    expect(held.status).toBe("PENDING");
    expect(held.notBefore.getTime()).toBeGreaterThan(h.clock.now().getTime());

    await h.say(CREATOR, "/broadcast urgent Server maintenance at noon");
    await h.say(CREATOR, "/broadcast 2 send");
    expect(h.gateway.messagesTo("ann").filter((t) => t.includes("maintenance"))).toHaveLength(1);

    h.clock.advanceDays(3 / 24);
    await sweep();
    expect(received("ann")).toHaveLength(1);
    expect((await h.db.prisma.broadcast.findUniqueOrThrow({ where: { id: 1 } })).status).toBe("DONE");
  });

  it("members manage their own settings, and bad input changes nothing", async () => {
    expect(await h.say("ann", "/quiet 25 7")).toContain("Usage: /quiet");
    expect(await h.say("ann", "/timezone Mars/Olympus")).toContain("Usage: /timezone");
    expect(await h.say("ann", "/optout everything-else")).toContain("Usage: /optout");
    const before = await h.db.prisma.member.findUniqueOrThrow({ where: { id: await h.memberId("ann") } });
    expect(before).toMatchObject({ quietHoursStart: null, timeZone: "UTC", announcementsOptOut: false });
    expect(await h.say("ann", "/quiet 22 7 Asia/Shanghai")).toContain("22:00–7:00 (Asia/Shanghai)");
    expect(await h.say("ann", "/optout recommendations")).toContain("no longer get recommendations");
    const settings = await h.say("ann", "/settings");
    expect(settings).toContain("Recommendations and offers: off");
    expect(settings).toContain("Announcements: on");
    expect(settings).toContain("22:00–7:00");
    expect(await h.say("ann", "/optin recommendations")).toContain("again");
  });

  it("a member cannot start, send or control a broadcast, by command, button or use case", async () => {
    expect(await h.say("ann", `/broadcast ${ANNOUNCEMENT}`)).toBe("Only the creator can do that.");
    await h.say(CREATOR, `/broadcast ${ANNOUNCEMENT}`);
    expect(await h.press("ann", "broadcast 1 send")).toBe("Only the creator can do that.");
    expect(await h.say("ann", "/broadcast 1 cancel")).toBe("Only the creator can do that.");
    await expect(
      confirmBroadcast(h.ctx, { staffMemberId: await h.memberId("ann"), broadcastId: 1 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await h.db.prisma.delivery.count()).toBe(0);
    expect(await h.db.prisma.broadcast.count()).toBe(1);
    expect((await h.db.prisma.broadcast.findUniqueOrThrow({ where: { id: 1 } })).status).toBe("DRAFT");
  });

  it("an empty or overlong announcement is refused with a reason", async () => {
    expect(await h.say(CREATOR, "/broadcast urgent")).toContain("Write the announcement");
    expect(await h.say(CREATOR, `/broadcast ${"x".repeat(3501)}`)).toContain("at most 3500");
    expect(await h.db.prisma.broadcast.count()).toBe(0);
  });
});
