/**
 * What each outbox message does once its transaction has committed.
 */

import type { OutboxMessage } from "../access/outbox.js";
import { reconcileMember } from "../access/reconcile-gates.js";
import { hideFlaggedContent } from "../assistant/hide-flagged-content.js";
import { postHelperReply } from "../assistant/post-helper-reply.js";
import { sendHelperDraft } from "../assistant/send-helper-draft.js";
import { hideLessonComment, mirrorLessonComment } from "../community/discussion/mirror-lesson-comment.js";
import { applyHelperBadge } from "../community/reputation/apply-helper-badge.js";
import type { CoreContext } from "../context.js";
import { notifyTeam } from "../moderation/notify-team.js";
import { restrictOnPlatforms } from "../moderation/restrict-on-platforms.js";
import { notifyMember, notifyStaff } from "./notify.js";

export async function runOutboxMessage(ctx: CoreContext, message: OutboxMessage): Promise<void> {
  switch (message.kind) {
    case "access.sync":
      await reconcileMember(ctx, message.memberId);
      return;
    case "notify.member":
      await notifyMember(ctx, message.memberId, message.notice);
      return;
    case "notify.staff":
      await notifyStaff(ctx, message.notice);
      return;
    case "helper.post":
      await postHelperReply(ctx, message);
      return;
    case "helper.draft":
      await sendHelperDraft(ctx, message);
      return;
    case "qa.hide":
      await hideFlaggedContent(ctx, message);
      return;
    case "discussion.post":
      await mirrorLessonComment(ctx, message);
      return;
    case "discussion.hide":
      await hideLessonComment(ctx, message);
      return;
    case "moderation.restrict":
      await restrictOnPlatforms(ctx, message);
      return;
    case "notify.team":
      await notifyTeam(ctx, message.notice);
      return;
    case "community.helper-badge":
      await applyHelperBadge(ctx, message);
      return;
  }
}
