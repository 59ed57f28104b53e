/**
 * The creator adds a course with its first offer (one-time, or monthly). Staff only.
 */
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";

export interface CreateCourseOptions {
  staffMemberId: number;
  titleEn: string;
  titleZh: string;
  summaryEn?: string;
  summaryZh?: string;
  amount: number;
  currency: string;
  recurring: boolean;
}

function slugify(title: string): string {
  const ascii = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40);
  return ascii || "course";
}

export async function createCourse(ctx: CoreContext, options: CreateCourseOptions) {
  await requireStaff(ctx, options.staffMemberId);
  if (!options.titleEn.trim() && !options.titleZh.trim()) throw new AppError("BAD_ARGUMENTS");
  if (!/^[a-z]{3}$/.test(options.currency.toLowerCase()) || options.amount < 0) throw new AppError("BAD_ARGUMENTS");
  const titleEn = options.titleEn.trim() || options.titleZh.trim();
  const titleZh = options.titleZh.trim() || titleEn;
  const base = slugify(titleEn);
  const taken = await ctx.prisma.product.count({ where: { slug: { startsWith: base } } });
  return ctx.prisma.product.create({
    data: {
      kind: "COURSE",
      slug: taken ? `${base}-${taken + 1}` : base,
      titleEn,
      titleZh,
      summaryEn: options.summaryEn ?? "",
      summaryZh: options.summaryZh ?? options.summaryEn ?? "",
      creatorId: options.staffMemberId,
      offers: {
        create: {
          kind: options.recurring ? "RECURRING" : "ONE_TIME",
          amount: options.amount,
          currency: options.currency.toLowerCase(),
          interval: options.recurring ? "MONTH" : null,
        },
      },
    },
    include: { offers: true },
  });
}
