/**
 * Content similarity between items, for the items interactions cannot place yet (a new course): TF-IDF vectors over
 * the words of titles and summaries in both languages (the knowledge index's analyser: stemmed English, jieba words
 * and bigrams for Chinese) plus each tag as one whole term, cosine similarity, each item's best neighbours kept.
 *
 * @example buildContentNeighbours({ itemIds, describe: (id) => ({ texts: [title], tags: ["author:Ann"] }), neighbours: 50 })
 */
import { analyzeText } from "../assistant/analyze-text.js";
import { type SparseRows, sparseFromTriples } from "./recommend-interaction-matrix.js";
import { topIndexes } from "./recommend-top-indexes.js";

/** What an item says about itself. */
export interface ItemDescription {
  /** Titles, summaries (any language). */
  texts: readonly string[];
  /** Whole labels: tags, authors, series. */
  tags: readonly string[];
}

export interface BuildContentNeighboursOptions {
  /** Item ids in the interaction matrix's order. */
  itemIds: readonly string[];
  describe: (itemId: string) => ItemDescription | undefined;
  /** Neighbours kept per item. */
  neighbours: number;
}

/**
 * Terms shared by more than this share of the catalog are left out of the similarity: they say almost nothing
 * (their IDF is near zero) and their long posting lists would make the all-pairs pass quadratic.
 */
const COMMON_TERM_SHARE = 0.1;

/** Items × items cosine similarity, each row the item's best `neighbours` (itself excluded). */
export function buildContentNeighbours(options: BuildContentNeighboursOptions): SparseRows {
  const m = options.itemIds.length;
  const termIndex = new Map<string, number>();
  const documents: Map<number, number>[] = [];
  const documentFrequency: number[] = [];
  for (const itemId of options.itemIds) {
    const counts = new Map<number, number>();
    const description = options.describe(itemId);
    const terms = description
      ? [
          ...description.texts.flatMap((text) => analyzeText(text)),
          ...description.tags.map((tag) => `#${tag.trim().toLowerCase()}`),
        ]
      : [];
    for (const term of terms) {
      let t = termIndex.get(term);
      if (t === undefined) {
        t = documentFrequency.length;
        termIndex.set(term, t);
        documentFrequency.push(0);
      }
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    for (const t of counts.keys()) documentFrequency[t]! += 1;
    documents.push(counts);
  }
  // A small catalog keeps every term: there the pass is cheap and every shared tag matters.
  const maxFrequency = Math.max(100, COMMON_TERM_SHARE * m);
  const postings: { item: number; weight: number }[][] = documentFrequency.map(() => []);
  documents.forEach((counts, item) => {
    const weights: [number, number][] = [];
    let norm = 0;
    for (const [t, count] of counts) {
      const df = documentFrequency[t]!;
      // A term only one item has cannot make two items similar.
      if (df < 2 || df > maxFrequency) continue;
      const weight = (1 + Math.log(count)) * Math.log(m / df);
      weights.push([t, weight]);
      norm += weight * weight;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (const [t, weight] of weights) postings[t]!.push({ item, weight: weight * scale });
  });
  const vectors: [number, number][][] = documents.map(() => []);
  postings.forEach((list, t) => {
    for (const { item, weight } of list) vectors[item]!.push([t, weight]);
  });
  const similarity = new Float64Array(m);
  const touched: number[] = [];
  const triples: [number, number, number][] = [];
  for (let i = 0; i < m; i += 1) {
    for (const [t, weight] of vectors[i]!) {
      for (const posting of postings[t]!) {
        if (posting.item === i) continue;
        if (similarity[posting.item] === 0) touched.push(posting.item);
        similarity[posting.item]! += weight * posting.weight;
      }
    }
    for (const j of topIndexes(similarity, options.neighbours, touched)) triples.push([i, j, similarity[j]!]);
    for (const j of touched) similarity[j] = 0;
    touched.length = 0;
  }
  return sparseFromTriples(m, m, triples);
}
