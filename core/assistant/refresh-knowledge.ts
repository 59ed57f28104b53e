/**
 * Brings the knowledge index up to date (indexKnowledge skips unchanged sources by hash), then encodes the new or
 * changed English chunks with the bundled sentence encoder and, when an embeddings endpoint is configured, embeds
 * them. What the `knowledge.index` job runs, at start, on a
 * schedule and after every change to the material.
 */
import type { CoreContext } from "../context.js";
import { assistantSettings } from "./assistant-settings.js";
import { fillChunkVectors } from "./embed-chunks.js";
import { type IndexKnowledgeResult, indexKnowledge } from "./index-knowledge.js";

/**
 * @example const { reindexed } = await refreshKnowledge(ctx)
 */
export async function refreshKnowledge(
  ctx: CoreContext,
  options: {
    /** False: the index only (a start that must not wait for the encoder; the job computes the vectors). */
    vectors?: boolean;
  } = {},
): Promise<IndexKnowledgeResult & { embedded: number }> {
  const result = await indexKnowledge({ prisma: ctx.prisma });
  const { embeddings, sentenceEncoder } = assistantSettings(ctx);
  let embedded = 0;
  if (options.vectors !== false) {
    // A failing encoder or endpoint leaves the chunks for the next run: retrieval goes without their vectors meanwhile.
    const filled = await fillChunkVectors({
      prisma: ctx.prisma,
      sentenceEncoder,
      embeddings,
      onError: (kind, error) =>
        ctx.log.warn({ kind, reason: error instanceof Error ? error.name : "unknown" }, "embedding chunks failed"),
    });
    embedded = filled.encoded + filled.embedded;
  }
  if (result.reindexed || result.removed) ctx.log.info({ ...result, embedded }, "knowledge index updated");
  return { ...result, embedded };
}
