/**
 * The creator's "Nudge" on /atrisk: one personal message to a member at risk, pointing at their next lesson (the
 * course they opened last, where they stopped), or at the catalog when there is none. Sent through the delivery
 * rows like every personal message, so quiet hours and pacing apply; at most one per member per UTC day (the
 * dedupe key), so a double press or two creators pressing send one message. Members who opted out of offers get none.
 *
 * @example const result = await nudgeAtRiskMember(ctx, { staffMemberId: creator.id, memberId: 42 })
 */
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import { continueLearning } from "../learning/continue-learning.js";
import { courseProgress } from "../learning/course-progress.js";
import type { DeliveryPayload } from "../messaging/delivery-payload.js";
import { queueDeliveries } from "../messaging/send-deliveries.js";
import { utcDay } from "./daily-churn-model.js";
import { type RetentionRefusal, retentionRecipient } from "./retention-recipient.js";

export type NudgeResult = { ok: true; queued: boolean } | { ok: false; reason: RetentionRefusal };

/** The member's next lesson as a message, or null when they have nothing to continue. */
export async function nextLessonPayload(
  ctx: CoreContext,
  member: { id: number; role: "OWNER" | "CREATOR" | "MODERATOR" | "MEMBER" },
): Promise<DeliveryPayload | null> {
  const next = await continueLearning(ctx, { member });
  if (next.kind !== "continue") return null;
  const progress = (await courseProgress(ctx, { memberId: member.id, courseIds: [next.courseId] })).get(next.courseId);
  if (!progress?.next) return null;
  const [course, lessons] = await Promise.all([
    ctx.prisma.product.findUnique({ where: { id: next.courseId }, select: { titleEn: true, titleZh: true } }),
    ctx.prisma.lesson.findMany({
      where: { productId: next.courseId, published: true },
      orderBy: { position: "asc" },
      select: { titleEn: true, titleZh: true },
    }),
  ]);
  const lesson = lessons[progress.next - 1];
  if (!course || !lesson) return null;
  return {
    type: "message",
    key: "retentionNudge",
    params: {
      course: course.titleEn,
      courseZh: course.titleZh,
      lesson: lesson.titleEn,
      lessonZh: lesson.titleZh,
      number: progress.next,
    },
    buttons: [{ key: "buttonOpenLesson", action: `lesson ${next.courseId} ${progress.next}` }],
  };
}

export async function nudgeAtRiskMember(
  ctx: CoreContext,
  options: { staffMemberId: number; memberId: number },
): Promise<NudgeResult> {
  await requireStaff(ctx, options.staffMemberId);
  const recipient = await retentionRecipient(ctx, options.memberId);
  if (!recipient.ok) return recipient;
  const now = ctx.clock.now();
  const payload: DeliveryPayload = (await nextLessonPayload(ctx, recipient.member)) ?? {
    type: "message",
    key: "retentionNudgeCatalog",
    params: {},
    buttons: [{ key: "buttonBrowseCourses", action: "courses" }],
  };
  const queued = await queueDeliveries(ctx, [
    {
      kind: "WIN_BACK",
      memberId: recipient.member.id,
      accountId: recipient.account.id,
      dedupeKey: `retention-nudge:${recipient.member.id}:${utcDay(now)}`,
      payload,
      notBefore: now,
      platform: recipient.account.platform,
    },
  ]);
  return { ok: true, queued: queued > 0 };
}
