/**
 * A course as the team sees it when editing: found by id or slug whether published or not, with every lesson (drafts
 * included) in position order, so lesson `n` is the n-th line of the creator's /course page.
 */
import { AppError } from "../app-error.js";
import type { CoreContext } from "../context.js";

/**
 * @throws AppError PRODUCT_NOT_FOUND when no product has that id or slug
 * @example const course = await findStaffCourse(ctx, { course: "sql-basics" }); const third = course.lessons[2];
 */
export async function findStaffCourse(ctx: Pick<CoreContext, "prisma">, options: { course: number | string }) {
  const course = await ctx.prisma.product.findUnique({
    where: typeof options.course === "number" ? { id: options.course } : { slug: options.course },
    select: {
      id: true,
      kind: true,
      slug: true,
      titleEn: true,
      titleZh: true,
      published: true,
      lessons: {
        select: { id: true, position: true, slug: true, titleEn: true, titleZh: true, published: true },
        orderBy: { position: "asc" },
      },
    },
  });
  if (!course) throw new AppError("PRODUCT_NOT_FOUND", { id: String(options.course) });
  return course;
}

export type StaffCourse = Awaited<ReturnType<typeof findStaffCourse>>;
