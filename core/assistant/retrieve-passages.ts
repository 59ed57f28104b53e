/**
 * The retrieval use case: the passages to cite for a question, or an abstention when the material does not seem to
 * answer it. Dense similarity joins in when an embeddings endpoint is configured; if the endpoint fails, the answer
 * is the lexical one (a question never fails because of it).
 */
import type { Database } from "../context.js";
import type { EmbeddingsPort } from "./embeddings-port.js";
import { loadKnowledgeIndex } from "./knowledge-cache.js";
import { type RankPassagesResult, rankPassages } from "./rank-passages.js";

export interface RetrievePassagesOptions {
  prisma: Database;
  question: string;
  embeddings?: EmbeddingsPort | null;
  /** Citations wanted (default 3). */
  limit?: number;
  /** Cite even when abstention would not (evaluation of the ranking alone). */
  noAbstain?: boolean;
}

/**
 * @example const { passages, abstained } = await retrievePassages({ prisma, question: "怎么续费？" })
 */
export async function retrievePassages(options: RetrievePassagesOptions): Promise<RankPassagesResult> {
  const index = await loadKnowledgeIndex({ prisma: options.prisma });
  let questionEmbedding: Float32Array | null = null;
  if (options.embeddings && index.chunks.some((chunk) => chunk.embedding)) {
    try {
      [questionEmbedding = null] = await options.embeddings.embed([options.question]);
    } catch {
      questionEmbedding = null; // the endpoint is down or slow: lexical retrieval alone still answers.
    }
  }
  return rankPassages({
    index,
    question: options.question,
    questionEmbedding,
    limit: options.limit,
    noAbstain: options.noAbstain,
  });
}
