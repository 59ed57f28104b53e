/**
 * What `/mycourses` shows, in one statement through the lean reader (ctx.sql): the member's products with access now
 * (the rule of activeEntitlementWhere, trials included), how far they got in each course (published lessons, as
 * courseProgress counts them), and the paid chats on their platform those products open. With the Prisma client this
 * was three statements and most of the command's time; /mycourses is one of the commonest member commands.
 *
 * @example const { items, gates } = await memberLibrary(ctx, { memberId, platform: "TELEGRAM" })
 */
import type { Platform } from "../../prisma/generated/enums.js";
import { activeEntitlementSql } from "../access/entitlement-window.js";
import type { CoreContext } from "../context.js";

const LIBRARY = `
  WITH "owned" AS (
    SELECT DISTINCT ON (e."productId") e."productId", e."endsAt", e."graceUntil", p."titleEn", p."titleZh"
    FROM "Entitlement" e JOIN "Product" p ON p."id" = e."productId"
    WHERE e."memberId" = $1
      AND ${activeEntitlementSql("e", "$2")}
    ORDER BY e."productId", e."endsAt" DESC NULLS FIRST, e."id"
  )
  SELECT 'product' AS "kind", o."productId" AS "id", o."titleEn", o."titleZh", NULL::text AS "link",
    (EXTRACT(EPOCH FROM o."endsAt") * 1000)::float8 AS "endsAt",
    (EXTRACT(EPOCH FROM o."graceUntil") * 1000)::float8 AS "graceUntil",
    (SELECT COUNT(*)::int FROM "Lesson" l WHERE l."productId" = o."productId" AND l."published") AS "lessons",
    (SELECT COUNT(*)::int FROM "LessonProgress" lp JOIN "Lesson" l ON l."id" = lp."lessonId"
     WHERE lp."memberId" = $1 AND l."productId" = o."productId" AND l."published" AND lp."completedAt" IS NOT NULL)
      AS "done"
  FROM "owned" o
  UNION ALL
  SELECT 'gate', g."id", g."title", NULL, g."inviteLink", NULL, NULL, NULL, NULL
  FROM "Gate" g
  WHERE g."platform" = $3::"Platform"
    AND EXISTS (SELECT 1 FROM "GateProduct" gp JOIN "owned" o ON o."productId" = gp."productId" WHERE gp."gateId" = g."id")
  ORDER BY "kind" DESC, "id"`;

export interface LibraryItem {
  productId: number;
  titleEn: string;
  titleZh: string;
  /** The end of the access shown (the latest when several entitlements overlap); null: no end. */
  endsAt: Date | null;
  graceUntil: Date | null;
  /** Published lessons and those marked done; null for a product without lessons. */
  progress: { done: number; total: number } | null;
}

export interface LibraryGate {
  title: string;
  inviteLink: string | null;
}

interface Row {
  kind: "product" | "gate";
  id: number;
  titleEn: string;
  titleZh: string | null;
  link: string | null;
  endsAt: number | null;
  graceUntil: number | null;
  lessons: number | null;
  done: number | null;
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

export async function memberLibrary(
  ctx: CoreContext,
  options: { memberId: number; platform: Platform; now?: Date },
): Promise<{ items: LibraryItem[]; gates: LibraryGate[] }> {
  const now = options.now ?? ctx.clock.now();
  // Timestamps are stored as UTC without a zone: the ISO text cast to `timestamp` drops its "Z" and compares as stored.
  const rows = await ctx.sql.query<Row>(LIBRARY, [options.memberId, now.toISOString(), options.platform]);
  const items: LibraryItem[] = [];
  const gates: LibraryGate[] = [];
  for (const row of rows) {
    if (row.kind === "gate") {
      gates.push({ title: row.titleEn, inviteLink: row.link });
      continue;
    }
    const total = Number(row.lessons ?? 0);
    items.push({
      productId: Number(row.id),
      titleEn: row.titleEn,
      titleZh: row.titleZh ?? "",
      endsAt: date(row.endsAt),
      graceUntil: date(row.graceUntil),
      progress: total > 0 ? { done: Number(row.done ?? 0), total } : null,
    });
  }
  return { items, gates };
}
