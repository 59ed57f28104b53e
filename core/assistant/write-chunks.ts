/**
 * Stores the chunks of one source (a lesson, a product, an answer, an imported document) so the index matches them,
 * touching only what changed: a chunk whose content hash is already stored keeps its row and id (and embedding);
 * changed chunks are re-analysed in place; leftovers are deleted. Runs in one transaction per source.
 */
import { createHash } from "node:crypto";
import type { ChunkSource, Locale } from "../../prisma/generated/client.js";
import type { Database } from "../context.js";
import { analyzeText } from "./analyze-text.js";

export interface ChunkDraft {
  locale: Locale;
  passageId: string;
  title: string;
  headingPath: string;
  content: string;
}

export interface ChunkOwner {
  source: ChunkSource;
  productId?: number | null;
  lessonId?: number | null;
  answerId?: number | null;
  documentId?: number | null;
}

export interface WriteChunksResult {
  kept: number;
  written: number;
  removed: number;
}

/** sha256 of the parts, separated so that moving text between them changes the hash. */
export function hashParts(...parts: (string | number | boolean)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${String(part).length}:${String(part)}\u0000`);
  return hash.digest("hex");
}

const chunkHash = (draft: ChunkDraft) =>
  hashParts(draft.locale, draft.passageId, draft.title, draft.headingPath, draft.content);

/**
 * @example await writeChunks({ prisma, owner: { source: "LESSON", lessonId, productId }, sourceHash, drafts })
 */
export async function writeChunks(options: {
  prisma: Database;
  owner: ChunkOwner;
  sourceHash: string;
  drafts: ChunkDraft[];
}): Promise<WriteChunksResult> {
  const { prisma, owner, sourceHash } = options;
  const where = {
    source: owner.source,
    productId: owner.productId ?? null,
    lessonId: owner.lessonId ?? null,
    answerId: owner.answerId ?? null,
    documentId: owner.documentId ?? null,
  };
  return prisma.$transaction(async (tx) => {
    const existing = await tx.knowledgeChunk.findMany({
      where,
      select: { id: true, contentHash: true, position: true, sourceHash: true },
      orderBy: { id: "asc" },
    });
    const byHash = new Map<string, typeof existing>();
    for (const row of existing) byHash.set(row.contentHash, [...(byHash.get(row.contentHash) ?? []), row]);
    const used = new Set<number>();
    const changed: { draft: ChunkDraft; hash: string; position: number }[] = [];
    let kept = 0;
    for (const [position, draft] of options.drafts.entries()) {
      const hash = chunkHash(draft);
      const same = byHash.get(hash)?.find((row) => !used.has(row.id));
      if (same) {
        used.add(same.id);
        kept += 1;
        if (same.position !== position || same.sourceHash !== sourceHash) {
          await tx.knowledgeChunk.update({ where: { id: same.id }, data: { position, sourceHash } });
        }
      } else changed.push({ draft, hash, position });
    }
    const free = existing.filter((row) => !used.has(row.id));
    for (const { draft, hash, position } of changed) {
      const data = {
        locale: draft.locale,
        position,
        passageId: draft.passageId,
        title: draft.title,
        headingPath: draft.headingPath,
        content: draft.content,
        terms: analyzeText(draft.content).join(" "),
        titleTerms: analyzeText(`${draft.title} ${draft.headingPath}`).join(" "),
        contentHash: hash,
        sourceHash,
        // The text changed: its old vector no longer describes it (embed-chunks fills it again).
        embedding: null,
        embeddingModel: null,
        encoding: null,
        encodingModel: null,
      };
      const reuse = free.shift();
      if (reuse) await tx.knowledgeChunk.update({ where: { id: reuse.id }, data });
      else await tx.knowledgeChunk.create({ data: { ...where, ...data } });
    }
    if (free.length) await tx.knowledgeChunk.deleteMany({ where: { id: { in: free.map((row) => row.id) } } });
    return { kept, written: changed.length, removed: free.length };
  });
}
