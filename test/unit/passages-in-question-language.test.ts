/**
 * A bilingual lesson comes back from retrieval as two chunks, one per language: the answer cites it once, in the
 * language of the question, and the citations stay numbered 1, 2, 3 …
 */
import { describe, expect, it } from "vitest";
import { inQuestionLanguage, type ReadablePassage } from "../../core/assistant/helper-passage.js";

const passage = (number: number, locale: "en" | "zh", ids: Partial<ReadablePassage["ids"]>): ReadablePassage => ({
  number,
  chunkId: number,
  source: ids.lessonId ? "LESSON" : ids.productId ? "PRODUCT" : "DOCUMENT",
  passageId: `p${number}`,
  label: { en: `label ${number}`, zh: `标签 ${number}` },
  section: "",
  text: `text ${number}`,
  locale,
  target: { kind: "none" },
  ids: { lessonId: null, productId: null, documentId: null, answerId: null, ...ids },
});

describe("passages cited in the question's language", () => {
  const retrieved = [
    passage(1, "en", { lessonId: 4 }),
    passage(2, "zh", { lessonId: 4 }), // the same lesson, translated
    passage(3, "zh", { lessonId: 7 }), // only in Chinese
    passage(4, "zh", { productId: 2 }),
    passage(5, "en", { productId: 2 }),
    passage(6, "zh", { documentId: 9 }),
    passage(7, "en", { documentId: 10 }),
  ];

  it("an English question keeps the English version of a bilingual source, and whatever exists in one language only", () => {
    const cited = inQuestionLanguage(retrieved, "en");
    expect(cited.map((p) => p.chunkId)).toEqual([1, 3, 5, 6, 7]);
    expect(cited.map((p) => p.number)).toEqual([1, 2, 3, 4, 5]);
  });

  it("a Chinese question keeps the Chinese versions", () => {
    const cited = inQuestionLanguage(retrieved, "zh");
    expect(cited.map((p) => p.chunkId)).toEqual([2, 3, 4, 6, 7]);
    expect(cited.map((p) => p.number)).toEqual([1, 2, 3, 4, 5]);
  });

  it("leaves the caller's passages as they were", () => {
    inQuestionLanguage(retrieved, "en");
    expect(retrieved.map((p) => p.number)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});
