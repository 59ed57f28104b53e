/**
 * Reads one course folder into a CourseDefinition: what the database should hold for that course. Nothing is
 * written here; every problem found (in any file of the course) is collected, so a creator fixes them in one go.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { BillingInterval, OfferKind, ProductKind } from "../../prisma/generated/client.js";
import { parseAmount } from "../commerce/pricing.js";
import {
  type CourseFrontMatter,
  courseFrontMatterSchema,
  courseTranslationSchema,
  KIND_NAMES,
  LESSON_SLUG_PATTERN,
  lessonFrontMatterSchema,
  lessonTranslationSchema,
  SLUG_PATTERN,
} from "./course-folder-format.js";
import { type ContentProblem, type MarkdownFile, parseMarkdownFile, validateFrontMatter } from "./front-matter.js";
import {
  type AttachmentFile,
  type AttachmentReference,
  imageReferences,
  readAttachments,
} from "./lesson-attachments.js";

export const COURSE_FILE = "course.md";
export const COURSE_TRANSLATION_FILE = "course.zh.md";

export interface OfferDefinition {
  kind: OfferKind;
  amount: number;
  currency: string;
  interval: BillingInterval | null;
  accessDays: number | null;
  trialDays: number | null;
  starsAmount: number | null;
}

export interface LessonDefinition {
  slug: string;
  /** 1-based, in file name order. */
  position: number;
  titleEn: string;
  titleZh: string;
  contentEn: string;
  contentZh: string;
  published: boolean;
  freePreview: boolean;
  releaseAfterDays: number | null;
  contentHash: string;
  attachments: AttachmentFile[];
}

export interface CourseDefinition {
  /** The folder as given to the import (for reports). */
  folder: string;
  slug: string;
  kind: ProductKind;
  titleEn: string;
  titleZh: string;
  summaryEn: string;
  summaryZh: string;
  bodyEn: string;
  bodyZh: string;
  published: boolean;
  dripDays: number | null;
  startsAt: Date | null;
  /** `live.starts_in_days`: the start is set from the import's clock when the product has none yet. */
  startsInDays: number | null;
  durationMin: number | null;
  joinUrl: string | null;
  replayUrl: string | null;
  offer: OfferDefinition | null;
  tags: Array<{ slug: string; nameEn: string | null; nameZh: string | null }>;
  bundle: string[];
  lessons: LessonDefinition[];
}

