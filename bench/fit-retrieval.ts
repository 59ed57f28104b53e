/**
 * `npm run fit:retrieval -- <qa set dir> [<qa set dir> …] [--chinese MODE] [--fcr 0.035] [--drop f,g] [--abstain-drop f,g]`
 *
 * Fits the two learned parts of retrieval (core/assistant/retrieval-model.ts) on QA sets in the format of
 * shared/data/qa/README.md, read where they lie (nothing is copied into the repository), and prints:
 * 1. plain BM25 and the re-ranker, cross-validated by article inside each set (the models never see the article
 *    they are tested on), with abstention fitted in the same folds;
 * 2. leave-one-set-out: fitted on one set, measured on each other one;
 * 3. the constants fitted on all sets together, to paste into retrieval-model.ts, and their in-sample figures
 *    (run it twice: as is, and with --no-encoder for the LEXICAL_ constants used when a question has no vector).
 * Each abstention line is followed by the figures at the threshold that would give exactly 5 % false citations on
 * the test questions: how well the probability separates, apart from where the fitted threshold lands.
 * --drop / --abstain-drop zero features by name (FEATURE_NAMES, ABSTAIN_FEATURE_NAMES) to measure what each adds.
 *
 * Re-ranker: pairwise logistic regression on feature differences (right passage minus each other candidate).
 * Abstention: logistic regression, label 1 for an answerable question, classes weighted equally; the threshold is
 * the lowest probability that keeps false citations on the training questions of every set at or below --fcr
 * (default 0.035, leaving room under the 0.05 goal for data it has not seen).
 */

import { localSentenceEncoder } from "../bots/sentence-encoder.js";
import { abstentionFeatures } from "../core/assistant/abstention-features.js";
import { analyzeText, type ChineseMode } from "../core/assistant/analyze-text.js";
import type { LexicalIndex } from "../core/assistant/lexical-index.js";
import { type AnswerLanguage, questionLanguage } from "../core/assistant/question-language.js";
import { type QuestionUnits, questionUnits } from "../core/assistant/question-units.js";
import { ABSTAIN_FEATURE_NAMES, answerableProbability, rerankScore } from "../core/assistant/retrieval-model.js";
import {
  bodyBm25,
  type Candidate,
  FEATURE_NAMES,
  type QueryTerms,
  scoreCandidates,
  weighQuery,
} from "../core/assistant/score-candidates.js";
import { fitLogistic } from "./logistic-regression.js";
import { encodeQaSet, type QaSet, readQaSet } from "./qa-set.js";

interface Prepared {
  answerable: boolean;
  fold: number;
  candidates: Candidate[];
  /** Index in `candidates` of the right passage (-1: not among them, or unanswerable). */
  gold: number;
  query: QueryTerms;
  units: QuestionUnits;
  index: LexicalIndex;
  bm25Top: string[];
  goldPassage: string | null;
  /** The question's language (its script): each language has its own abstention threshold. */
  language: AnswerLanguage;
}

const FOLDS = 5;

function prepare(set: QaSet, chinese: ChineseMode, encodings: Map<string, Float32Array>): Prepared[] {
  const out: Prepared[] = [];
  const documents = [...new Set(set.documentOf.values())].sort((a, b) => a - b);
  // Folds by article: every question of an article is tested by a model that never saw that article.
  const foldOfDocument = new Map(documents.map((doc, i) => [doc, i % FOLDS]));
  const all = [...set.questions, ...set.unanswerable];
  all.forEach((q, n) => {
    const analysed = analyzeText(q.question, { chinese });
    const query = weighQuery(set.index, analysed, q.question);
    const { candidates } = scoreCandidates(set.index, query, { questionEncoding: encodings.get(q.id) ?? null });
    for (const candidate of candidates) for (const j of dropped) candidate.features[j] = 0;
    const bm25 = bodyBm25(set.index, query);
    const bm25Top = [...bm25.keys()]
      .filter((p) => (bm25[p] as number) > 0)
      .sort((a, b) => (bm25[b] as number) - (bm25[a] as number))
      .slice(0, 3)
      .map((p) => set.index.chunks[p]?.passageId as string);
    const gold = q.passageId
      ? candidates.findIndex((c) => set.index.chunks[c.position]?.passageId === q.passageId)
      : -1;
    const fold = q.passageId ? (foldOfDocument.get(set.documentOf.get(q.passageId) ?? 0) ?? 0) : n % FOLDS;
    out.push({
      answerable: q.passageId !== null,
      fold,
      candidates,
      gold,
      query,
      units: questionUnits(set.index, analysed),
      index: set.index,
      bm25Top,
      goldPassage: q.passageId,
      language: questionLanguage(q.question),
    });
  });
  return out;
}

