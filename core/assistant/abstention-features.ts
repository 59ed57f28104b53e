/**
 * Features of the abstention decision (retrieval-model.ts, ABSTAIN_FEATURE_NAMES): how much of the question the best
 * candidate holds, measured in shares of the question's own content words so the scale is the same for a small
 * Chinese corpus and a large English one (a raw score threshold does not carry over between them).
 */
import type { LexicalIndex } from "./lexical-index.js";
import { type QuestionUnits, rareUnitCoverage, unitCoverage } from "./question-units.js";
import { type Candidate, FEATURE_NAMES } from "./score-candidates.js";
import { chunkSentences } from "./sentence-evidence.js";

const ENCODER_SIMILARITY = FEATURE_NAMES.indexOf("encoderSimilarity");

/** Abstention features (ABSTAIN_FEATURE_NAMES order) of the re-ranked candidates, best first. */
export function abstentionFeatures(
  index: LexicalIndex,
  reranked: readonly { candidate: Candidate; score: number }[],
  units: QuestionUnits,
): number[] {
  const [first, second] = reranked;
  const question = [units.unseenShare, units.unseenShare > 0 ? 1 : 0];
  const chunk = first ? index.chunks[first.candidate.position] : undefined;
  if (!first || !chunk) return [0, 0, 0, 0, 0, 0, 0, 0, 0, ...question];
  const present = new Set([...chunk.terms, ...chunk.titleTerms]);
  let sentence = 0;
  for (const { terms } of chunkSentences(chunk)) sentence = Math.max(sentence, unitCoverage(units, terms));
  const f = first.candidate.features;
  return [
    first.score,
    f[0] ?? 0,
    f[3] ?? 0,
    unitCoverage(units, present),
    sentence,
    rareUnitCoverage(units, present),
    // The lead over the runner-up, relative to the best score: one passage that stands out, not many that match a
    // little each.
    first.score > 0 ? (first.score - (second?.score ?? 0)) / first.score : 0,
    // The question names what the passage's lesson is about: answerable questions usually do ("the iPod", "四川
    //地震"), questions about something else name another subject.
    unitCoverage(units, new Set(chunk.titleTerms)),
    // How close in meaning the best passage is (0 without sentence-encoder vectors, e.g. a Chinese question).
    f[ENCODER_SIMILARITY] ?? 0,
    ...question,
  ];
}