/** sha256 of a lesson's titles and texts: equal hashes, nothing to re-index. */
export function lessonContentHash(lesson: Pick<LessonDefinition, "titleEn" | "titleZh" | "contentEn" | "contentZh">) {
  const parts = [lesson.titleEn, lesson.titleZh, lesson.contentEn, lesson.contentZh];
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

/** True when `dir` holds a `course.md`. */
export function isCourseFolder(dir: string): boolean {
  return existsSync(path.join(dir, COURSE_FILE));
}

/**
 * @param dir the course folder
 * @param display how files are named in problems (`content/demo/01-python` → `content/demo/01-python/course.md`)
 * @returns the definition, or null when any problem was found (all of them are in `problems`)
 */
export function readCourseFolder(dir: string, display: string, problems: ContentProblem[]): CourseDefinition | null {
  const before = problems.length;
  const name = (file: string) => path.join(display, file);
  const read = (file: string) => parseMarkdownFile(readFileSync(path.join(dir, file), "utf8"), name(file), problems);

  const courseFile = read(COURSE_FILE);
  const front = validateFrontMatter(courseFrontMatterSchema, courseFile, name(COURSE_FILE), problems);
  const translationFile = existsSync(path.join(dir, COURSE_TRANSLATION_FILE)) ? read(COURSE_TRANSLATION_FILE) : null;
  const translation = translationFile
    ? validateFrontMatter(courseTranslationSchema, translationFile, name(COURSE_TRANSLATION_FILE), problems)
    : null;

  const lessons = readLessons(dir, name, read, problems);
  if (!front || problems.length > before) return null;

  const problem = (key: string, reason: string) =>
    problems.push({ file: name(COURSE_FILE), line: courseFile.lineOf([key]), reason });
  const slug = front.slug ?? path.basename(dir).replace(/^\d+[-_.]/, "");
  if (!front.slug && !SLUG_PATTERN.test(slug)) {
    problem("slug", `no slug: add one (the folder name "${path.basename(dir)}" cannot be used as one)`);
  }
  const zhTitle = pickTranslation(front.title_zh, translation?.title, "title_zh", problem);
  const zhSummary = pickTranslation(front.summary_zh, translation?.summary, "summary_zh", problem);
  const titleEn = front.title || zhTitle;
  if (!titleEn) problem("title", "title is missing");
  const offer = offerFrom(front, problem);
  const kind = KIND_NAMES[front.kind];
  if (front.live && kind !== "LIVE_SESSION") problem("live", "live: is only for kind: live_session");
  if (front.live?.starts_at && front.live.starts_in_days != null) {
    problem("live", "live: give starts_at or starts_in_days, not both");
  }
  if (front.bundle?.length && kind !== "BUNDLE") problem("bundle", "bundle: is only for kind: bundle");
  if (kind === "BUNDLE" && !front.bundle?.length) problem("bundle", "a bundle needs a bundle: list of course slugs");
  if (front.bundle?.includes(slug)) problem("bundle", "a bundle cannot contain itself");
  if (kind === "BUNDLE" && lessons.length) problem("kind", "a bundle has no lessons of its own");
  if (problems.length > before || !titleEn) return null;

  return {
    folder: display,
    slug,
    kind,
    titleEn,
    titleZh: zhTitle || titleEn,
    summaryEn: front.summary ?? zhSummary ?? "",
    summaryZh: zhSummary ?? front.summary ?? "",
    bodyEn: courseFile.body,
    bodyZh: translationFile?.body ?? "",
    published: front.published,
    dripDays: front.drip_days ?? null,
    startsAt: front.live?.starts_at ? new Date(front.live.starts_at) : null,
    startsInDays: front.live?.starts_in_days ?? null,
    durationMin: front.live?.duration_min ?? null,
    joinUrl: front.live?.join_url ?? null,
    replayUrl: front.live?.replay_url ?? null,
    offer,
    tags: (front.tags ?? []).map((tag) =>
      typeof tag === "string"
        ? { slug: tag, nameEn: null, nameZh: null }
        : { slug: tag.slug, nameEn: tag.name ?? null, nameZh: tag.name_zh ?? null },
    ),
    bundle: [...new Set(front.bundle ?? [])],
    lessons,
  };
}

/** The same text may be given in `course.md` (`title_zh`) or in the `.zh.md` file (`title`), not in both. */
function pickTranslation(
  inMain: string | null | undefined,
  inTranslation: string | null | undefined,
  key: string,
  problem: (key: string, reason: string) => void,
): string | null {
  if (inMain && inTranslation && inMain !== inTranslation) {
    problem(key, `${key} is given here and differently in the .zh.md file: keep one`);
  }
  return inMain || inTranslation || null;
}

function offerFrom(front: CourseFrontMatter, problem: (key: string, reason: string) => void): OfferDefinition | null {
  if (front.price == null) {
    for (const key of ["stars", "interval", "access_days", "trial_days"] as const) {
      if (front[key] != null) problem(key, `${key} needs a price`);
    }
    return null;
  }
  const amount = parseAmount(String(front.price), front.currency);
  if (amount === null) {
    problem(
      "price",
      `price must be an amount of ${front.currency} like 49 or "49.90", not ${JSON.stringify(front.price)}`,
    );
    return null;
  }
  if (front.interval && front.access_days != null)
    problem("access_days", "access_days is for one-time prices, not with interval");
  return {
    kind: front.interval ? "RECURRING" : "ONE_TIME",
    amount,
    currency: front.currency,
    interval: front.interval === "month" ? "MONTH" : front.interval === "year" ? "YEAR" : null,
    accessDays: front.access_days ?? null,
    trialDays: front.trial_days ?? null,
    starsAmount: front.stars ?? null,
  };
}

// --- Lessons

const IGNORED = /^(?:[._]|readme\.md$)/i;

function readLessons(
  dir: string,
  name: (file: string) => string,
  read: (file: string) => MarkdownFile,
  problems: ContentProblem[],
): LessonDefinition[] {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".md") && !IGNORED.test(entry.name))
    .map((entry) => entry.name)
    .filter((file) => file !== COURSE_FILE && file !== COURSE_TRANSLATION_FILE);
  const english = files
    .filter((file) => !file.endsWith(".zh.md"))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  for (const file of files.filter((file) => file.endsWith(".zh.md"))) {
    if (!english.includes(file.replace(/\.zh\.md$/, ".md"))) {
      problems.push({ file: name(file), line: 1, reason: `no ${file.replace(/\.zh\.md$/, ".md")} beside it` });
    }
  }
  const lessons: LessonDefinition[] = [];
  for (const [index, file] of english.entries()) {
    const slug = file.slice(0, -".md".length);
    if (!LESSON_SLUG_PATTERN.test(slug)) {
      problems.push({ file: name(file), line: 1, reason: "lesson file names use letters, digits, - and _ only" });
      continue;
    }
    const lesson = readLesson(dir, slug, index + 1, name, read, problems);
    if (lesson) lessons.push(lesson);
  }
  return lessons;
}

function readLesson(
  dir: string,
  slug: string,
  position: number,
  name: (file: string) => string,
  read: (file: string) => MarkdownFile,
  problems: ContentProblem[],
): LessonDefinition | null {
  const before = problems.length;
  const file = `${slug}.md`;
  const zhFile = `${slug}.zh.md`;
  const main = read(file);
  const front = validateFrontMatter(lessonFrontMatterSchema, main, name(file), problems);
  const zh = existsSync(path.join(dir, zhFile)) ? read(zhFile) : null;
  const zhFront = zh ? validateFrontMatter(lessonTranslationSchema, zh, name(zhFile), problems) : null;
  if (!front) return null;
  const zhTitle = pickTranslation(front.title_zh, zhFront?.title, "title_zh", (key, reason) =>
    problems.push({ file: name(file), line: main.lineOf([key]), reason }),
  );
  const titleEn = front.title || zhTitle;
  if (!titleEn) problems.push({ file: name(file), line: main.lineOf(["title"]), reason: "title is missing" });

  const references: Array<AttachmentReference & { explicit: boolean }> = [
    ...imageReferences(main.body, name(file), main.bodyLine).map((r) => ({ ...r, explicit: false })),
    ...(zh ? imageReferences(zh.body, name(zhFile), zh.bodyLine) : []).map((r) => ({ ...r, explicit: false })),
    ...(front.attachments ?? []).map((entry, index) => ({
      target: typeof entry === "string" ? entry : entry.file,
      caption: typeof entry === "string" ? "" : (entry.caption ?? ""),
      file: name(file),
      line: main.lineOf(["attachments", index]),
      explicit: true,
    })),
  ];
  const attachments = readAttachments(dir, references, problems);
  if (problems.length > before || !titleEn) return null;
  const texts = { titleEn, titleZh: zhTitle || titleEn, contentEn: main.body, contentZh: zh?.body ?? "" };
  return {
    slug,
    position,
    ...texts,
    published: front.published,
    freePreview: front.free,
    releaseAfterDays: front.release_after_days ?? null,
    contentHash: lessonContentHash(texts),
    attachments,
  };
}
