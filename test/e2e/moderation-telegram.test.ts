/**
 * Reports and the moderation queue on Telegram end to end (issue 14, item 4): reports from REPORT_HIDE_THRESHOLD
 * members hide a comment pending review (one report per member, never one's own); a flagged comment waits hidden and
 * the team is told; `/moderation` lists the queue with Approve / Remove / Mute / Ban buttons for creators and
 * moderators, never for members; a decision is made once (a second press says so); a ban stops posting and reaches
 * Telegram (banChatMember in the discussion chat), a mute too (restrictChatMember).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TelegramGateway } from "../../bots/telegram/telegram-gateway.js";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { parseTelegramHtml } from "../fakes/telegram/telegram-html.js";
import { importLearningCourses } from "../support/learning-courses.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";

const FORUM = -1001234600;

describe("reports and the moderation queue on Telegram", () => {
  let h: TelegramHarness;
  let course: number;
  let alice: FakeUser;
  let bao: FakeUser;
  let cleo: FakeUser;
  let mo: FakeUser;
  const turn = async (user: FakeUser, text: string) => {
    const mark = h.fake.textsTo(user.id).length;
    await h.say(user, text);
    return h.fake
      .textsTo(user.id)
      .slice(mark)
      .map((t) => parseTelegramHtml(t))
      .join("\n");
  };
  const press = async (user: FakeUser, data: string) => {
    const mark = h.fake.textsTo(user.id).length;
    await h.press(user, data);
    return h.fake
      .textsTo(user.id)
      .slice(mark)
      .map((t) => parseTelegramHtml(t))
      .join("\n");
  };
  /** The buttons under the last message the bot sent `user`. */
  const buttonsOf = (user: FakeUser) => {
    const markup = h.fake.callsOf("sendMessage").findLast((c) => Number(c.chat_id) === user.id)?.reply_markup as
      | { inline_keyboard: { text: string; callback_data: string }[][] }
      | undefined;
    return markup?.inline_keyboard.flat() ?? [];
  };
  const comment = async (user: FakeUser, text: string) => {
    await h.say(user, `/comment ${course} 1 ${text}`);
    return h.db.prisma.lessonComment.findFirstOrThrow({ where: { body: text } });
  };

  beforeAll(async () => {
    h = await createTelegramHarness();
    ({ journeyId: course } = await importLearningCourses(h.db.prisma, h.clock.now()));
    h.fake.chat(FORUM, { forum: true, title: "Lesson talk" });
    (h.ctx.gateways.TELEGRAM as TelegramGateway).discussionChatId = String(FORUM);
    h.ctx.config.reportHideThreshold = 2;
    h.ctx.assistant = { bannedWords: ["casino"] };
    alice = h.fake.user(3001, "Alice", { language_code: "en" });
    bao = h.fake.user(3002, "宝", { language_code: "zh" });
    cleo = h.fake.user(3003, "Cleo", { language_code: "en" });
    mo = h.fake.user(3004, "Mo", { language_code: "en" });
    await h.say(h.creator, "/start");
    for (const user of [alice, bao, cleo, mo]) {
      await h.say(user, "/start");
      await h.say(h.creator, `/grant ${await h.memberIdOf(user)} ${course}`);
    }
    await h.say(h.creator, `/role ${await h.memberIdOf(mo)} moderator`);
    // Inside the discussion chat, so the platform restrictions have someone to act on.
    h.fake.alreadyInside(FORUM, alice, bao, cleo);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it("reports hide a comment at the threshold; one report per member, never one's own", async () => {
    const target = await comment(alice, "Skip the lessons, just copy the answers.");
    expect(await turn(alice, `/report ${target.id}`)).toContain("That is your own post");
    expect(await turn(bao, `/report ${target.id} 作弊`)).toContain("感谢举报");
    expect(await turn(bao, `/report comment ${target.id}`)).toContain("你已经举报过了");
    expect((await h.db.prisma.lessonComment.findUniqueOrThrow({ where: { id: target.id } })).hiddenAt).toBeNull();
    expect(await turn(cleo, `/report ${target.id} cheating`)).toContain("it is hidden until a moderator looks at it");
    expect((await h.db.prisma.lessonComment.findUniqueOrThrow({ where: { id: target.id } })).hiddenAt).not.toBeNull();
    expect(await turn(bao, `/comments ${course} 1`)).not.toContain("copy the answers");
    // Its copy in the lesson topic is deleted where the bot may.
    const copy = Number(target.messageRef!.split(":")[2]);
    expect(h.fake.callsOf("deleteMessage").some((c) => Number(c.message_id) === copy)).toBe(true);
    expect(await turn(bao, "/report review 999")).toContain("没有你可以举报的评价 #999");
  });

  it("a member cannot open the queue; a moderator approves with a button, and a second press changes nothing", async () => {
    expect(await turn(bao, "/moderation")).toContain("只有创作者可以这样做");
    expect(await turn(alice, "/moderation 1 approve")).toContain("Only the creator can do that");
    expect(await turn(mo, "/help")).toContain("/moderation — flagged and reported items");
    const queue = await turn(mo, "/moderation");
    expect(queue).toContain("Moderation queue");
    expect(queue).toContain("comment #");
    expect(queue).toContain("by Alice · reported by members · 2 report(s)");
    expect(queue).toContain("Skip the lessons, just copy the answers.");
    const approve = buttonsOf(mo).find((b) => b.text.startsWith("✅ Approve"))!;
    expect(await press(mo, approve.callback_data)).toMatch(/approved, the comment is visible again/);
    expect(await press(mo, approve.callback_data)).toMatch(/was already decided \(approved\); nothing changed/);
    expect(await turn(bao, `/comments ${course} 1`)).toContain("copy the answers");
    expect(await turn(mo, "/moderation")).toContain("Nothing waits for review");
  });

  it("a flagged comment waits hidden, the team is told, and Ban stops the author here and on Telegram", async () => {
    const creatorMark = h.fake.textsTo(h.creator.id).length;
    const held = await turn(cleo, `/comment ${course} 1 Best casino bonus here`);
    expect(held).toContain("waits for a moderator's review");
    const flagged = await h.db.prisma.lessonComment.findFirstOrThrow({ where: { body: "Best casino bonus here" } });
    expect(flagged.hiddenAt).not.toBeNull();
    expect(flagged.flaggedReason).toBe("BANNED_WORD");
    // Never mirrored: nothing of it reached the lesson topic.
    const inForum = h.fake.callsOf("sendMessage").filter((c) => Number(c.chat_id) === FORUM);
    expect(inForum.some((c) => String(c.text).includes("casino"))).toBe(false);
    const told = h.fake.textsTo(h.creator.id).slice(creatorMark).join("\n");
    expect(told).toContain("Waiting for review: comment by Cleo (a banned word)");
    expect(h.fake.textsTo(mo.id).join("\n")).toContain("Waiting for review: comment by Cleo");

    await turn(h.creator, "/moderation");
    const ban = buttonsOf(h.creator).find((b) => b.text === "⛔ Ban author")!;
    expect(ban.callback_data).toMatch(/^moderation \d+ ban$/);
    expect(await press(h.creator, ban.callback_data)).toContain("Cleo is banned from posting");
    const cleoId = await h.memberIdOf(cleo);
    expect((await h.db.prisma.member.findUniqueOrThrow({ where: { id: cleoId } })).bannedAt).not.toBeNull();
    await h.fake.waitForCall("banChatMember", (p) => Number(p.chat_id) === FORUM && Number(p.user_id) === cleo.id);
    expect(await turn(cleo, `/comment ${course} 1 hello again`)).toContain("You can no longer post");
    expect(await press(h.creator, ban.callback_data)).toContain("already decided (removed)");
  });

  it("Mute 24h keeps the member from posting until then and restricts them in the discussion chat", async () => {
    await comment(bao, "Tell me the casino tricks");
    await turn(mo, "/moderation");
    const mute = buttonsOf(mo).find((b) => b.text === "🔇 Mute 24h")!;
    expect(await press(mo, mute.callback_data)).toMatch(/removed, and 宝 is muted until/);
    await h.fake.waitForCall("restrictChatMember", (p) => Number(p.chat_id) === FORUM && Number(p.user_id) === bao.id);
    expect(await turn(bao, `/comment ${course} 1 你好`)).toContain("你已被禁言至");
    expect(await turn(bao, `/report 1`)).toContain("你已被禁言至");
    // A moderator cannot mute the team.
    await comment(mo, "casino joke from a moderator");
    await turn(h.creator, "/moderation");
    const muteMo = buttonsOf(h.creator).find((b) => b.text === "🔇 Mute 24h")!;
    expect(await press(h.creator, muteMo.callback_data)).toContain("Mo is on the team");
  });
});
