/**
 * Drip notices and live sessions, driven as members and the creator drive them (commands and buttons through the
 * router every adapter uses) with the real messaging sweep and sender: a lesson opening is told once, only to those
 * who hold the course; live sessions remind owners the day before and 15 minutes before in their own zone and
 * language, hand the join link only to owners at the moment they ask, and the replay afterwards.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Button, Reply } from "../../core/conversation/reply.js";
import { formatDateTime } from "../../core/i18n/index.js";
import { announceReleasedLessons } from "../../core/learning/announce-released-lessons.js";
import { flushActivity } from "../../core/learning/record-activity.js";
import { remindLiveSessions } from "../../core/learning/remind-live-sessions.js";
import { EXPIRED_NOTICE, NO_LONGER_ENTITLED } from "../../core/messaging/delivery-still-wanted.js";
import { MESSAGING_SWEEP_JOB } from "../../jobs/definitions.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const JOIN_URL = "https://meet.example/room-7f3a";
const REPLAY_URL = "https://video.example/replay-7f3a";

describe("drip notices and live sessions", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await flushActivity(h.ctx);
    await h.reset();
    h.gateway.replies.length = 0;
  });

  const sweep = async () => {
    await h.jobs.enqueue(MESSAGING_SWEEP_JOB, { reminderDays: 3 });
    await h.jobs.idle();
  };
  /** Moves the test clock to an exact moment. */
  const setClock = (at: Date) => h.clock.advanceDays((at.getTime() - h.clock.now().getTime()) / 86_400_000);
  const messagesTo = (user: string, pattern: RegExp) => h.gateway.messagesTo(user).filter((t) => pattern.test(t));
  const repliesTo = (user: string, pattern: RegExp) =>
    h.gateway.replies.filter((r) => r.to === user && r.reply.messages.some((m) => pattern.test(m.text)));
  const buttons = (reply: Reply): Button[] => reply.messages.flatMap((m) => (m.buttons ?? []).flat());
  const urls = (reply: Reply) => buttons(reply).flatMap((b) => ("url" in b ? [b.url] : []));
  const actions = (reply: Reply) => buttons(reply).flatMap((b) => ("action" in b ? [b.action] : []));

  async function buy(user: string, productId: number): Promise<number> {
    const ordered = await h.say(user, `/buy ${productId}`);
    const order = Number(/#(\d+)/.exec(ordered)?.[1]);
    expect(await h.say(CREATOR, `/confirm ${order}`)).toContain(`#${order}`);
    return order;
  }
  async function refund(user: string, order: number): Promise<void> {
    await h.say(user, `/refund ${order} not for me`);
    const request = await h.db.prisma.refund.findFirstOrThrow({ where: { orderId: order } });
    await h.say(CREATOR, `/approve ${request.id}`);
  }

  // --- Drip

  /** A course releasing a lesson every 2 days; its third position is a draft, so members count three lessons. */
  async function dripCourse(): Promise<number> {
    const course = await h.db.prisma.product.create({
      data: {
        kind: "COURSE",
        slug: "drip-notices",
        titleEn: "Drip Notices",
        titleZh: "定时通知课",
        dripDays: 2,
        offers: { create: { amount: 1000, currency: "usd" } },
        lessons: {
          create: [1, 2, 3, 4].map((n) => ({
            position: n,
            slug: `0${n}-drip`,
            titleEn: `Drip ${n}`,
            titleZh: `定时 ${n}`,
            contentEn: `Drip lesson ${n}`,
            published: n !== 3,
          })),
        },
      },
    });
    return course.id;
  }

  it("tells a buyer once when lesson 2 opens, d days after the purchase and not before; never lesson 1 or a draft", async () => {
    const course = await dripCourse();
    await buy("dana", course);
    await sweep();
    h.clock.advanceDays(1.99);
    await sweep();
    expect(messagesTo("dana", /is open for you/)).toHaveLength(0);

    h.clock.advanceDays(0.02);
    // Two sweeps at once (two workers) and a third call: one row, one message.
    await Promise.all([sweep(), sweep(), announceReleasedLessons(h.ctx)]);
    await sweep();
    const notices = repliesTo("dana", /is open for you/);
    expect(notices).toHaveLength(1);
    expect(h.gateway.messagesTo("dana")).toContain("🔓 Lesson 2 of Drip Notices is open for you: Drip 2.");
    expect(actions(notices[0]!.reply)).toEqual([`lesson ${course} 2`]);
    // The button opens it now (and lesson 3, the fourth position, is still closed).
    expect(await h.press("dana", `lesson ${course} 2`)).toContain("Lesson 2/3: Drip 2");
    expect(await h.press("dana", `lesson ${course} 3`)).toContain("opens on");

    // Two days later, the member's third lesson (after the draft); the draft is never announced.
    h.clock.advanceDays(2);
    await sweep();
    expect(messagesTo("dana", /is open for you/)).toEqual([
      "🔓 Lesson 2 of Drip Notices is open for you: Drip 2.",
      "🔓 Lesson 3 of Drip Notices is open for you: Drip 4.",
    ]);
    const keys = await h.db.prisma.delivery.findMany({ where: { kind: "NOTIFICATION" }, select: { dedupeKey: true } });
    expect(keys).toHaveLength(2);
  });

  it("says nothing to a refunded member, and drops a notice queued before a refund (held by quiet hours)", async () => {
    const course = await dripCourse();
    const refunded = await buy("ron", course);
    await refund("ron", refunded);

    // Quiet hours around the release, in her zone: the notice waits in the database, then she is refunded.
    const order = await buy("quinn", course);
    h.clock.advanceDays(2.01);
    const hour = h.clock.now().getUTCHours();
    await h.say("quinn", `/quiet ${hour} ${(hour + 3) % 24} UTC`);
    await sweep();
    const held = await h.db.prisma.delivery.findFirstOrThrow({ where: { memberId: await h.memberId("quinn") } });
    expect(held.status).toBe("PENDING");
    await refund("quinn", order);
    h.clock.advanceDays(4 / 24);
    await sweep();

    expect(messagesTo("ron", /is open for you/)).toHaveLength(0);
    expect(await h.db.prisma.delivery.count({ where: { memberId: await h.memberId("ron") } })).toBe(0);
    expect(messagesTo("quinn", /is open for you/)).toHaveLength(0);
    const dropped = await h.db.prisma.delivery.findUniqueOrThrow({ where: { id: held.id } });
    expect(dropped).toMatchObject({ status: "SKIPPED", lastError: NO_LONGER_ENTITLED, sentAt: null });
  });

  // --- Live sessions

  /** The demo live session, moved to start on a whole hour two days from now, with a join and a replay link. */
  async function liveSession(): Promise<{ id: number; start: Date; end: Date }> {
    const live = await h.db.prisma.product.findFirstOrThrow({ where: { kind: "LIVE_SESSION" } });
    const start = new Date(Math.ceil(h.clock.now().getTime() / HOUR) * HOUR + 48 * HOUR);
    await h.db.prisma.product.update({
      where: { id: live.id },
      data: { startsAt: start, durationMin: 60, joinUrl: JOIN_URL, replayUrl: REPLAY_URL },
    });
    return { id: live.id, start, end: new Date(start.getTime() + 60 * MINUTE) };
  }

  it("reminds owners 24 h and 15 min before, once each, in their zone and language; never a non-owner", async () => {
    const live = await liveSession();
    await h.say("lin", "/start", "zh");
    await h.say("lin", "/timezone Asia/Shanghai");
    await buy("lin", live.id);
    await h.say("uma", "/start");
    await h.say(CREATOR, `/grant @uma ${live.id}`);
    await h.say("nick", "/start");
    const bundled = await h.db.prisma.product.create({
      data: { kind: "BUNDLE", slug: "live-bundle", titleEn: "Live Bundle", titleZh: "直播套餐" },
    });
    await h.db.prisma.bundleItem.create({ data: { bundleId: bundled.id, productId: live.id } });
    await h.say("bea", "/start");
    await h.say(CREATOR, `/grant @bea ${bundled.id}`);
    // Payment and access notices so far are not reminders.
    h.gateway.sent.length = 0;
    h.gateway.replies.length = 0;

    await sweep();
    setClock(new Date(live.start.getTime() - 24 * HOUR - MINUTE));
    await sweep();
    expect(h.gateway.replies).toHaveLength(0);

    setClock(new Date(live.start.getTime() - 24 * HOUR + MINUTE));
    await Promise.all([sweep(), sweep(), remindLiveSessions(h.ctx)]);
    await sweep();
    h.clock.advanceDays(3 / 24);
    await sweep();
    const shanghai = formatDateTime("zh", live.start, "Asia/Shanghai");
    const utc = formatDateTime("en", live.start, "UTC");
    expect(shanghai).toContain("GMT+8");
    expect(shanghai).not.toBe(formatDateTime("zh", live.start, "UTC"));
    expect(h.gateway.messagesTo("lin")).toEqual([
      `⏰ 提醒：直播答疑：如何把个人项目做完 将于 ${shanghai} 开始。进入链接届时会发到这里。`,
    ]);
    expect(h.gateway.messagesTo("uma")).toEqual([
      `⏰ Reminder: Live Q&A: Shipping Side Projects starts ${utc}. I will send you the join link here.`,
    ]);
    expect(messagesTo("bea", /Reminder/)).toHaveLength(1);
    expect(h.gateway.messagesTo("nick")).toHaveLength(0);

    setClock(new Date(live.start.getTime() - 16 * MINUTE));
    await sweep();
    expect(messagesTo("uma", /starts in 15 minutes/)).toHaveLength(0);
    setClock(new Date(live.start.getTime() - 14 * MINUTE));
    await Promise.all([sweep(), sweep()]);
    setClock(new Date(live.start.getTime() - 5 * MINUTE));
    await sweep();
    const soon = repliesTo("uma", /starts in 15 minutes/);
    expect(soon).toHaveLength(1);
    expect(soon[0]!.reply.messages[0]!.text).toContain(utc);
    expect(actions(soon[0]!.reply)).toEqual([`join ${live.id}`]);
    expect(repliesTo("lin", /15 分钟后/)).toHaveLength(1);
    expect(h.gateway.messagesTo("nick")).toHaveLength(0);
    // No message ever carried the link itself: it is handed out by `join`, to an owner, when pressed.
    expect(h.gateway.replies.flatMap((r) => urls(r.reply))).toEqual([]);
    expect(JSON.stringify(h.gateway.replies)).not.toContain(JOIN_URL);
  });

  it("join hands the link only to owners, from 15 minutes before; starting notice, then the replay after the end", async () => {
    const live = await liveSession();
    await h.say("uma", "/start");
    await h.say(CREATOR, `/grant @uma ${live.id}`);
    await h.say("vic", "/start");
    await h.say(CREATOR, `/grant @vic ${live.id}`);
    await h.say("nick", "/start");
    const memberUma = await h.memberId("uma");

    // Too early: the start in her zone, no link.
    setClock(new Date(live.start.getTime() - 2 * HOUR));
    const early = await h.sayReply("uma", `/join ${live.id}`);
    expect(JSON.stringify(early)).not.toContain(JOIN_URL);
    expect(early.messages[0]!.text).toContain(`starts ${formatDateTime("en", live.start, "UTC")}`);

    setClock(new Date(live.start.getTime() + MINUTE));
    await Promise.all([sweep(), sweep()]);
    const started = repliesTo("uma", /is starting now/);
    expect(started).toHaveLength(1);
    expect(actions(started[0]!.reply)).toEqual([`join ${live.id}`]);
    expect(h.gateway.messagesTo("nick")).toHaveLength(0);

    // A non-owner typing the command (or a forwarded button) gets a refusal and never the link.
    const refused = await h.sayReply("nick", `/join ${live.id}`);
    expect(refused.messages[0]!.text).toContain("is for members who bought it");
    expect(JSON.stringify(refused)).not.toContain(JOIN_URL);
    expect(actions(refused)).toEqual([`buy ${live.id}`]);
    const pressed = await h.press("nick", `join ${live.id}`);
    expect(pressed).toContain("is for members who bought it");
    expect(pressed).not.toContain(JOIN_URL);
    const page = await h.sayReply("nick", `/course ${live.id}`);
    expect(JSON.stringify(page)).not.toContain(JOIN_URL);
    expect(actions(page)).not.toContain(`join ${live.id}`);

    // The owner's page has Join; pressing it gives the link and records live_joined.
    const ownerPage = await h.sayReply("uma", `/course ${live.id}`);
    expect(actions(ownerPage)).toContain(`join ${live.id}`);
    const joined = await h.sayReply("uma", `/join ${live.id}`);
    expect(urls(joined)).toEqual([JOIN_URL]);
    await flushActivity(h.ctx);
    expect(
      await h.db.prisma.activityEvent.count({
        where: { kind: "live_joined", memberId: memberUma, productId: live.id },
      }),
    ).toBe(1);
    expect(await h.db.prisma.activityEvent.count({ where: { kind: "live_joined" } })).toBe(1);

    // Revoked mid-session: the link is refused at the moment of asking.
    await h.say(CREATOR, `/revoke @vic ${live.id}`);
    expect(JSON.stringify(await h.sayReply("vic", `/join ${live.id}`))).not.toContain(JOIN_URL);

    // After the end: the replay link to owners only (not to vic, revoked), once; the owner's page shows Replay.
    setClock(new Date(live.end.getTime() + MINUTE));
    await Promise.all([sweep(), sweep()]);
    await sweep();
    const replays = repliesTo("uma", /replay of/);
    expect(replays).toHaveLength(1);
    expect(urls(replays[0]!.reply)).toEqual([REPLAY_URL]);
    expect(messagesTo("vic", /replay of/)).toHaveLength(0);
    expect(messagesTo("nick", /replay of/)).toHaveLength(0);
    expect(urls(await h.sayReply("uma", `/course ${live.id}`))).toEqual([REPLAY_URL]);
    expect(JSON.stringify(await h.sayReply("nick", `/course ${live.id}`))).not.toContain(REPLAY_URL);
    const afterwards = await h.sayReply("uma", `/join ${live.id}`);
    expect(afterwards.messages[0]!.text).toContain("has ended");
    expect(urls(afterwards)).toEqual([REPLAY_URL]);
  });

  it("a reminder held by quiet hours past its moment is dropped, not sent late", async () => {
    const live = await liveSession();
    const hour = live.start.getUTCHours();
    await h.say("kim", "/start");
    await h.say("kim", `/quiet ${(hour + 23) % 24} ${(hour + 3) % 24} UTC`);
    await h.say(CREATOR, `/grant @kim ${live.id}`);

    for (const at of [-14 * MINUTE, MINUTE, 61 * MINUTE]) {
      setClock(new Date(live.start.getTime() + at));
      await sweep();
    }
    expect(messagesTo("kim", /15 minutes|starting now|replay/)).toHaveLength(0);
    setClock(new Date(live.start.getTime() + 3 * HOUR + MINUTE));
    await sweep();
    // Only the replay, which has no deadline, arrives once the quiet hours end.
    expect(messagesTo("kim", /15 minutes|starting now|replay/)).toEqual([
      "🎬 The replay of Live Q&A: Shipping Side Projects is ready.",
    ]);
    const skipped = await h.db.prisma.delivery.findMany({
      where: { memberId: await h.memberId("kim"), status: "SKIPPED" },
    });
    expect(skipped.map((d) => d.lastError)).toEqual([EXPIRED_NOTICE, EXPIRED_NOTICE]);
  });

  it("/live lists upcoming sessions with the start in the member's zone, and Join for owners once open", async () => {
    const live = await liveSession();
    await h.say("lin", "/timezone Asia/Shanghai");
    await h.say(CREATOR, `/grant @lin ${live.id}`);
    const listed = await h.sayReply("lin", "/live");
    expect(listed.messages[0]!.text).toContain(formatDateTime("en", live.start, "Asia/Shanghai"));
    expect(listed.messages[0]!.text).toContain("you're in");
    expect(actions(listed)).toEqual([`course ${live.id}`]);
    expect(await h.say("nick", "/live")).toContain(formatDateTime("en", live.start, "UTC"));

    setClock(new Date(live.start.getTime() - 10 * MINUTE));
    expect(actions(await h.sayReply("lin", "/live"))).toEqual([`join ${live.id}`]);
    expect(actions(await h.sayReply("nick", "/live"))).toEqual([`course ${live.id}`]);
    setClock(new Date(live.end.getTime() + MINUTE));
    expect(await h.say("lin", "/live")).toContain("No live sessions are coming up");
  });
});
