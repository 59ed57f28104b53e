/**
 * What a course page needs to know about its reader, in one statement through the lean reader (ctx.sql): whether they
 * hold the product now — its own entitlement or a bundle's, the rule of holdsProduct and isEntitlementActive — which
 * of its lessons they marked done, their free trial of it if any, and the product's visible reviews (average, count,
 * the latest few; hidden ones — flagged or reported, pending a moderator — neither counted nor shown). `/course` and
 * its button are the commonest requests after /courses; as separate statements this was four round trips.
 *
 * @example const { holds, completed, reviews, trial } = await readerStanding(ctx, { memberId, productId })
 */
import { activeEntitlementSql } from "../access/entitlement-window.js";
import type { ShownReview } from "../community/reviews/list-reviews.js";
import type { CoreContext } from "../context.js";

const STANDING = `
  SELECT
    EXISTS (
      SELECT 1 FROM "Entitlement" e
      WHERE e."memberId" = $1
        AND (e."productId" = $2 OR e."productId" IN (SELECT b."bundleId" FROM "BundleItem" b WHERE b."productId" = $2))
        AND ${activeEntitlementSql("e", "$3")}
    ) AS "holds",
    COALESCE(
      (SELECT json_agg(p."lessonId") FROM "LessonProgress" p JOIN "Lesson" l ON l."id" = p."lessonId"
       WHERE p."memberId" = $1 AND l."productId" = $2 AND p."completedAt" IS NOT NULL),
      '[]'::json
    ) AS "completed",
    (SELECT json_build_object('average', AVG(r."rating")::float8, 'count', COUNT(*))
     FROM "Review" r WHERE r."productId" = $2 AND r."hiddenAt" IS NULL) AS "reviewSummary",
    COALESCE((SELECT json_agg(x) FROM (
      SELECT r."id", r."rating", r."body", r."reply", r."helpfulCount", m."displayName" AS "author"
      FROM "Review" r JOIN "Member" m ON m."id" = r."memberId"
      WHERE r."productId" = $2 AND r."hiddenAt" IS NULL
      ORDER BY r."createdAt" DESC, r."id" DESC LIMIT $4) x), '[]'::json) AS "latestReviews",
    (SELECT json_build_object('endsAt', t."endsAt", 'convertedAt', t."convertedAt")
     FROM "Trial" t WHERE t."memberId" = $1 AND t."productId" = $2) AS "trial"`;

export interface ReaderStanding {
  holds: boolean;
  /** Ids of the product's lessons this member marked done. */
  completed: Set<number>;
  /** The product's visible reviews: average rounded to one decimal (null: none), count, the latest `reviewLimit`. */
  reviews: { average: number | null; count: number; latest: ShownReview[] };
  /** This member's free trial of the product, if they ever had one. */
  trial: { endsAt: Date; convertedAt: Date | null } | null;
}

interface StandingRow {
  holds: boolean;
  completed: number[];
  reviewSummary: { average: number | null; count: number };
  latestReviews: ShownReview[];
  trial: { endsAt: string; convertedAt: string | null } | null;
}

/** json_build_object renders a stored (UTC, zone-less) timestamp without its zone: read it back as UTC. */
const utc = (stamp: string) => new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(stamp) ? stamp : `${stamp}Z`);

export async function readerStanding(
  ctx: CoreContext,
  options: { memberId: number; productId: number; now?: Date; reviewLimit?: number },
): Promise<ReaderStanding> {
  const now = options.now ?? ctx.clock.now();
  // Timestamps are stored as UTC without a zone: the ISO text cast to `timestamp` drops its "Z" and compares as stored.
  const rows = await ctx.sql.query<StandingRow>(STANDING, [
    options.memberId,
    options.productId,
    now.toISOString(),
    options.reviewLimit ?? 3,
  ]);
  const row = rows[0];
  const average = row?.reviewSummary.average ?? null;
  return {
    holds: Boolean(row?.holds),
    completed: new Set(row?.completed ?? []),
    reviews: {
      average: average === null ? null : Math.round(average * 10) / 10,
      count: Number(row?.reviewSummary.count ?? 0),
      latest: row?.latestReviews ?? [],
    },
    trial: row?.trial
      ? { endsAt: utc(row.trial.endsAt), convertedAt: row.trial.convertedAt ? utc(row.trial.convertedAt) : null }
      : null,
  };
}
