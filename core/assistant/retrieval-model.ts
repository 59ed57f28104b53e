/**
 * The learned parts of retrieval, as constants: a linear re-ranker over the candidate features of
 * score-candidates.ts, and a logistic abstention model over features of the question's best candidates.
 * Both were fitted by `npm run fit:retrieval -- <qa set>` (bench/fit-retrieval.ts); the README section "Answer
 * helper: retrieval quality" says on what data and how they were checked.
 */

/** Weights of FEATURE_NAMES (score-candidates.ts), fitted as a pairwise logistic ranker. */
export const RERANK_WEIGHTS: readonly number[] = [0.6342, 3.4626, 0.7503, 2.8515, 3.3387, 3.704, 0.4966];

/** The order of abstentionFeatures(); ABSTAIN_WEIGHTS follows it (last weight: the intercept). */
export const ABSTAIN_FEATURE_NAMES = [
  "topScore", // re-ranker score of the best candidate
  "margin", // its lead over the second
  "coverage", // share of the question's idf mass the best candidate contains
  "window", // share found inside one sentence-sized window of it
  "bm25", // its BM25 over the question's best possible
  "unseenShare", // share of the question's idf mass in terms the material never uses
  "hasUnseen", // 1 when any term of the question is one the material never uses
  "phrase", // share of the question's adjacent term pairs found together in the best candidate
  "terms", // ln(1 + number of distinct question terms): short questions are ambiguous
] as const;

export const ABSTAIN_WEIGHTS: readonly number[] = [
  2.2188, 0.2515, -0.3396, -0.2391, 0.99, -0.7341, -0.6819, -2.1345, 0.0719, -12.2883,
];

/** Cite when the answerable probability reaches this: at most 3 % false citations on each dev set (5 % is the goal). */
export const ABSTAIN_THRESHOLD = 0.713;

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