/** Re-ranker weights per question language. */
type Weights = Record<AnswerLanguage, number[]>;

/**
 * One re-ranker per question language, each fitted on that language's questions (a language without any gets the
 * fit on all): Chinese questions have no sentence-encoder or word-vector features and are segmented differently,
 * so one set of weights for both was a compromise (squad-en in-sample 0.798 fitted together, 0.802 apart).
 */
function fitReranker(questions: Prepared[]): Weights {
  const all = questions.some((q) => q.gold >= 0) ? fitPairwise(questions) : [];
  const of = (language: AnswerLanguage) => {
    const own = questions.filter((q) => q.language === language);
    return own.some((q) => q.gold >= 0) ? fitPairwise(own) : all;
  };
  return { en: of("en"), zh: of("zh") };
}

function fitPairwise(questions: Prepared[]): number[] {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (const q of questions) {
    const gold = q.candidates[q.gold];
    if (!gold) continue;
    q.candidates.forEach((other, i) => {
      if (i === q.gold) return;
      // Both orders, so the model needs no intercept and stays symmetric.
      const diff = gold.features.map((value, j) => value - (other.features[j] as number));
      rows.push(
        diff,
        diff.map((value) => -value),
      );
      labels.push(1, 0);
    });
  }
  return fitLogistic(rows, labels, { l2: 1e-4 });
}

function rerank(q: Prepared, weights: Weights) {
  return q.candidates
    .map((candidate, i) => ({ candidate, i, score: rerankScore(candidate.features, weights[q.language]) }))
    .sort((a, b) => b.score - a.score || a.candidate.position - b.candidate.position);
}

function abstainRow(q: Prepared, ranked: ReturnType<typeof rerank>): number[] {
  const row = abstentionFeatures(q.index, ranked, q.units);
  for (const j of abstainDropped) row[j] = 0;
  return row;
}

function fitAbstention(questions: Prepared[], weights: Weights, fcrGoal: number) {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (const q of questions) {
    const ranked = rerank(q, weights);
    rows.push(abstainRow(q, ranked));
    // Label: answerable or not (fitting "first citation right" instead measured worse on both sets).
    labels.push(q.answerable ? 1 : 0);
  }
  const positives = labels.filter(Boolean).length;
  const negatives = labels.length - positives;
  const sampleWeights = labels.map((label) =>
    label ? labels.length / (2 * positives) : labels.length / (2 * negatives),
  );
  const abstain = fitLogistic(rows, labels, { intercept: true, l2: 1e-3, sampleWeights });
  return { abstain, threshold: thresholdFor(questions, weights, abstain, fcrGoal) };
}

/** The lowest threshold whose false-citation rate on these unanswerable questions stays within the goal. */
function thresholdFor(questions: Prepared[], weights: Weights, abstain: number[], fcrGoal: number): number {
  const unanswerable = questions
    .filter((q) => !q.answerable)
    .map((q) => answerableProbability(abstainRow(q, rerank(q, weights)), abstain))
    .sort((a, b) => b - a);
  const allowed = Math.floor(fcrGoal * unanswerable.length);
  return (unanswerable[allowed] ?? 0) + 1e-9;
}

interface Figures {
  top1: number;
  top3: number;
  fcr: number;
}

function measure(
  questions: Prepared[],
  weights: Weights | null,
  abstention: { abstain: number[]; threshold: number; byLanguage?: Record<AnswerLanguage, number> } | null,
): Figures {
  let top1 = 0;
  let top3 = 0;
  let answerable = 0;
  let cited = 0;
  let unanswerable = 0;
  for (const q of questions) {
    let cites: boolean;
    let first = false;
    let inTop3 = false;
    if (weights) {
      const ranked = rerank(q, weights);
      const threshold = abstention?.byLanguage?.[q.language] ?? abstention?.threshold ?? 0;
      cites = !abstention || answerableProbability(abstainRow(q, ranked), abstention.abstain) >= threshold;
      first = q.gold >= 0 && ranked[0]?.i === q.gold;
      inTop3 = q.gold >= 0 && ranked.slice(0, 3).some((r) => r.i === q.gold);
    } else {
      cites = q.bm25Top.length > 0;
      first = q.bm25Top[0] === q.goldPassage;
      inTop3 = q.goldPassage !== null && q.bm25Top.includes(q.goldPassage);
    }
    if (q.answerable) {
      answerable += 1;
      if (cites && first) top1 += 1;
      if (cites && inTop3) top3 += 1;
    } else {
      unanswerable += 1;
      if (cites && q.candidates.length > 0) cited += 1;
    }
  }
  return { top1: top1 / answerable, top3: top3 / answerable, fcr: unanswerable ? cited / unanswerable : 0 };
}

