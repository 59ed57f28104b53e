/**
 * The passages the answer helper works with, once retrieval ranked them and the asker's access was checked: those
 * the asker may read (their text may be quoted and shown to a model), and those they may not (only named, with a way
 * to buy them). Types only.
 */
import type { ChunkSource, Locale, Prisma } from "../../prisma/generated/client.js";

/** Where a citation leads: a lesson the asker opens with `/lesson`, a product page, or nowhere (a document). */
export type CitationTarget =
  | {
      kind: "lesson";
      courseId: number;
      lessonNumber: number;
      courseTitle: { en: string; zh: string };
      lessonTitle: { en: string; zh: string };
    }
  | { kind: "product"; productId: number }
  | { kind: "none" };

/** A passage the asker may read: its text may be quoted to them and given to the model. */
export interface ReadablePassage {
  /** 1-based citation number, in rank order among the readable passages. */
  number: number;
  chunkId: number;
  source: ChunkSource;
  passageId: string;
  /** What the citation is called (course — lesson, document or product title), in both languages where known. */
  label: { en: string; zh: string };
  /** Headings above the passage (`Setting up > Payments`). */
  section: string;
  text: string;
  /** The language the passage is written in (a bilingual lesson has a chunk in each). */
  locale: Locale;
  target: CitationTarget;
  ids: { lessonId: number | null; productId: number | null; documentId: number | null; answerId: number | null };
}

type Offer = Prisma.OfferGetPayload<object>;

/** A lesson the asker may not read now: named, never quoted. */
export interface LockedPassage {
  lessonId: number;
  courseId: number;
  courseTitle: { en: string; zh: string };
  lessonNumber: number;
  lessonTitle: { en: string; zh: string };
  /** What the Buy button buys (the course, or the bundle whose access ended) and for how much; null: no button. */
  buy: { productId: number; offer: Offer | null } | null;
  /** NOT_RELEASED: the asker owns it but drip has not opened it yet. */
  reason: "NO_ACCESS" | "ACCESS_ENDED" | "NOT_RELEASED";
}

/**
 * The passages to quote for a question in `language`: where the same lesson or product came back in both languages,
 * only the version in the question's language (an English question quoted the lesson's Chinese translation beside
 * it), numbered again from 1 so the citations stay consecutive. The model path gets every passage: it reads both
 * languages and answers in the question's.
 *
 * @example inQuestionLanguage(readable, "en") // [1] the English chunk of lesson 4, [2] …; its Chinese chunk dropped
 */
export function inQuestionLanguage(passages: readonly ReadablePassage[], language: Locale): ReadablePassage[] {
  const sourceOf = (p: ReadablePassage) =>
    p.ids.lessonId !== null
      ? `lesson:${p.ids.lessonId}`
      : p.ids.productId !== null
        ? `product:${p.ids.productId}`
        : null;
  const inLanguage = new Set(passages.filter((p) => p.locale === language).map(sourceOf));
  inLanguage.delete(null); // a document or an answer has one language: always kept
  return passages
    .filter((p) => p.locale === language || !inLanguage.has(sourceOf(p)))
    .map((p, index) => ({ ...p, number: index + 1 }));
}
