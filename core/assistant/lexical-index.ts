/**
 * The in-memory inverted index that retrieval ranks over: built once from the chunks' precomputed terms (no text
 * analysis at load), then shared by every question until the stored index changes.
 */
import type { ChunkSource, Locale } from "../../prisma/generated/client.js";

/** A chunk as retrieval needs it: what to cite and show, and its analysed terms. */
export interface IndexedChunk {
  id: number;
  source: ChunkSource;
  productId: number | null;
  lessonId: number | null;
  documentId: number | null;
  answerId: number | null;
  locale: Locale;
  passageId: string;
  title: string;
  headingPath: string;
  content: string;
  terms: string[];
  titleTerms: string[];
  embedding: Float32Array | null;
  /** The bundled sentence encoder's vector (English passages), for the re-ranker's similarity features. */
  encoding?: Float32Array | null;
}

/** Postings of one term in one field: chunk positions in `chunks` and the term's frequency there. */
interface Postings {
  chunks: number[];
  frequencies: number[];
}

export interface FieldIndex {
  postings: Map<string, Postings>;
  lengths: Float64Array;
  averageLength: number;
}

export interface LexicalIndex {
  chunks: IndexedChunk[];
  body: FieldIndex;
  title: FieldIndex;
  /** The body with every Latin term cut to its first PREFIX_LENGTH letters (see prefixTerm). */
  prefixBody: FieldIndex;
  /** Chunks that contain the term in any field (the idf denominator). */
  documentFrequency: Map<string, number>;
  /** The same for prefix terms of the body. */
  prefixFrequency: Map<string, number>;
}

/** Letters a Latin stem keeps in the prefix field. */
export const PREFIX_LENGTH = 5;

/**
 * A looser form of a stem for a second, recall-oriented match: the Porter stemmer keeps derivations apart that a
 * question's paraphrase uses ("compete" compet / "competitions" competit, "marry" marri / "marriage" marriag);
 * their first letters agree. Chinese terms, bigrams and numbers stay as they are.
 */
export function prefixTerm(term: string): string {
  return term.length > PREFIX_LENGTH && /^[a-z]/.test(term) ? term.slice(0, PREFIX_LENGTH) : term;
}

function buildField(chunks: IndexedChunk[], termsOf: (chunk: IndexedChunk) => string[]): FieldIndex {
  const postings = new Map<string, Postings>();
  const lengths = new Float64Array(chunks.length);
  let total = 0;
  chunks.forEach((chunk, position) => {
    const terms = termsOf(chunk);
    lengths[position] = terms.length;
    total += terms.length;
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, count] of counts) {
      let list = postings.get(term);
      if (!list) {
        list = { chunks: [], frequencies: [] };
        postings.set(term, list);
      }
      list.chunks.push(position);
      list.frequencies.push(count);
    }
  });
  return { postings, lengths, averageLength: chunks.length ? Math.max(1, total / chunks.length) : 1 };
}

/**
 * Builds the index; 10,000 chunks of ~150 terms take well under a second.
 *
 * @example const index = buildLexicalIndex(chunks); rankPassages({ index, question })
 */
export function buildLexicalIndex(chunks: IndexedChunk[]): LexicalIndex {
  const body = buildField(chunks, (chunk) => chunk.terms);
  const title = buildField(chunks, (chunk) => chunk.titleTerms);
  const prefixBody = buildField(chunks, (chunk) => chunk.terms.map(prefixTerm));
  const documentFrequency = new Map<string, number>();
  const prefixFrequency = new Map<string, number>();
  chunks.forEach((chunk) => {
    for (const term of new Set([...chunk.terms, ...chunk.titleTerms])) {
      documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    }
  });
  for (const [term, postings] of prefixBody.postings) prefixFrequency.set(term, postings.chunks.length);
  return { chunks, body, title, prefixBody, documentFrequency, prefixFrequency };
}

/**
 * Robertson–Spärck Jones idf, floored above zero. A term no chunk has gets the highest idf: a question about
 * something the material never names is most likely one it cannot answer, which abstention relies on.
 */
export function inverseDocumentFrequency(index: LexicalIndex, term: string, prefix = false): number {
  const total = index.chunks.length;
  const frequency = (prefix ? index.prefixFrequency : index.documentFrequency).get(term) ?? 0;
  return Math.log(1 + (total - frequency + 0.5) / (frequency + 0.5));
}