const show = (f: Figures) => `top-1 ${f.top1.toFixed(3)}  top-3 ${f.top3.toFixed(3)}  fcr ${f.fcr.toFixed(3)}`;

/** One question's outcome under a fitted model: where the right passage ranks and how answerable it looks. */
interface Outcome {
  answerable: boolean;
  first: boolean;
  inTop3: boolean;
  hasCandidates: boolean;
  probability: number;
  threshold: number;
}

function outcomes(questions: Prepared[], weights: Weights, abstention: { abstain: number[]; threshold: number }) {
  return questions.map((q): Outcome => {
    const ranked = rerank(q, weights);
    return {
      answerable: q.answerable,
      first: q.gold >= 0 && ranked[0]?.i === q.gold,
      inTop3: q.gold >= 0 && ranked.slice(0, 3).some((r) => r.i === q.gold),
      hasCandidates: q.candidates.length > 0,
      probability: answerableProbability(abstainRow(q, ranked), abstention.abstain),
      threshold: abstention.threshold,
    };
  });
}

/** Figures of outcomes: without abstention, with each model's own threshold, and with the threshold that would
 * have kept false citations at `oracleFcr` on exactly these questions (how well the probability separates, apart
 * from where the threshold lands). */
function summarise(list: Outcome[], oracleFcr: number) {
  const figures = (cites: (o: Outcome) => boolean): Figures => {
    const answerable = list.filter((o) => o.answerable);
    const unanswerable = list.filter((o) => !o.answerable);
    return {
      top1: answerable.filter((o) => cites(o) && o.first).length / (answerable.length || 1),
      top3: answerable.filter((o) => cites(o) && o.inTop3).length / (answerable.length || 1),
      fcr: unanswerable.filter((o) => cites(o) && o.hasCandidates).length / (unanswerable.length || 1),
    };
  };
  const negatives = list
    .filter((o) => !o.answerable && o.hasCandidates)
    .map((o) => o.probability)
    .sort((a, b) => b - a);
  const unanswerableCount = list.filter((o) => !o.answerable).length;
  const oracle = (negatives[Math.floor(oracleFcr * unanswerableCount)] ?? 0) + 1e-12;
  return {
    rank: figures(() => true),
    abstain: figures((o) => o.probability >= o.threshold),
    oracle: figures((o) => o.probability >= oracle),
  };
}

function crossValidate(questions: Prepared[], fcrGoal: number) {
  const pooled: Outcome[] = [];
  for (let fold = 0; fold < FOLDS; fold += 1) {
    const train = questions.filter((q) => q.fold !== fold);
    const test = questions.filter((q) => q.fold === fold);
    const weights = fitReranker(train);
    pooled.push(...outcomes(test, weights, fitAbstention(train, weights, fcrGoal)));
  }
  return summarise(pooled, 0.05);
}

const argv = process.argv.slice(2);
const option = (name: string) => {
  const at = argv.indexOf(name);
  if (at < 0) return undefined;
  const [value] = argv.splice(at, 2).slice(1);
  return value;
};
const chinese = (option("--chinese") ?? "words+bigrams") as ChineseMode;
const fcrGoal = Number(option("--fcr") ?? "0.035");
// --drop name,name: measure without some re-ranker features (ablation).
const dropped = (option("--drop") ?? "")
  .split(",")
  .filter(Boolean)
  .map((name) => FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number]));
const abstainDropped = (option("--abstain-drop") ?? "")
  .split(",")
  .filter(Boolean)
  .map((name) => ABSTAIN_FEATURE_NAMES.indexOf(name as (typeof ABSTAIN_FEATURE_NAMES)[number]));
