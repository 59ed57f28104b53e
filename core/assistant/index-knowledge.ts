/**
 * Brings the knowledge index up to date with the catalog: published lessons (by heading and paragraph, each
 * language on its own), published product descriptions and accepted answers (question + answer). Incremental:
 * a source whose hash matches what its chunks were built from is skipped without reading its text twice; a changed
 * one rewrites only the chunks that changed (write-chunks.ts); unpublished or deleted sources lose their chunks.
 */
import type { Locale } from "../../prisma/generated/client.js";
import type { Database } from "../context.js";
import { splitMarkdown } from "./split-markdown.js";
import { type ChunkDraft, type ChunkOwner, hashParts, writeChunks } from "./write-chunks.js";

export interface IndexKnowledgeResult {
  sources: number;
  skipped: number;
  reindexed: number;
  removed: number;
}

function markdownDrafts(markdown: string, locale: Locale, title: string, fallbackId: string): ChunkDraft[] {
  return splitMarkdown(markdown).map((passage) => ({
    locale,
    passageId: passage.headingPath.join(" > ") || fallbackId,
    title,
    headingPath: passage.headingPath.join(" > "),
    content: passage.text,
  }));
}

interface Source {
  owner: ChunkOwner;
  hash: string;
  drafts: () => ChunkDraft[];
}

async function lessonSources(prisma: Database): Promise<Source[]> {
  const lessons = await prisma.lesson.findMany({
    where: { published: true, product: { published: true } },
    select: {
      id: true,
      productId: true,
      titleEn: true,
      titleZh: true,
      contentEn: true,
      contentZh: true,
      contentHash: true,
      product: { select: { titleEn: true, titleZh: true } },
    },
  });
  return lessons.map((lesson) => ({
    owner: { source: "LESSON", lessonId: lesson.id, productId: lesson.productId },
    // The content import stores a hash of titles and contents; lessons written another way get one here.
    hash: hashParts(
      lesson.contentHash || hashParts(lesson.titleEn, lesson.titleZh, lesson.contentEn, lesson.contentZh),
      lesson.product.titleEn,
      lesson.product.titleZh,
    ),
    drafts: () => [
      ...markdownDrafts(lesson.contentEn, "en", `${lesson.product.titleEn} — ${lesson.titleEn}`, lesson.titleEn),
      ...markdownDrafts(lesson.contentZh, "zh", `${lesson.product.titleZh} — ${lesson.titleZh}`, lesson.titleZh),
    ],
  }));
}

async function productSources(prisma: Database): Promise<Source[]> {
  const products = await prisma.product.findMany({ where: { published: true } });
  return products.map((product) => ({
    owner: { source: "PRODUCT", productId: product.id },
    hash: hashParts(
      product.titleEn,
      product.titleZh,
      product.summaryEn,
      product.summaryZh,
      product.bodyEn,
      product.bodyZh,
    ),
    drafts: () => [
      ...markdownDrafts(`${product.summaryEn}\n\n${product.bodyEn}`, "en", product.titleEn, product.titleEn),
      ...markdownDrafts(`${product.summaryZh}\n\n${product.bodyZh}`, "zh", product.titleZh, product.titleZh),
    ],
  }));
}

async function answerSources(prisma: Database): Promise<Source[]> {
  const questions = await prisma.question.findMany({
    // Only answers people wrote: a helper's answer may quote a paid lesson to its owner, and must not become
    // material quoted to everyone.
    where: { acceptedAnswerId: { not: null }, acceptedAnswer: { fromHelper: false } },
    select: { title: true, body: true, productId: true, acceptedAnswer: { select: { id: true, body: true } } },
  });
  return questions.flatMap((question) => {
    const answer = question.acceptedAnswer;
    if (!answer) return [];
    const content = `${question.body}\n\n${answer.body}`;
    const locale: Locale = /\p{Script=Han}/u.test(content) ? "zh" : "en";
    return [
      {
        owner: { source: "ANSWER", answerId: answer.id, productId: question.productId },
        hash: hashParts(question.title, content),
        drafts: () => [{ locale, passageId: question.title, title: question.title, headingPath: "", content }],
      },
    ];
  });
}

const ownerKey = (owner: ChunkOwner) =>
  `${owner.source}:${owner.lessonId ?? ""}:${owner.answerId ?? ""}:${owner.documentId ?? ""}:${owner.productId ?? ""}`;

/**
 * @example await indexKnowledge({ prisma }) // after a content import or an accepted answer
 */
export async function indexKnowledge(options: { prisma: Database }): Promise<IndexKnowledgeResult> {
  const { prisma } = options;
  const sources = [
    ...(await lessonSources(prisma)),
    ...(await productSources(prisma)),
    ...(await answerSources(prisma)),
  ];
  const stored = await prisma.knowledgeChunk.groupBy({
    by: ["source", "lessonId", "answerId", "documentId", "productId", "sourceHash"],
    where: { source: { not: "DOCUMENT" } },
  });
  const storedHashes = new Map<string, Set<string>>();
  for (const row of stored) {
    const key = ownerKey(row);
    storedHashes.set(key, (storedHashes.get(key) ?? new Set()).add(row.sourceHash));
  }
  const result: IndexKnowledgeResult = { sources: sources.length, skipped: 0, reindexed: 0, removed: 0 };
  for (const source of sources) {
    const key = ownerKey(source.owner);
    const hashes = storedHashes.get(key);
    storedHashes.delete(key);
    if (hashes?.size === 1 && hashes.has(source.hash)) {
      result.skipped += 1;
      continue;
    }
    const drafts = source.drafts();
    // A source with no text (a product without a description) has no chunk to compare with: nothing to do.
    if (!hashes && drafts.length === 0) {
      result.skipped += 1;
      continue;
    }
    await writeChunks({ prisma, owner: source.owner, sourceHash: source.hash, drafts });
    result.reindexed += 1;
  }
  // Whatever is left belongs to a source that is gone or unpublished.
  for (const row of stored) {
    if (!storedHashes.has(ownerKey(row))) continue;
    const removed = await prisma.knowledgeChunk.deleteMany({
      where: {
        source: row.source,
        lessonId: row.lessonId,
        answerId: row.answerId,
        documentId: row.documentId,
        productId: row.productId,
      },
    });
    result.removed += removed.count;
  }
  return result;
}
