/**
 * The learned parts of retrieval, as constants: a linear re-ranker over the candidate features of
 * score-candidates.ts, and a logistic abstention model over features of the question's best candidates.
 * Both were fitted by `npm run fit:retrieval -- <qa set>` (bench/fit-retrieval.ts); the README section "Answer
 * helper: retrieval quality" says on what data and how they were checked.
 */

import type { AnswerLanguage } from "./question-language.js";

/**
 * Weights of FEATURE_NAMES (score-candidates.ts) per question language, each fitted as a pairwise logistic ranker
 * on that language's questions: Chinese ones have neither the sentence encoder's nor the word vectors' features and
 * are segmented differently, so one set of weights for both was a compromise (squad-en 0.798 fitted together,
 * 0.802 apart, cmrc-zh 0.982 and 0.987; by article in CV, where each set was always fitted alone: 0.803, 0.988).
 */
export const RERANK_WEIGHTS: Readonly<Record<AnswerLanguage, readonly number[]>> = {
  en: [
    -0.1762, 1.738, -1.0006, 1.9373, 0.9142, 0.8735, 0.1773, 0.6371, 0.0975, 1.2002, 1.1518, 0.3235, 2.5034, 2.8958,
    2.7056, 7.8082,
  ],
  zh: [
    0.6946, 2.2531, 1.4672, 0.6045, 0.5755, 2.3565, 0.9334, 0.7627, 1.3458, -0.3264, 0.6948, 1.4566, 0.7623, 1.4668,
    0.7626, 0,
  ],
};

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
  0.6307, 0.5773, 0.5776, 0.895, 1.369, 0.2759, 2.9011, 3.8852, 1.4867, -0.4922, -0.5302, -7.8779,
];

/**
 * Cite when the answerable probability reaches this, per question language: the lowest threshold that keeps false
 * citations at or below 3.5 % on the dev set of that language (5 % is the goal; the margin is for material the model
 * has not seen). Chinese and English questions are segmented differently, so one probability does not carry the same
 * confidence in both: one shared threshold (0.8223, set by English) held Chinese questions back needlessly.
 */
export const ABSTAIN_THRESHOLDS: Readonly<Record<AnswerLanguage, number>> = { en: 0.7413, zh: 0.2979 };

/**
 * The same three fitted without the sentence encoder (`npm run fit:retrieval -- <sets> --no-encoder`), for an English
 * question that has no vector: the encoder is off (SENTENCE_ENCODER=off), failed, or has not encoded the material
 * yet. The models above would read its missing similarity as "unrelated" and abstain on nearly everything.
 */
export const LEXICAL_RERANK_WEIGHTS: Readonly<Record<AnswerLanguage, readonly number[]>> = {
  en: [
    -0.0694, 2.1608, -2.3609, 2.2745, 0.5311, 2.7714, 0.3884, -0.0917, -0.1917, 1.4715, 2.1104, -0.1229, 2.7363, 4.4635,
    3.6113, 0,
  ],
  zh: RERANK_WEIGHTS.zh,
};
export const LEXICAL_ABSTAIN_WEIGHTS: readonly number[] = [
  0.7484, 1.7253, 0.3967, 0.7702, 1.3767, -0.064, 1.4189, 3.6889, 0, -0.7772, -0.4281, -7.1439,
];
export const LEXICAL_ABSTAIN_THRESHOLDS: Readonly<Record<AnswerLanguage, number>> = { en: 0.7847, zh: 0.427 };

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
    ? {
        rerank: LEXICAL_RERANK_WEIGHTS[language],
        abstain: LEXICAL_ABSTAIN_WEIGHTS,
        thresholds: LEXICAL_ABSTAIN_THRESHOLDS,
      }
    : { rerank: RERANK_WEIGHTS[language], abstain: ABSTAIN_WEIGHTS, thresholds: ABSTAIN_THRESHOLDS };
}

/** Re-ranker score of one candidate. */
export function rerankScore(features: readonly number[], weights: readonly number[]): number {
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