if (argv.length === 0) {
  console.error("usage: npm run fit:retrieval -- <qa set dir> [<qa set dir> …] [--chinese MODE] [--fcr 0.035]");
  process.exit(2);
}

// The bundled sentence encoder, as the product runs it (--no-encoder: measure without its features).
const encoder = argv.includes("--no-encoder") ? null : localSentenceEncoder();
const sets: { name: string; questions: Prepared[] }[] = [];
for (const dir of argv.filter((arg) => arg !== "--no-encoder")) {
  const set = readQaSet(dir, { chinese });
  const encodings = encoder ? await encodeQaSet(set, encoder) : new Map<string, Float32Array>();
  sets.push({ name: set.name, questions: prepare(set, chinese, encodings) });
}
await encoder?.close();

console.log(`Chinese analysis: ${chinese}; false-citation goal when fitting the threshold: ${fcrGoal}\n`);
console.log("1. Inside each set, 5-fold cross-validation by article");
for (const set of sets) {
  const cv = crossValidate(set.questions, fcrGoal);
  console.log(`${set.name}\n  BM25                    ${show(measure(set.questions, null, null))}`);
  console.log(`  re-ranked, no abstain   ${show(cv.rank)}\n  re-ranked + abstention  ${show(cv.abstain)}`);
  console.log(`  (threshold at fcr 0.05 on the test questions: ${show(cv.oracle)})`);
}

if (sets.length > 1) {
  console.log("\n2. Transfer: fitted on one set, measured on another");
  for (const from of sets) {
    const weights = fitReranker(from.questions);
    const abstention = fitAbstention(from.questions, weights, fcrGoal);
    for (const to of sets) {
      if (to === from) continue;
      console.log(`${from.name} → ${to.name}`);
      const transfer = summarise(outcomes(to.questions, weights, abstention), 0.05);
      console.log(`  no abstain   ${show(transfer.rank)}\n  abstention   ${show(transfer.abstain)}`);
      console.log(`  (threshold at fcr 0.05 on the test questions: ${show(transfer.oracle)})`);
    }
  }
}

const everything = sets.flatMap((set) => set.questions);
const weights = fitReranker(everything);
// The threshold must hold on every set: the strictest one wins.
const abstention = fitAbstention(everything, weights, fcrGoal);
const threshold = Math.max(...sets.map((set) => thresholdFor(set.questions, weights, abstention.abstain, fcrGoal)));
// Per question language: the threshold that holds on every set's questions of that language (Chinese and English
// questions are segmented differently, so the same probability does not mean the same confidence in both).
const byLanguage = Object.fromEntries(
  (["en", "zh"] as const).map((language) => {
    const perSet = sets
      .map((set) => set.questions.filter((q) => q.language === language))
      .filter((questions) => questions.some((q) => !q.answerable))
      .map((questions) => thresholdFor(questions, weights, abstention.abstain, fcrGoal));
    return [language, perSet.length ? Math.max(...perSet) : threshold];
  }),
) as Record<AnswerLanguage, number>;
const fixed = (values: number[]) => `[${values.map((v) => Number(v.toFixed(4))).join(", ")}]`;
console.log(
  encoder
    ? "\n3. Fitted on all sets (paste into core/assistant/retrieval-model.ts)"
    : "\n3. Fitted on all sets without the encoder (paste into the LEXICAL_ constants of core/assistant/retrieval-model.ts)",
);
console.log(
  `export const RERANK_WEIGHTS: Readonly<Record<AnswerLanguage, readonly number[]>> = {\n  en: ${fixed(weights.en)},\n  zh: ${fixed(weights.zh)},\n};`,
);
console.log(`export const ABSTAIN_WEIGHTS: readonly number[] = ${fixed(abstention.abstain)};`);
console.log(
  `export const ABSTAIN_THRESHOLDS: Readonly<Record<AnswerLanguage, number>> = { en: ${Number(byLanguage.en.toFixed(4))}, zh: ${Number(byLanguage.zh.toFixed(4))} };`,
);
console.log(`  (one threshold for both languages would be ${Number(threshold.toFixed(4))})`);
for (const set of sets) {
  const one = { abstain: abstention.abstain, threshold };
  const own = { abstain: abstention.abstain, threshold, byLanguage };
  console.log(
    `  ${set.name} (in-sample): ${show(measure(set.questions, weights, null))} | per language ${show(measure(set.questions, weights, own))} | one threshold ${show(measure(set.questions, weights, one))}`,
  );
}
