/**
 * The retrieval use case: the passages to cite for a question, or an abstention when the material does not seem to
 * answer it. An English question is also encoded by the bundled sentence encoder (the re-ranker reads how close
 * each candidate is in meaning), and dense similarity joins in when an embeddings endpoint is configured; if either
 * fails, the answer is the one without it (a question never fails because of them).
 */
import type { Database } from "../context.js";
import type { EmbeddingsPort } from "./embeddings-port.js";
import { loadKnowledgeIndex } from "./knowledge-cache.js";
import { questionLanguage } from "./question-language.js";
import { finishRanking, prepareRanking, type RankPassagesResult } from "./rank-passages.js";

export interface RetrievePassagesOptions {
  prisma: Database;
  question: string;
  embeddings?: EmbeddingsPort | null;
  /** The bundled sentence encoder (bots/sentence-encoder.ts); null: the re-ranker goes without its features. */
  encoder?: EmbeddingsPort | null;
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
  const { question, embeddings, encoder } = options;
  // Both requests start first: the encoder works in its own thread while this one does the lexical ranking. A
  // failing or slow one only leaves its part out (the endpoint down: lexical retrieval alone still answers).
  // `wanted` is asked only when there is a port (it scans the index).
  const firstVector = (port: EmbeddingsPort | null | undefined, wanted: () => boolean) =>
    port && wanted()
      ? port.embed([question]).then(
          ([vector]) => vector ?? null,
          () => null,
        )
      : Promise.resolve(null);
  const embedding = firstVector(embeddings, () => index.chunks.some((chunk) => chunk.embedding));
  const encoding = firstVector(
    encoder,
    () => questionLanguage(question) === "en" && index.chunks.some((chunk) => chunk.encoding),
  );
  const prepared = prepareRanking(index, question);
  return finishRanking(prepared, {
    questionEmbedding: await embedding,
    questionEncoding: await encoding,
    limit: options.limit,
    noAbstain: options.noAbstain,
  });
}
