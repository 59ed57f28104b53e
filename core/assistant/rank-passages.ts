/**
 * Ranks the knowledge index for one question and decides whether to cite at all: BM25 candidates, the learned
 * re-ranker, optional dense retrieval fused by reciprocal rank, and the abstention model. Pure: the caller brings
 * the in-memory index (knowledge-cache.ts), the question's sentence-encoder vector when it has one, and, when an
 * embeddings endpoint is set, the question's embedding.
 */

import { abstentionFeatures } from "./abstention-features.js";
import { analyzeText } from "./analyze-text.js";
import { cosine } from "./embeddings-port.js";
import { fuseRankings } from "./fuse-rankings.js";
import type { IndexedChunk, LexicalIndex } from "./lexical-index.js";
import { questionLanguage } from "./question-language.js";
import { questionUnits } from "./question-units.js";
import { answerableProbability, rerankScore, retrievalModelFor } from "./retrieval-model.js";
import { type Candidate, scoreCandidates, setEncoderFeature, weighQuery } from "./score-candidates.js";

export interface RankedPassage {
  chunk: IndexedChunk;
  /** Re-ranker score (lexical); 0 for a passage found by the dense ranking alone. */
  score: number;
}

export interface RankPassagesOptions {
  index: LexicalIndex;
  question: string;
  /** The question's embedding, when an endpoint is configured; chunks without a vector are left to the lexical side. */
  questionEmbedding?: Float32Array | null;
  /** The question's vector from the bundled sentence encoder (English questions), for the re-ranker. */
  questionEncoding?: Float32Array | null;
  /** Citations wanted (default 3). */
  limit?: number;
  /** Rank even when the material does not seem to answer (evaluation of the ranking alone). */
  noAbstain?: boolean;
}

export interface RankPassagesResult {
  passages: RankedPassage[];
  /** Estimated probability that the material answers the question. */
  answerable: number;
  abstained: boolean;
}

/** Where a chunk would be cited: several chunks of one long section are one citation. */
export function citationKey(chunk: IndexedChunk): string {
  const owner = chunk.documentId ?? chunk.lessonId ?? chunk.answerId ?? chunk.productId ?? 0;
  return `${chunk.source}:${owner}:${chunk.passageId}`;
}

/** Chunk positions by cosine similarity to the question, best first (a scan: 10,000 × 1,536 is a few ms). */
function denseRanking(index: LexicalIndex, vector: Float32Array, limit: number): number[] {
  const scored: { position: number; similarity: number }[] = [];
  index.chunks.forEach((chunk, position) => {
    if (chunk.embedding) scored.push({ position, similarity: cosine(vector, chunk.embedding) });
  });
  scored.sort((a, b) => b.similarity - a.similarity);
  return scored.slice(0, limit).map((entry) => entry.position);
}

/** The lexical half of ranking: what can run while the sentence encoder reads the question in its worker. */
export interface PreparedRanking {
  index: LexicalIndex;
  question: string;
  analysed: string[];
  candidates: Candidate[];
}

/**
 * @example const prepared = prepareRanking(index, question); finishRanking(prepared, { questionEncoding })
 */
export function prepareRanking(index: LexicalIndex, question: string): PreparedRanking {
  const analysed = analyzeText(question);
  const query = weighQuery(index, analysed, question);
  const { candidates } = scoreCandidates(index, query);
  return { index, question, analysed, candidates };
}

/** The encoder's feature, the re-ranker, the optional dense fusion and the abstention decision. */
export function finishRanking(
  prepared: PreparedRanking,
  options: Omit<RankPassagesOptions, "index" | "question"> = {},
): RankPassagesResult {
  const { index, analysed, candidates } = prepared;
  const limit = options.limit ?? 3;
  setEncoderFeature(index, candidates, options.questionEncoding ?? null);
  const language = questionLanguage(prepared.question);
  const model = retrievalModelFor(language, Boolean(options.questionEncoding));
  const reranked = candidates
    .map((candidate) => ({ candidate, score: rerankScore(candidate.features, model.rerank) }))
    .sort((a, b) => b.score - a.score || a.candidate.position - b.candidate.position);
  const lexicalScore = new Map(reranked.map((entry) => [entry.candidate.position, entry.score]));
  let order = reranked.map((entry) => entry.candidate.position);
  if (options.questionEmbedding) {
    order = fuseRankings([order, denseRanking(index, options.questionEmbedding, 40)]);
  }
  const passages: RankedPassage[] = [];
  const cited = new Set<string>();
  for (const position of order) {
    const chunk = index.chunks[position] as IndexedChunk;
    const key = citationKey(chunk);
    if (cited.has(key)) continue;
    cited.add(key);
    passages.push({ chunk, score: lexicalScore.get(position) ?? 0 });
    if (passages.length === limit) break;
  }
  const answerable = reranked.length
    ? answerableProbability(abstentionFeatures(index, reranked, questionUnits(index, analysed)), model.abstain)
    : 0;
  const threshold = model.thresholds[language];
  const abstained = !options.noAbstain && (passages.length === 0 || answerable < threshold);
  return { passages: abstained ? [] : passages, answerable, abstained };
}

/**
 * @example const { passages, abstained } = rankPassages({ index, question: "How do I renew?" })
 */
export function rankPassages(options: RankPassagesOptions): RankPassagesResult {
  return finishRanking(prepareRanking(options.index, options.question), options);
}
