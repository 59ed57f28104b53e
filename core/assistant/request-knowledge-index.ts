/**
 * Asks for the knowledge index to be brought up to date, in the background (the `knowledge.index` job runs
 * refreshKnowledge): after a content import, a lesson written or changed in chat, a course or lesson published or
 * hidden, an answer accepted. Requests coalesce under one key, so ten edits in a row index once or twice, never ten
 * times, and indexing itself skips every source whose hash did not change.
 */
import type { CoreContext } from "../context.js";

export const KNOWLEDGE_INDEX_JOB = "knowledge.index";

/**
 * @example await requestKnowledgeIndex(ctx) // after the transaction that changed the material committed
 */
export async function requestKnowledgeIndex(ctx: Pick<CoreContext, "jobs" | "log">): Promise<void> {
  // The change is committed already; an index that lags is repaired by the periodic run, so a failed enqueue
  // (Redis briefly away) must not fail the creator's edit.
  await ctx.jobs.enqueue(KNOWLEDGE_INDEX_JOB, {}, { jobId: KNOWLEDGE_INDEX_JOB }).catch((error: unknown) => {
    ctx.log.warn({ err: error instanceof Error ? error.message : String(error) }, "could not ask for re-indexing");
  });
}
