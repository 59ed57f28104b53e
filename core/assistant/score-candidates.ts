/**
 * First stage of retrieval: BM25 over the body and title fields picks the candidates, then each candidate gets the
 * cheap features the learned re-ranker and the abstention decision read (retrieval-model.ts). Everything is
 * normalised by the question itself (its idf mass, its best possible BM25), so the same weights work on a corpus of
 * any size and language.
 */
import { analyzeText } from "./analyze-text.js";
import { cosine } from "./embeddings-port.js";
import { type FieldIndex, inverseDocumentFrequency, type LexicalIndex, prefixTerm } from "./lexical-index.js";
import { type AnswerType, answerType, sentenceEvidence } from "./sentence-evidence.js";
import { type QueryVectors, queryVectors, softEvidence } from "./soft-evidence.js";

const K1 = 1.2;
const BODY_B = 0.75;
const TITLE_B = 0.3;
/** How much a title match counts against a body match when picking candidates. */
const TITLE_WEIGHT = 0.5;
/** Width of the passage window in which the question's terms are looked for together (about a sentence). */
const WINDOW = 20;

/** The order of `Candidate.features`; the re-ranker's weights follow it. */
export const FEATURE_NAMES = [
  "bm25", // body BM25 / the question's best possible BM25
  "bm25ToBest", // body BM25 / the best candidate's
  "coverage", // share of the question's idf mass found in the chunk (any field)
  "phrase", // share of the question's adjacent term pairs found adjacent in the chunk (idf-weighted)
  "window", // largest share of the question's idf mass inside one window of WINDOW terms
  "titleCoverage", // share of the question's idf mass found in the title and headings
  "firstStageRank", // -ln(1 + rank) in the first stage
  "sentence", // largest share of the question's idf mass inside one sentence
  "sentencePair", // largest share inside two adjacent sentences
  "answerType", // the best sentence holds what the question asks for (a year, a number, a name)
  "prefixBm25", // BM25 of the prefix field / its best possible (lexical-index.ts, prefixTerm)
  "prefixCoverage", // share of the question's prefix idf mass found in the chunk
  "prefixSentence", // largest share of it inside one sentence
  "softCoverage", // coverage with a question word the chunk says differently counted by similarity (soft-evidence.ts)
  "softSentence", // the same inside the best sentence
  "encoderSimilarity", // cosine of the question's and the chunk's sentence-encoder vectors (0: no vectors)
] as const;

export interface Candidate {
  /** Position of the chunk in `index.chunks`. */
  position: number;
  firstStageScore: number;
  features: number[];
}

export interface QueryTerms {
  /** Distinct terms, in first-seen order. */
  terms: string[];
  idf: number[];
  totalIdf: number;
  /** Share of the idf mass in terms no chunk contains (a topic the material never names). */
  unseenShare: number;
  /** Adjacent pairs of the question (indices into `terms`), as "i,j". */
  pairs: Set<string>;
  pairWeight: Map<string, number>;
  totalPairWeight: number;
  /** What the question asks for, from its wording. */
  type: AnswerType;
  /** The question's terms in prefix form (distinct) and their idf in the prefix field. */
  prefix: { terms: string[]; idf: number[]; totalIdf: number };
  /** The terms' word vectors (null: no question word has one). */
  vectors: QueryVectors | null;
}

/** The question's terms with their weights, computed once per question. */
export function weighQuery(index: LexicalIndex, analysed: string[], question = ""): QueryTerms {
  const terms: string[] = [];
  const positionOf = new Map<string, number>();
  for (const term of analysed) {
    if (!positionOf.has(term)) {
      positionOf.set(term, terms.length);
      terms.push(term);
    }
  }
  const idf = terms.map((term) => inverseDocumentFrequency(index, term));
  const totalIdf = idf.reduce((sum, value) => sum + value, 0);
  let unseen = 0;
  terms.forEach((term, i) => {
    if (!index.documentFrequency.has(term)) unseen += idf[i] ?? 0;
  });
  const pairs = new Set<string>();
  const pairWeight = new Map<string, number>();
  let totalPairWeight = 0;
  for (let i = 0; i + 1 < analysed.length; i += 1) {
    const a = positionOf.get(analysed[i] as string) as number;
    const b = positionOf.get(analysed[i + 1] as string) as number;
    const key = `${a},${b}`;
    if (a === b || pairs.has(key)) continue;
    pairs.add(key);
    const weight = Math.min(idf[a] ?? 0, idf[b] ?? 0);
    pairWeight.set(key, weight);
    totalPairWeight += weight;
  }
  return {
    terms,
    idf,
    totalIdf,
    unseenShare: totalIdf > 0 ? unseen / totalIdf : 1,
    pairs,
    pairWeight,
    totalPairWeight,
    type: answerType(question),
    prefix: weighPrefixes(index, terms),
    vectors: queryVectors(question, terms, (word) => analyzeText(word)[0]),
  };
}

