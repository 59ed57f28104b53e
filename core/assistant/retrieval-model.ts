/**
 * The learned parts of retrieval, as constants: a linear re-ranker over the candidate features of
 * score-candidates.ts, and a logistic abstention model over features of the question's best candidates.
 * Both were fitted by `npm run fit:retrieval -- <qa set>` (bench/fit-retrieval.ts); the README section "Answer
 * helper: retrieval quality" says on what data and how they were checked.
 */

import type { AnswerLanguage } from "./question-language.js";

/** Weights of FEATURE_NAMES (score-candidates.ts), fitted as a pairwise logistic ranker. */
export const RERANK_WEIGHTS: readonly number[] = [
  -0.1894, 2.5077, -0.8914, 1.9225, 0.5831, 2.0918, 0.1383, 0.664, 0.1879, 1.1367, 0.9634, 0.3445, 2.3034, 2.8767,
  2.6281, 7.0856,
];

/** The order of abstentionFeatures(); ABSTAIN_WEIGHTS follows it (last weight: the intercept). */
export const ABSTAIN_FEATURE_NAMES = [
  "topScore", // re-ranker score of the best candidate
  "bm25", // its BM25 over the question's best possible
  "phrase", // share of the question's adjacent term pairs found together in it
  "unitCoverage", // share of the question's content-word idf mass it contains (question-units.ts)
  "unitSentence", // the same inside its best sentence
  "rareCoverage", // the same for the question's two rarest content words
  "margin", // the best candidate's lead over the second, relative to its score
  "titleCoverage", // share of the question's content-word idf mass in the best candidate's title and headings
  "encoderSimilarity", // the best candidate's sentence-encoder cosine with the question (0: no vectors)
  "unseenShare", // share of the question's content-word idf mass in words the material never uses
  "hasUnseen", // 1 when any content word of the question is one the material never uses
] as const;

export const ABSTAIN_WEIGHTS: readonly number[] = [
  0.5507, 0.7023, 0.6981, 1.1404, 1.4368, 0.382, 2.5186, 4.0414, 1.779, -0.5425, -0.5316, -7.5084,
];

/**
 * Cite when the answerable probability reaches this, per question language: the lowest threshold that keeps false
 * citations at or below 3.5 % on the dev set of that language (5 % is the goal; the margin is for material the model
 * has not seen). Chinese and English questions are segmented differently, so one probability does not carry the same
 * confidence in both: one shared threshold (0.8223, set by English) held Chinese questions back needlessly.
 */
export const ABSTAIN_THRESHOLDS: Readonly<Record<AnswerLanguage, number>> = { en: 0.7076, zh: 0.2445 };

/**
 * The same three fitted without the sentence encoder (`npm run fit:retrieval -- <sets> --no-encoder`), for an English
 * question that has no vector: the encoder is off (SENTENCE_ENCODER=off), failed, or has not encoded the material
 * yet. The models above would read its missing similarity as "unrelated" and abstain on nearly everything.
 */
export const LEXICAL_RERANK_WEIGHTS: readonly number[] = [
  -0.0224, 2.3921, -1.9963, 2.1839, 0.342, 3.0362, 0.3757, 0.0824, -0.0761, 1.403, 1.8063, 0.0126, 2.4963, 4.1352,
  3.4679, 0,
];
export const LEXICAL_ABSTAIN_WEIGHTS: readonly number[] = [
  0.7597, 1.8265, 0.2556, 0.721, 1.1465, -0.0105, 1.2048, 3.5306, 0, -0.8077, -0.4657, -7.1783,
];
export const LEXICAL_ABSTAIN_THRESHOLDS: Readonly<Record<AnswerLanguage, number>> = { en: 0.7793, zh: 0.3822 };

export interface RetrievalModel {
  rerank: readonly number[];
  abstain: readonly number[];
  thresholds: Readonly<Record<AnswerLanguage, number>>;
}

/**
 * The constants for one question: the encoder's, unless it is an English question without a vector. Chinese
 * questions never have one (the encoder reads English), and the encoder's constants were fitted with that.
 *
 * @example const model = retrievalModelFor("en", questionEncoding !== null)
 */
export function retrievalModelFor(language: AnswerLanguage, encoded: boolean): RetrievalModel {
  return language === "en" && !encoded
    ? { rerank: LEXICAL_RERANK_WEIGHTS, abstain: LEXICAL_ABSTAIN_WEIGHTS, thresholds: LEXICAL_ABSTAIN_THRESHOLDS }
    : { rerank: RERANK_WEIGHTS, abstain: ABSTAIN_WEIGHTS, thresholds: ABSTAIN_THRESHOLDS };
}

/** Re-ranker score of one candidate. */
export function rerankScore(features: readonly number[], weights: readonly number[] = RERANK_WEIGHTS): number {
  let score = 0;
  for (let i = 0; i < features.length; i += 1) score += (features[i] ?? 0) * (weights[i] ?? 0);
  return score;
}

/** Probability that the material answers the question, from ABSTAIN_FEATURE_NAMES features. */
export function answerableProbability(
  features: readonly number[],
  weights: readonly number[] = ABSTAIN_WEIGHTS,
): number {
  let z = weights[features.length] ?? 0;
  for (let i = 0; i < features.length; i += 1) z += (features[i] ?? 0) * (weights[i] ?? 0);
  return 1 / (1 + Math.exp(-z));
}
