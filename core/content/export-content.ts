/**
 * `npm run content -- export <dir>`: the catalog as course folders, in the format importContent reads, so that
 * exporting and importing again changes nothing. A creator edits the files and imports them back.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseAmount } from "../commerce/pricing.js";
import { KIND_NAMES, type KindName } from "./course-folder-format.js";
import { formatMarkdownFile, parseMarkdownFile } from "./front-matter.js";
import type { ContentContext } from "./import-content.js";
import { imageReferences } from "./lesson-attachments.js";
import { COURSE_FILE, COURSE_TRANSLATION_FILE } from "./read-course-folder.js";
import { compareLessonSlugs } from "./write-lessons.js";

export interface ExportReport {
  courses: Array<{ slug: string; folder: string; lessons: number; attachments: number }>;
}

const KIND_OF = Object.fromEntries(Object.entries(KIND_NAMES).map(([name, kind]) => [kind, name])) as Record<
  (typeof KIND_NAMES)[KindName],
  KindName
>;

/**
 * Writes every product into `dir/<slug>/` (or into the folder that already holds that slug, so exporting over an
 * imported folder updates it in place). The Markdown files of each course folder are replaced: a lesson file that is
 * no longer in the database is removed, other files (images, notes starting with `_`) are left alone. Files a
 * creator sent in chat have no bytes here and are not written.
 *
 * @example await exportContent(ctx, "my-courses");
 */
export async function exportContent(ctx: ContentContext, dir: string): Promise<ExportReport> {
  if (existsSync(path.join(dir, COURSE_FILE))) {
    throw new Error(`${dir} is a course folder: export into the folder that holds course folders`);
  }
  mkdirSync(dir, { recursive: true });
  const folders = existingCourseFolders(dir);
  const products = await ctx.prisma.product.findMany({
    // Wallet top-ups are bookkeeping products (core/commerce/wallet/top-up-product.ts), not content.
    where: { NOT: { slug: { startsWith: "_wallet-top-up-" } } },
    orderBy: { id: "asc" },
    include: {
      offers: { where: { active: true }, orderBy: { id: "asc" }, take: 1 },
      tags: { include: { tag: true }, orderBy: { tagId: "asc" } },
      bundleItems: { include: { product: { select: { slug: true } } }, orderBy: { productId: "asc" } },
      lessons: {
        include: {
          attachments: {
            where: { NOT: { data: null } },
            orderBy: { position: "asc" },
            select: { fileName: true, caption: true, data: true },
          },
        },
      },
    },
  });
  const report: ExportReport = { courses: [] };
  for (const product of products) {
    const folder = path.join(dir, folders.get(product.slug) ?? product.slug);
    mkdirSync(folder, { recursive: true });
    const written = new Set<string>();
    const write = (file: string, text: string) => {
      writeFileSync(path.join(folder, file), text);
      written.add(file);
    };

    const offer = product.offers[0];
    const live = product.kind === "LIVE_SESSION";
    write(
      COURSE_FILE,
      formatMarkdownFile(
        {
          slug: product.slug,
          kind: KIND_OF[product.kind],
          title: product.titleEn,
          title_zh: product.titleZh !== product.titleEn ? product.titleZh : undefined,
          // An empty English summary next to a Chinese one is written out, or the import would copy the Chinese.
          summary: product.summaryEn || (product.summaryZh ? "" : undefined),
          summary_zh: product.summaryZh !== product.summaryEn ? product.summaryZh || undefined : undefined,
          published: product.published ? undefined : false,
          price: offer ? formatPrice(offer.amount, offer.currency) : undefined,
          currency: offer?.currency,
          stars: offer?.starsAmount,
          interval: offer?.interval?.toLowerCase(),
          access_days: offer?.accessDays,
          trial_days: offer?.trialDays,
          tags: product.tags.length
            ? product.tags.map(({ tag }) => ({ slug: tag.slug, name: tag.nameEn, name_zh: tag.nameZh }))
            : undefined,
          drip_days: product.dripDays,
          live:
            live && (product.startsAt || product.durationMin || product.joinUrl || product.replayUrl)
              ? {
                  starts_at: product.startsAt?.toISOString(),
                  duration_min: product.durationMin ?? undefined,
                  join_url: product.joinUrl ?? undefined,
                  replay_url: product.replayUrl ?? undefined,
                }
              : undefined,
          bundle: product.bundleItems.length ? product.bundleItems.map((item) => item.product.slug) : undefined,
        },
        product.bodyEn,
      ),
    );
    if (product.bodyZh) write(COURSE_TRANSLATION_FILE, formatMarkdownFile({}, product.bodyZh));

    let attachments = 0;
    const lessons = [...product.lessons].sort((a, b) => compareLessonSlugs(a.slug, b.slug));
    for (const lesson of lessons) {
      const shown = new Map<string, string>();
      for (const reference of [
        ...imageReferences(lesson.contentEn, "", 1),
        ...imageReferences(lesson.contentZh, "", 1),
      ]) {
        const name = path.posix.normalize(reference.target);
        if (!shown.has(name)) shown.set(name, reference.caption);
      }
      const listed: Array<string | { file: string; caption: string }> = [];
      for (const attachment of lesson.attachments) {
        const target = path.resolve(folder, attachment.fileName);
        if (path.relative(folder, target).startsWith("..")) continue; // not a file of this folder
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, attachment.data!);
        attachments += 1;
        // Shown in the text with the same caption: the import finds it there. Otherwise it is listed.
        if (shown.has(attachment.fileName) && shown.get(attachment.fileName) === attachment.caption) continue;
        listed.push(
          attachment.caption ? { file: attachment.fileName, caption: attachment.caption } : attachment.fileName,
        );
      }
      write(
        `${lesson.slug}.md`,
        formatMarkdownFile(
          {
            title: lesson.titleEn,
            title_zh: lesson.titleZh !== lesson.titleEn ? lesson.titleZh : undefined,
            free: lesson.freePreview || undefined,
            release_after_days: lesson.releaseAfterDays,
            published: lesson.published ? undefined : false,
            attachments: listed.length ? listed : undefined,
          },
          lesson.contentEn,
        ),
      );
      if (lesson.contentZh) write(`${lesson.slug}.zh.md`, formatMarkdownFile({}, lesson.contentZh));
    }
    // Lesson files of an earlier export whose lesson is gone would come back on the next import.
    for (const file of readdirSync(folder)) {
      if (file.endsWith(".md") && !written.has(file) && !/^[._]/.test(file)) rmSync(path.join(folder, file));
    }
    report.courses.push({ slug: product.slug, folder, lessons: lessons.length, attachments });
  }
  return report;
}

/** "49.00" for 4900 cents, "4900" for 4900 yen: what the import's `price:` reads back as the same amount. */
function formatPrice(amount: number, currency: string): string {
  const unit = parseAmount("1", currency) ?? 100;
  if (unit === 1) return String(amount);
  return `${Math.floor(amount / unit)}.${String(amount % unit).padStart(String(unit).length - 1, "0")}`;
}

/** Course folders already in `dir`, by the slug they hold. */
function existingCourseFolders(dir: string): Map<string, string> {
  const bySlug = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name, COURSE_FILE);
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const data = parseMarkdownFile(readFileSync(file, "utf8"), file, []).data as { slug?: unknown };
    const slug = typeof data.slug === "string" ? data.slug : entry.name.replace(/^\d+[-_.]/, "");
    bySlug.set(slug, entry.name);
  }
  return bySlug;
}
