/**
 * What a course page needs to know about its reader, in one statement through the lean reader (ctx.sql): whether they
 * hold the product now — its own entitlement or a bundle's, the rule of holdsProduct and isEntitlementActive — and
 * which of its lessons they marked done. `/course` and its button are the commonest requests after /courses; through
 * Prisma this was two statements and most of their CPU.
 *
 * @example const { holds, completed } = await readerStanding(ctx, { memberId, productId })
 */
import type { CoreContext } from "../context.js";

const STANDING = `
  SELECT
    EXISTS (
      SELECT 1 FROM "Entitlement" e
      WHERE e."memberId" = $1
        AND (e."productId" = $2 OR e."productId" IN (SELECT b."bundleId" FROM "BundleItem" b WHERE b."productId" = $2))
        AND e."revokedAt" IS NULL
        AND e."startsAt" <= $3::timestamp
        AND (e."endsAt" IS NULL OR e."endsAt" > $3::timestamp OR e."graceUntil" > $3::timestamp)
    ) AS "holds",
    COALESCE(
      (SELECT json_agg(p."lessonId") FROM "LessonProgress" p JOIN "Lesson" l ON l."id" = p."lessonId"
       WHERE p."memberId" = $1 AND l."productId" = $2 AND p."completedAt" IS NOT NULL),
      '[]'::json
    ) AS "completed"`;

export interface ReaderStanding {
  holds: boolean;
  /** Ids of the product's lessons this member marked done. */
  completed: Set<number>;
}

export async function readerStanding(
  ctx: CoreContext,
  options: { memberId: number; productId: number; now?: Date },
): Promise<ReaderStanding> {
  const now = options.now ?? ctx.clock.now();
  // Timestamps are stored as UTC without a zone: the ISO text cast to `timestamp` drops its "Z" and compares as stored.
  const rows = await ctx.sql.query<{ holds: boolean; completed: number[] }>(STANDING, [
    options.memberId,
    options.productId,
    now.toISOString(),
  ]);
  const row = rows[0];
  return { holds: Boolean(row?.holds), completed: new Set(row?.completed ?? []) };
}
