/**
 * Brings the knowledge index up to date (indexKnowledge skips unchanged sources by hash) and, when an embeddings
 * endpoint is configured, embeds the new or changed chunks. What the `knowledge.index` job runs, at start, on a
 * schedule and after every change to the material.
 */
import type { CoreContext } from "../context.js";
import { assistantSettings } from "./assistant-settings.js";
import { embedChunks } from "./embed-chunks.js";
import { type IndexKnowledgeResult, indexKnowledge } from "./index-knowledge.js";

/**
 * @example const { reindexed } = await refreshKnowledge(ctx)
 */
export async function refreshKnowledge(ctx: CoreContext): Promise<IndexKnowledgeResult & { embedded: number }> {
  const result = await indexKnowledge({ prisma: ctx.prisma });
  const { embeddings } = assistantSettings(ctx);
  let embedded = 0;
  if (embeddings) {
    // A failing endpoint leaves the chunks for the next run: retrieval stays lexical for them meanwhile.
    embedded = await embedChunks({ prisma: ctx.prisma, embeddings })
      .then((r) => r.embedded)
      .catch((error: unknown) => {
        ctx.log.warn({ reason: error instanceof Error ? error.name : "unknown" }, "embedding chunks failed");
        return 0;
      });
  }
  if (result.reindexed || result.removed) ctx.log.info({ ...result, embedded }, "knowledge index updated");
  return { ...result, embedded };
}
