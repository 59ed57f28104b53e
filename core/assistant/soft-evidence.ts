/**
 * Soft evidence for the re-ranker: the question's idf mass a chunk covers (and covers inside one sentence) when a
 * question word the chunk lacks still counts for the closest word it has, by their cosine similarity in the word
 * vectors (word-vectors.ts), rescaled from SOFT_MATCH (0) to 1. Exact matches count 1, as in the exact features. A
 * question with no word in the vectors (Chinese, or only numbers and names the vectors lack) gets the exact shares.
 *
 * Measured on squad-en (5-fold cross-validation by article): top-1 0.767 → 0.782 with these two features; the
 * threshold (0.5, 0.6, 0.7) and the credit (the similarity, or rescaled) were chosen in the same folds, among six
 * settings within 0.010 of each other (README, "Answer helper: retrieval quality").
 */
import { latinWords } from "./analyze-text.js";
import type { IndexedChunk } from "./lexical-index.js";
import { chunkSentences } from "./sentence-evidence.js";
import { rowSimilarity, type WordVectors, wordVectors } from "./word-vectors.js";

/** Lowest similarity that counts as a paraphrase (below it a word pair is merely on the same topic). */
export const SOFT_MATCH = 0.5;

export interface QueryVectors {
  vectors: WordVectors;
  /** Vector row of each question term (-1: none). */
  rows: Int32Array;
  /**
   * Similarity of each term to the rows met so far, computed when first needed (sized by what candidates hold, not
   * by the vocabulary: a long question must not cost a vocabulary-sized array per word).
   */
  similarities: (Map<number, number> | null)[];
}

/**
 * The vector rows of a question's terms: each term gets the vector of the first question word it came from.
 *
 * @example queryVectors("Who was the biggest star?", ["biggest", "star"], (word) => analyzeText(word)[0])
 */
export function queryVectors(
  question: string,
  terms: readonly string[],
  termOf: (word: string) => string | undefined,
): QueryVectors | null {
  const words = latinWords(question);
  if (words.length === 0) return null;
  const vectors = wordVectors();
  const positionOf = new Map(terms.map((term, i) => [term, i]));
  const rows = new Int32Array(terms.length).fill(-1);
  let any = false;
  for (const word of words) {
    const position = positionOf.get(termOf(word) ?? "");
    const row = vectors.rows.get(word);
    if (position === undefined || row === undefined || (rows[position] as number) >= 0) continue;
    rows[position] = row;
    any = true;
  }
  return any ? { vectors, rows, similarities: terms.map(() => null) } : null;
}

const rowsOf = new WeakMap<IndexedChunk, { chunk: Int32Array; sentences: Int32Array[] }>();

/** The vector rows of a chunk's words, whole and per sentence (in chunkSentences order), kept with the index. */
function chunkRows(chunk: IndexedChunk, vectors: WordVectors) {
  let rows = rowsOf.get(chunk);
  if (!rows) {
    const toRows = (text: string) => {
      const found = new Set<number>();
      for (const word of latinWords(text)) {
        const row = vectors.rows.get(word);
        if (row !== undefined) found.add(row);
      }
      return Int32Array.from(found);
    };
    const sentences = chunkSentences(chunk).map((sentence) => toRows(sentence.text));
    const all = new Set<number>();
    for (const sentence of sentences) for (const row of sentence) all.add(row);
    rows = { chunk: Int32Array.from(all), sentences };
    rowsOf.set(chunk, rows);
  }
  return rows;
}

/**
 * How well term `i` is said in other words among `rows`: the best similarity, rescaled so SOFT_MATCH counts 0 and
 * the same word 1 (below SOFT_MATCH, 0).
 */
function softCredit(query: QueryVectors, i: number, rows: Int32Array): number {
  const own = query.rows[i] as number;
  if (own < 0) return 0;
  let cache = query.similarities[i];
  if (!cache) {
    cache = new Map();
    query.similarities[i] = cache;
  }
  let best = 0;
  for (const row of rows) {
    let similarity = cache.get(row);
    if (similarity === undefined) {
      similarity = rowSimilarity(query.vectors, own, row);
      cache.set(row, similarity);
    }
    if (similarity > best) best = similarity;
  }
  return best > SOFT_MATCH ? (best - SOFT_MATCH) / (1 - SOFT_MATCH) : 0;
}

export interface SoftEvidence {
  /** Share of the question's idf mass the chunk covers, paraphrases counted by similarity. */
  coverage: number;
  /** The same inside its best sentence. */
  sentence: number;
}

/**
 * Soft coverage of one chunk. `exact` tells whether the chunk (any field) has term i; sentences use their own terms.
 *
 * @example softEvidence(chunk, query.terms, query.idf, query.totalIdf, query.vectors, (i) => bodyTerms.has(query.terms[i]))
 */
export function softEvidence(
  chunk: IndexedChunk,
  terms: readonly string[],
  idf: readonly number[],
  totalIdf: number,
  query: QueryVectors | null,
  exact: (i: number) => boolean,
): SoftEvidence {
  const total = totalIdf || 1;
  const sentences = chunkSentences(chunk);
  const rows = query ? chunkRows(chunk, query.vectors) : null;
  let coverage = 0;
  terms.forEach((_, i) => {
    const credit = exact(i) ? 1 : query && rows ? softCredit(query, i, rows.chunk) : 0;
    coverage += (idf[i] ?? 0) * credit;
  });
  let best = 0;
  sentences.forEach((sentence, s) => {
    let mass = 0;
    terms.forEach((term, i) => {
      const credit = sentence.terms.has(term)
        ? 1
        : query && rows
          ? softCredit(query, i, rows.sentences[s] as Int32Array)
          : 0;
      mass += (idf[i] ?? 0) * credit;
    });
    if (mass > best) best = mass;
  });
  return { coverage: coverage / total, sentence: best / total };
}