function weighPrefixes(index: LexicalIndex, terms: string[]): QueryTerms["prefix"] {
  const prefixes = [...new Set(terms.map(prefixTerm))];
  const idf = prefixes.map((term) => inverseDocumentFrequency(index, term, true));
  return { terms: prefixes, idf, totalIdf: idf.reduce((sum, value) => sum + value, 0) };
}

function addBm25(
  field: FieldIndex,
  query: Pick<QueryTerms, "terms" | "idf">,
  b: number,
  weight: number,
  scores: Float64Array,
): void {
  query.terms.forEach((term, i) => {
    const postings = field.postings.get(term);
    if (!postings) return;
    const idf = query.idf[i] ?? 0;
    for (let k = 0; k < postings.chunks.length; k += 1) {
      const position = postings.chunks[k] as number;
      const frequency = postings.frequencies[k] as number;
      const norm = 1 - b + (b * (field.lengths[position] as number)) / field.averageLength;
      scores[position] = (scores[position] as number) + (weight * idf * frequency * (K1 + 1)) / (frequency + K1 * norm);
    }
  });
}

/** Plain BM25 of the body field for every chunk (also the reference the dev-set README compares against). */
export function bodyBm25(index: LexicalIndex, query: QueryTerms): Float64Array {
  const scores = new Float64Array(index.chunks.length);
  addBm25(index.body, query, BODY_B, 1, scores);
  return scores;
}

function topPositions(scores: Float64Array, limit: number): number[] {
  const positions: number[] = [];
  for (let i = 0; i < scores.length; i += 1) if ((scores[i] as number) > 0) positions.push(i);
  positions.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  return positions.slice(0, limit);
}

/** Idf-weighted phrase and window evidence of one chunk's terms for the question. */
function proximity(terms: string[], query: QueryTerms, queryIndex: Map<string, number>) {
  let phraseWeight = 0;
  const seenPairs = new Set<string>();
  const hits: number[] = [];
  const hitTerms: number[] = [];
  let previous = -1;
  for (let p = 0; p < terms.length; p += 1) {
    const q = queryIndex.get(terms[p] as string);
    if (q === undefined) {
      previous = -1;
      continue;
    }
    if (previous >= 0) {
      const key = `${previous},${q}`;
      if (query.pairs.has(key) && !seenPairs.has(key)) {
        seenPairs.add(key);
        phraseWeight += query.pairWeight.get(key) ?? 0;
      }
    }
    previous = q;
    hits.push(p);
    hitTerms.push(q);
  }
  // Two pointers over the hits: the idf mass of distinct question terms inside any WINDOW-wide span.
  const counts = new Map<number, number>();
  let mass = 0;
  let best = 0;
  let start = 0;
  for (let end = 0; end < hits.length; end += 1) {
    const q = hitTerms[end] as number;
    const count = counts.get(q) ?? 0;
    if (count === 0) mass += query.idf[q] ?? 0;
    counts.set(q, count + 1);
    while ((hits[end] as number) - (hits[start] as number) >= WINDOW) {
      const out = hitTerms[start] as number;
      const left = (counts.get(out) as number) - 1;
      counts.set(out, left);
      if (left === 0) mass -= query.idf[out] ?? 0;
      start += 1;
    }
    if (mass > best) best = mass;
  }
  return {
    phrase: query.totalPairWeight > 0 ? phraseWeight / query.totalPairWeight : 0,
    window: query.totalIdf > 0 ? best / query.totalIdf : 0,
  };
}

/**
 * The best `limit` candidates by BM25 (body plus a share of the title), each with FEATURE_NAMES features.
 *
 * @example const { candidates } = scoreCandidates(index, weighQuery(index, analyzeText(question)))
 */
