/**
 * The moderation path under concurrency and across item kinds, against the real database: parallel reports open one
 * case, hide the item once and tell the team once; parallel decisions decide once; a question the helper held back
 * and an answer, a review and a comment reported by members all reach /moderation and are shown again on approval;
 * linked accounts keep comments, reports and a ban; /mydata exports comments, /erase removes their text.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postLessonComment } from "../../core/community/discussion/post-lesson-comment.js";
import { ERASED_TEXT, eraseMember } from "../../core/identity/erase-member.js";
import { exportMemberData } from "../../core/identity/export-member-data.js";
import { createLinkCode, redeemLinkCode } from "../../core/identity/link-accounts.js";
import { decideModerationCase } from "../../core/moderation/decide-moderation-case.js";
import { reportItem } from "../../core/moderation/report-item.js";
import { createHarness, type Harness } from "../support/harness.js";
import { importLearningCourses } from "../support/learning-courses.js";

describe("moderation", () => {
  let h: Harness;
  let course: number;
  let lessonId: number;
  const member = (id: number) => h.db.prisma.member.findUniqueOrThrow({ where: { id } });
  /** Members with access to the course, by console name. */
  const members = async (...names: string[]) => {
    const ids: number[] = [];
    for (const name of names) {
      await h.say(name, "/start");
      const id = await h.memberId(name);
      await h.say("creator", `/grant ${id} ${course}`);
      ids.push(id);
    }
    return ids;
  };

  beforeAll(async () => {
    h = await createHarness({ stripe: false, config: { reportHideThreshold: 3 } });
  }, 60_000);
  beforeEach(async () => {
    await h.reset();
    ({ journeyId: course } = await importLearningCourses(h.db.prisma, h.clock.now()));
    lessonId = (
      await h.db.prisma.lesson.findFirstOrThrow({ where: { productId: course }, orderBy: { position: "asc" } })
    ).id;
    await h.say("creator", "/start");
    h.ctx.assistant = { bannedWords: ["casino"] };
  });
  afterAll(async () => {
    await h?.close();
  });

  it("six members reporting at once open one case, hide the comment once and tell the team once", async () => {
    const [author, ...reporters] = await members("ann", "r1", "r2", "r3", "r4", "r5", "r6");
    const posted = await postLessonComment(h.ctx, {
      author: await member(author!),
      lessonId,
      body: "Off-topic advert",
      platform: "CONSOLE",
    });
    if (!posted.ok) throw new Error("not posted");
    const results = await Promise.all(
      reporters.map(async (id) =>
        reportItem(h.ctx, {
          reporter: await member(id),
          target: "COMMENT",
          targetId: posted.commentId,
          reason: "spam",
        }),
      ),
    );
    expect(results).toEqual(reporters.map(() => expect.objectContaining({ ok: true })));
    expect(await h.db.prisma.moderationCase.count()).toBe(1);
    expect(await h.db.prisma.moderationReport.count()).toBe(6);
    expect(
      (await h.db.prisma.lessonComment.findUniqueOrThrow({ where: { id: posted.commentId } })).hiddenAt,
    ).not.toBeNull();
    const told = await h.db.prisma.outboxItem.findMany({ where: { kind: "notify.team" } });
    expect(told).toHaveLength(1);
    expect(await h.db.prisma.outboxItem.count({ where: { kind: "discussion.hide" } })).toBe(1);

    // Two moderators pressing at once: one decision.
    const caseRow = await h.db.prisma.moderationCase.findFirstOrThrow();
    const creator = await h.memberId("creator");
    const decisions = await Promise.all(
      (["approve", "remove"] as const).map((decision) =>
        decideModerationCase(h.ctx, { moderatorId: creator, caseId: caseRow.id, decision }),
      ),
    );
    expect(decisions.filter((d) => d.ok)).toHaveLength(1);
    expect(decisions.filter((d) => !d.ok && d.reason === "ALREADY_DECIDED")).toHaveLength(1);
    // A member may not decide, whatever an adapter sends.
    await expect(
      decideModerationCase(h.ctx, { moderatorId: author!, caseId: caseRow.id, decision: "approve" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("a question the helper held back is in the queue and visible again once approved", async () => {
    expect(await h.say("pat", "/ask where is the best casino")).toMatch(/held back|review/i);
    const question = await h.db.prisma.question.findFirstOrThrow();
    expect(question.flaggedReason).toBe("BANNED_WORD");
    const queue = await h.say("creator", "/moderation");
    expect(queue).toContain(`question #${question.id} by pat`);
    expect(queue).toContain("a banned word");
    const caseRow = await h.db.prisma.moderationCase.findFirstOrThrow({ where: { target: "QUESTION" } });
    expect(await h.press("creator", `moderation ${caseRow.id} approve`)).toContain("the question is visible again");
    expect((await h.db.prisma.question.findUniqueOrThrow({ where: { id: question.id } })).flaggedReason).toBeNull();
  });

  it("answers and reviews are reported through the same path and hidden at the threshold", async () => {
    const [asker, author] = await members("qa", "an", "ra", "rb", "rc");
    const question = await h.db.prisma.question.create({
      data: { memberId: asker!, platform: "TELEGRAM", title: "Q", body: "Q?", status: "ANSWERED" },
    });
    const answer = await h.db.prisma.answer.create({
      data: { questionId: question.id, authorId: author!, body: "Buy my course instead" },
    });
    const review = await h.db.prisma.review.create({
      data: { memberId: author!, productId: course, rating: 1, body: "Terrible, go elsewhere" },
    });
    for (const name of ["ra", "rb"]) {
      expect(await h.say(name, `/report answer ${answer.id} spam`)).toContain("Thanks for the report");
      expect(await h.say(name, `/report review ${review.id}`)).toContain("Thanks for the report");
    }
    expect(await h.say("an", `/report answer ${answer.id}`)).toContain("your own post");
    expect(await h.say("rc", `/report answer ${answer.id}`)).toContain("hidden until a moderator");
    expect(await h.say("rc", `/report review ${review.id}`)).toContain("hidden until a moderator");
    const hiddenAnswer = await h.db.prisma.answer.findUniqueOrThrow({ where: { id: answer.id } });
    expect(hiddenAnswer.flaggedReason).toBe("reported");
    expect((await h.db.prisma.question.findUniqueOrThrow({ where: { id: question.id } })).status).toBe("OPEN");
    expect((await h.db.prisma.review.findUniqueOrThrow({ where: { id: review.id } })).hiddenAt).not.toBeNull();

    const queue = await h.say("creator", "/moderation");
    expect(queue).toContain("Buy my course instead");
    expect(queue).toContain("★ Terrible, go elsewhere");
    const reviewCase = await h.db.prisma.moderationCase.findFirstOrThrow({ where: { target: "REVIEW" } });
    expect(await h.press("creator", `moderation ${reviewCase.id} approve`)).toContain("the review is visible again");
    expect((await h.db.prisma.review.findUniqueOrThrow({ where: { id: review.id } })).hiddenAt).toBeNull();
    // Approved: its reports are cleared, so hiding it again takes the threshold anew.
    expect(await h.db.prisma.moderationReport.count({ where: { caseId: reviewCase.id } })).toBe(0);
    expect(await h.say("ra", `/report review ${review.id}`)).toContain("Thanks for the report");
    expect((await h.db.prisma.review.findUniqueOrThrow({ where: { id: review.id } })).hiddenAt).toBeNull();
  });

  it("linking keeps comments, reports and a ban; /mydata exports comments and /erase removes their text", async () => {
    const [kim, other, kimToo] = await members("kim", "oli", "kim2");
    const posted = await postLessonComment(h.ctx, {
      author: await member(other!),
      lessonId,
      body: "Mine",
      platform: "CONSOLE",
    });
    if (!posted.ok) throw new Error("not posted");
    await reportItem(h.ctx, {
      reporter: await member(kim!),
      target: "COMMENT",
      targetId: posted.commentId,
      reason: "",
    });
    await postLessonComment(h.ctx, {
      author: await member(kimToo!),
      lessonId,
      body: "From the second account",
      platform: "CONSOLE",
    });
    await h.db.prisma.member.update({ where: { id: kimToo! }, data: { bannedAt: h.clock.now() } });
    const { code } = await createLinkCode(h.ctx, { memberId: kim!, platform: "TELEGRAM" });
    await redeemLinkCode(h.ctx, { memberId: kimToo!, platform: "CONSOLE", code });
    const merged = await member(kim!);
    expect(merged.bannedAt).not.toBeNull();
    expect(await h.db.prisma.lessonComment.count({ where: { memberId: kim! } })).toBe(1);
    expect(await h.db.prisma.moderationReport.count({ where: { reporterId: kim! } })).toBe(1);

    const exported = await exportMemberData(h.ctx, { memberId: kim! });
    expect(exported.lessonComments.map((c) => c.body)).toEqual(["From the second account"]);
    expect(exported.moderationReports).toEqual([
      expect.objectContaining({ target: "COMMENT", targetId: posted.commentId }),
    ]);
    expect((await eraseMember(h.ctx, { memberId: kim! })).ok).toBe(true);
    const erased = await h.db.prisma.lessonComment.findMany({ where: { memberId: kim! } });
    expect(erased.map((c) => c.body)).toEqual([ERASED_TEXT]);
  });
});
