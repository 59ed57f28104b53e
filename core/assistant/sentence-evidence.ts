/**
 * Sentence-level evidence for the re-ranker: a question usually paraphrases one sentence of the passage that
 * answers it, so the share of the question found inside one sentence (or two adjacent ones) separates the right
 * passage from neighbours that mention the same words far apart. Each chunk's sentences are analysed the first time
 * the chunk is a candidate and kept with the in-memory index, so the stored index needs no extra column.
 */
import { analyzeText } from "./analyze-text.js";
import { type IndexedChunk, prefixTerm } from "./lexical-index.js";

/** A sentence ends at . ! ? (followed by a space) or at Chinese end punctuation, or at a line break. */
const SENTENCE_END = /(?<=[.!?]["”’)]?)\s+(?=["“‘(]?[\p{Lu}\p{N}\p{Script=Han}])|(?<=[。！？；!?])|\n+/u;

/** The sentences of a text (empty pieces dropped). */
export function splitSentences(text: string): string[] {
  return text
    .split(SENTENCE_END)
    .map((sentence) => sentence.trim())
    .filter(Boolean);
}

export interface AnalysedSentence {
  text: string;
  terms: Set<string>;
  /** The same terms in their prefix form (lexical-index.ts, prefixTerm). */
  prefixTerms: Set<string>;
}

const sentencesOf = new WeakMap<IndexedChunk, AnalysedSentence[]>();

/** The analysed sentences of a chunk, computed once per loaded index. */
export function chunkSentences(chunk: IndexedChunk): AnalysedSentence[] {
  let sentences = sentencesOf.get(chunk);
  if (!sentences) {
    sentences = splitSentences(chunk.content).map((text) => {
      const terms = analyzeText(text);
      return { text, terms: new Set(terms), prefixTerms: new Set(terms.map(prefixTerm)) };
    });
    sentencesOf.set(chunk, sentences);
  }
  return sentences;
}

/** What a question asks for, read from its wording (English and Chinese). */
export type AnswerType = "year" | "number" | "person" | "other";

const YEAR_QUESTION =
  /\b(when|what year|which year|what decade|what century|what date|which date|what day)\b|哪一?年|何年|何时|什么时候|哪天|哪一天|几月|日期/iu;
const NUMBER_QUESTION =
  /\bhow (many|much|long|old|far|large|big|tall|high|often)\b|\bwhat (percentage|percent|number|amount)\b|多少|几[个位次名种年天岁本部座条]|多[长久大高远重]/iu;
const PERSON_QUESTION = /\b(who|whom|whose)\b|谁|哪位|何人/iu;

/** The answer type of a question (the first rule that matches wins: "how many years" asks for a number). */
export function answerType(question: string): AnswerType {
  if (NUMBER_QUESTION.test(question)) return "number";
  if (YEAR_QUESTION.test(question)) return "year";
  if (PERSON_QUESTION.test(question)) return "person";
  return "other";
}

const YEAR_OR_DATE =
  /\b(1[0-9]{3}|20[0-9]{2})s?\b|\b(January|February|March|April|May|June|July|August|September|October|November|December)\b|[0-9０-９一二三四五六七八九十百千〇零]+年|[0-9一二三四五六七八九十]+月|[0-9一二三四五六七八九十]+日/u;
const NUMBER =
  /[0-9０-９]|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozen)\b|[一二三四五六七八九十百千万亿两]/iu;
// A capitalised word that does not start the sentence (a name), or a Chinese personal-name cue.
const PERSON = /\s[\p{Lu}][\p{Ll}]+|[他她]|先生|女士|教授|皇帝|国王/u;

/** Whether a sentence holds the kind of thing the question asks for. */
export function holdsAnswerType(sentence: string, type: AnswerType): boolean {
  if (type === "year") return YEAR_OR_DATE.test(sentence);
  if (type === "number") return NUMBER.test(sentence);
  if (type === "person") return PERSON.test(sentence);
  return false;
}

export interface SentenceEvidence {
  /** Largest share of the question's idf mass inside one sentence. */
  sentence: number;
  /** Largest share inside two adjacent sentences. */
  pair: number;
  /** 1 when the best sentence holds what the question asks for (a year, a number, a name). */
  typeMatch: number;
}

/**
 * Evidence of one chunk for a question given as distinct terms with their idf weights.
 *
 * @example sentenceEvidence(chunk, ["earthquak", "2008"], [3.1, 2.2], 5.3, "year")
 */
export function sentenceEvidence(
  chunk: IndexedChunk,
  terms: readonly string[],
  idf: readonly number[],
  totalIdf: number,
  type: AnswerType,
  prefix = false,
): SentenceEvidence {
  const sentences = chunkSentences(chunk);
  const termsOf = (sentence: AnalysedSentence) => (prefix ? sentence.prefixTerms : sentence.terms);
  const mass = sentences.map((sentence) => {
    const present = termsOf(sentence);
    let sum = 0;
    terms.forEach((term, i) => {
      if (present.has(term)) sum += idf[i] ?? 0;
    });
    return sum;
  });
  let best = 0;
  let bestAt = -1;
  let pair = 0;
  mass.forEach((value, i) => {
    if (value > best) {
      best = value;
      bestAt = i;
    }
  });
  for (let i = 0; i + 1 < sentences.length; i += 1) {
    const a = termsOf(sentences[i] as AnalysedSentence);
    const b = termsOf(sentences[i + 1] as AnalysedSentence);
    let sum = 0;
    terms.forEach((term, k) => {
      if (a.has(term) || b.has(term)) sum += idf[k] ?? 0;
    });
    if (sum > pair) pair = sum;
  }
  const total = totalIdf || 1;
  const bestSentence = sentences[bestAt]?.text ?? "";
  return {
    sentence: best / total,
    pair: Math.max(pair, best) / total,
    typeMatch: type !== "other" && bestSentence && holdsAnswerType(bestSentence, type) ? 1 : 0,
  };
}