export function scoreCandidates(
  index: LexicalIndex,
  query: QueryTerms,
  options: {
    /** The question's vector from the bundled sentence encoder (English questions); null: its feature stays 0. */
    questionEncoding?: Float32Array | null;
    limit?: number;
  } = {},
): { candidates: Candidate[] } {
  const limit = options.limit ?? 40;
  if (query.terms.length === 0 || index.chunks.length === 0) return { candidates: [] };
  const body = bodyBm25(index, query);
  const combined = new Float64Array(body);
  addBm25(index.title, query, TITLE_B, TITLE_WEIGHT, combined);
  const positions = topPositions(combined, limit);
  const maxPossible = query.idf.reduce((sum, idf) => sum + idf * (K1 + 1), 0) || 1;
  const prefixScores = new Float64Array(index.chunks.length);
  addBm25(index.prefixBody, query.prefix, BODY_B, 1, prefixScores);
  const prefixMaxPossible = query.prefix.totalIdf * (K1 + 1) || 1;
  const bestBody = Math.max(...positions.map((p) => body[p] as number), 1e-9);
  const queryIndex = new Map(query.terms.map((term, i) => [term, i]));
  const candidates = positions.map((position, rank) => {
    const chunk = index.chunks[position];
    if (!chunk) throw new Error("candidate outside the index");
    const bodyTerms = new Set(chunk.terms);
    const titleTerms = new Set(chunk.titleTerms);
    let covered = 0;
    let titleCovered = 0;
    query.terms.forEach((term, i) => {
      const idf = query.idf[i] ?? 0;
      if (bodyTerms.has(term) || titleTerms.has(term)) covered += idf;
      if (titleTerms.has(term)) titleCovered += idf;
    });
    const { phrase, window } = proximity(chunk.terms, query, queryIndex);
    const total = query.totalIdf || 1;
    const evidence = sentenceEvidence(chunk, query.terms, query.idf, query.totalIdf, query.type);
    const prefixEvidence = sentenceEvidence(
      chunk,
      query.prefix.terms,
      query.prefix.idf,
      query.prefix.totalIdf,
      query.type,
      true,
    );
    const soft = softEvidence(
      chunk,
      query.terms,
      query.idf,
      query.totalIdf,
      query.vectors,
      (i) => bodyTerms.has(query.terms[i] as string) || titleTerms.has(query.terms[i] as string),
    );
    const prefixTerms = new Set(chunk.terms.map(prefixTerm));
    let prefixCovered = 0;
    query.prefix.terms.forEach((term, i) => {
      if (prefixTerms.has(term)) prefixCovered += query.prefix.idf[i] ?? 0;
    });
    return {
      position,
      firstStageScore: combined[position] as number,
      features: [
        (body[position] as number) / maxPossible,
        (body[position] as number) / bestBody,
        covered / total,
        phrase,
        window,
        titleCovered / total,
        -Math.log(1 + rank),
        evidence.sentence,
        evidence.pair,
        evidence.typeMatch,
        (prefixScores[position] as number) / prefixMaxPossible,
        prefixCovered / (query.prefix.totalIdf || 1),
        prefixEvidence.sentence,
        soft.coverage,
        soft.sentence,
      ],
    };
  });
  setEncoderFeature(index, candidates, options.questionEncoding ?? null);
  return { candidates };
}

const ENCODER_SIMILARITY = FEATURE_NAMES.indexOf("encoderSimilarity");

/**
 * Sets the sentence-encoder feature of every candidate (again, once the question's vector has arrived: see
 * rank-passages.ts). A candidate without a vector (not encoded yet, or not English) gets the candidates' mean
 * similarity, so a missing vector neither helps nor hurts it; without a question vector all are 0.
 */
export function setEncoderFeature(index: LexicalIndex, candidates: Candidate[], question: Float32Array | null): void {
  const similarities = candidates.map((candidate) => {
    const vector = index.chunks[candidate.position]?.encoding;
    return question && vector ? cosine(question, vector) : Number.NaN;
  });
  const known = similarities.filter((value) => !Number.isNaN(value));
  const mean = known.length ? known.reduce((sum, value) => sum + value, 0) / known.length : 0;
  const filled = similarities.map((value) => (Number.isNaN(value) ? mean : value));
  candidates.forEach((candidate, i) => {
    candidate.features[ENCODER_SIMILARITY] = filled[i] as number;
  });
}
