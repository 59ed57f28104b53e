/**
 * What each outbox message does once its transaction has committed.
 */

import type { OutboxMessage } from "../access/outbox.js";
import { reconcileMember } from "../access/reconcile-gates.js";
import type { CoreContext } from "../context.js";
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
  }
}
