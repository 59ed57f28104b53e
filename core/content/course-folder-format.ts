/**
 * The course folder format (README, "Course folders"): what `course.md`, `course.zh.md` and lesson files may say in
 * their front matter. Keys are snake_case as a creator types them; unknown keys are refused so a typo (`prise:`) is
 * reported instead of silently ignored.
 */
import { z } from "zod";

/** Product and tag slugs: what appears in links and in `bundle:` lists. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,59}$/;
/** Lesson slugs are file names without `.md`: `01-setting-up`. */
export const LESSON_SLUG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;

const slug = z.string().regex(SLUG_PATTERN, "must be lower-case letters, digits and dashes (like python-basics)");
const text = z.string().trim();
const days = z.int("must be a whole number of days").min(0, "must be 0 or more days");
const positiveInt = (what: string) => z.int(`must be a whole number of ${what}`).positive(`must be at least 1 ${what}`);
/** An ISO 8601 time with an offset (`2026-12-09T18:00:00+08:00`): a bare local time would mean different moments. */
const isoWithOffset = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/,
    "must be a date and time with an offset, like 2026-12-09T18:00:00+08:00",
  )
  .refine((value) => !Number.isNaN(Date.parse(value)), "is not a real date");
const url = z.url("must be a full link starting with https://");

export const KIND_NAMES = {
  course: "COURSE",
  article: "ARTICLE",
  live_session: "LIVE_SESSION",
  bundle: "BUNDLE",
} as const;
export type KindName = keyof typeof KIND_NAMES;

const tagSchema = z.union([
  slug,
  z.strictObject({ slug, name: text.min(1).optional(), name_zh: text.min(1).optional() }),
]);

export const liveSchema = z.strictObject({
  starts_at: isoWithOffset.nullish(),
  /** Fixed on the first import as that moment plus this many days; later imports keep the date. */
  starts_in_days: days.nullish(),
  duration_min: positiveInt("minutes").nullish(),
  join_url: url.nullish(),
  replay_url: url.nullish(),
});

/** `course.md`'s front matter. The price is checked against the currency afterwards (read-course-folder.ts). */
export const courseFrontMatterSchema = z.strictObject({
  slug: slug.nullish(),
  kind: z
    .enum(Object.keys(KIND_NAMES) as [KindName, ...KindName[]], "must be course, article, live_session or bundle")
    .default("course"),
  title: text.nullish(),
  title_zh: text.nullish(),
  summary: text.nullish(),
  summary_zh: text.nullish(),
  published: z.boolean("must be true or false").default(true),
  /** What a buyer reads, in the currency's main unit: 49 or "49.90" (yen and other whole-unit currencies: 4900). */
  price: z.union([z.number(), z.string()], 'must be an amount like 49 or "49.90"').nullish(),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, "must be a three-letter currency code like usd or cny")
    .transform((value) => value.toLowerCase())
    .default("usd"),
  stars: positiveInt("Stars").nullish(),
  interval: z.enum(["month", "year"], "must be month or year").nullish(),
  access_days: positiveInt("days").nullish(),
  trial_days: positiveInt("days").nullish(),
  tags: z.array(tagSchema).nullish(),
  drip_days: days.nullish(),
  live: liveSchema.nullish(),
  bundle: z.array(slug).nullish(),
});
export type CourseFrontMatter = z.output<typeof courseFrontMatterSchema>;

/** `course.zh.md`: the Chinese title and summary may live here instead of `title_zh`/`summary_zh`. */
export const courseTranslationSchema = z.strictObject({ title: text.nullish(), summary: text.nullish() });

const attachmentEntrySchema = z.union([
  z.string().min(1),
  z.strictObject({ file: z.string().min(1), caption: text.nullish() }),
]);

/** A lesson file's front matter. */
export const lessonFrontMatterSchema = z.strictObject({
  title: text.nullish(),
  title_zh: text.nullish(),
  /** A preview anyone may open. */
  free: z.boolean("must be true or false").default(false),
  release_after_days: days.nullish(),
  published: z.boolean("must be true or false").default(true),
  attachments: z.array(attachmentEntrySchema).nullish(),
});
export type LessonFrontMatter = z.output<typeof lessonFrontMatterSchema>;

/** A lesson's `.zh.md` file: only its title may be set there. */
export const lessonTranslationSchema = z.strictObject({ title: text.nullish() });
