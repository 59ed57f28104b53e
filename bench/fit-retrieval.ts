/**
 * `npm run fit:retrieval -- <qa set dir> [<qa set dir> …] [--chinese words+bigrams|words|bigrams] [--fcr 0.03]`
 *
 * Fits the two learned parts of retrieval (core/assistant/retrieval-model.ts) on QA sets in the format of
 * shared/data/qa/README.md, read where they lie (nothing is copied into the repository), and prints:
 * 1. plain BM25 and the re-ranker, cross-validated by article inside each set (the re-ranker never sees the article
 *    it is tested on), with abstention fitted in the same folds;
 * 2. transfer: fitted on one set, measured on each other one;
 * 3. the constants fitted on all sets together, to paste into retrieval-model.ts.
 *
 * Re-ranker: pairwise logistic regression on feature differences (right passage minus each other candidate).
 * Abstention: logistic regression, label 1 for an answerable question, classes weighted equally; the threshold is the lowest probability that keeps false citations on the training questions at or below
 * --fcr (default 0.03, leaving room under the 0.05 goal for data it has not seen).
 */
import { analyzeText, type ChineseMode } from "../core/assistant/analyze-text.js";
import { abstentionFeatures } from "../core/assistant/rank-passages.js";
import { answerableProbability, rerankScore } from "../core/assistant/retrieval-model.js";
import {
  bodyBm25,
  type Candidate,
  type QueryTerms,
  scoreCandidates,
  weighQuery,
} from "../core/assistant/score-candidates.js";
import { fitLogistic } from "./logistic-regression.js";
import { type QaSet, readQaSet } from "./qa-set.js";

interface Prepared {
  answerable: boolean;
  fold: number;
  candidates: Candidate[];
  /** Index in `candidates` of the right passage (-1: not among them, or unanswerable). */
  gold: number;
  query: QueryTerms;
  bm25Top: string[];
  goldPassage: string | null;
}

const FOLDS = 5;

function prepare(set: QaSet, chinese: ChineseMode): Prepared[] {
  const out: Prepared[] = [];
  const documents = [...new Set(set.documentOf.values())].sort((a, b) => a - b);
  // Folds by article: every question of an article is tested by a model that never saw that article.
  const foldOfDocument = new Map(documents.map((doc, i) => [doc, i % FOLDS]));
  const all = [...set.questions, ...set.unanswerable];
  all.forEach((q, n) => {
    const query = weighQuery(set.index, analyzeText(q.question, { chinese }));
    const { candidates } = scoreCandidates(set.index, query);
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
      bm25Top,
      goldPassage: q.passageId,
    });
  });
  return out;
}

function fitReranker(questions: Prepared[]): number[] {
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

function rerank(q: Prepared, weights: number[]) {
  return q.candidates
    .map((candidate, i) => ({ candidate, i, score: rerankScore(candidate.features, weights) }))
    .sort((a, b) => b.score - a.score || a.candidate.position - b.candidate.position);
}

function fitAbstention(questions: Prepared[], weights: number[], fcrGoal: number) {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (const q of questions) {
    const ranked = rerank(q, weights);
    rows.push(abstentionFeatures(ranked, q.query));
    // Label: answerable or not (fitting "first citation right" instead measured worse on both sets).
    labels.push(q.answerable ? 1 : 0);
  }
  const positives = labels.filter(Boolean).length;
  const negatives = labels.length - positives;
  const sampleWeights = labels.map((label) =>
    label ? labels.length / (2 * positives) : labels.length / (2 * negatives),
  );
  const abstain = fitLogistic(rows, labels, { intercept: true, l2: 1e-3, sampleWeights });
  // The lowest threshold whose false-citation rate on these unanswerable questions stays within the goal.
  const unanswerable = questions
    .filter((q) => !q.answerable)
    .map((q) => answerableProbability(abstentionFeatures(rerank(q, weights), q.query), abstain))
    .sort((a, b) => b - a);
  const allowed = Math.floor(fcrGoal * unanswerable.length);
  const threshold = (unanswerable[allowed] ?? 0) + 1e-9;
  return { abstain, threshold };
}

interface Figures {
  top1: number;
  top3: number;
  fcr: number;
}

function measure(
  questions: Prepared[],
  weights: number[] | null,
  abstention: { abstain: number[]; threshold: number } | null,
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
      cites =
        !abstention ||
        answerableProbability(abstentionFeatures(ranked, q.query), abstention.abstain) >= abstention.threshold;
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

function crossValidate(questions: Prepared[], fcrGoal: number) {
  const ranking: Prepared[] = [];
  const abstaining: Prepared[] = [];
  const outcomes = { rank: [] as Figures[], abstain: [] as Figures[] };
  for (let fold = 0; fold < FOLDS; fold += 1) {
    const train = questions.filter((q) => q.fold !== fold);
    const test = questions.filter((q) => q.fold === fold);
    const weights = fitReranker(train);
    const abstention = fitAbstention(train, weights, fcrGoal);
    ranking.push(...test);
    outcomes.rank.push({ ...measure(test, weights, null) });
    outcomes.abstain.push(measure(test, weights, abstention));
    abstaining.push(...test);
  }
  // Pooled over folds, weighted by the number of questions in each.
  const pool = (figures: Figures[], key: keyof Figures, answerable: boolean) => {
    let sum = 0;
    let count = 0;
    for (let fold = 0; fold < FOLDS; fold += 1) {
      const n = questions.filter((q) => q.fold === fold && q.answerable === answerable).length;
      sum += (figures[fold]?.[key] ?? 0) * n;
      count += n;
    }
    return count ? sum / count : 0;
  };
  const pooled = (figures: Figures[]): Figures => ({
    top1: pool(figures, "top1", true),
    top3: pool(figures, "top3", true),
    fcr: pool(figures, "fcr", false),
  });
  return { rank: pooled(outcomes.rank), abstain: pooled(outcomes.abstain) };
}

const argv = process.argv.slice(2);
const option = (name: string) => {
  const at = argv.indexOf(name);
  if (at < 0) return undefined;
  const [value] = argv.splice(at, 2).slice(1);
  return value;
};
const chinese = (option("--chinese") ?? "words+bigrams") as ChineseMode;
const fcrGoal = Number(option("--fcr") ?? "0.03");
if (argv.length === 0) {
  console.error("usage: npm run fit:retrieval -- <qa set dir> [<qa set dir> …] [--chinese MODE] [--fcr 0.03]");
  process.exit(2);
}

const sets = argv.map((dir) => {
  const set = readQaSet(dir, { chinese });
  return { name: set.name, questions: prepare(set, chinese) };
});

console.log(`Chinese analysis: ${chinese}; false-citation goal when fitting the threshold: ${fcrGoal}\n`);
console.log("1. Inside each set, 5-fold cross-validation by article");
for (const set of sets) {
  const cv = crossValidate(set.questions, fcrGoal);
  console.log(`${set.name}\n  BM25                    ${show(measure(set.questions, null, null))}`);
  console.log(`  re-ranked, no abstain   ${show(cv.rank)}\n  re-ranked + abstention  ${show(cv.abstain)}`);
}

if (sets.length > 1) {
  console.log("\n2. Transfer: fitted on one set, measured on another");
  for (const from of sets) {
    const weights = fitReranker(from.questions);
    const abstention = fitAbstention(from.questions, weights, fcrGoal);
    for (const to of sets) {
      if (to === from) continue;
      console.log(`${from.name} → ${to.name}`);
      console.log(`  no abstain   ${show(measure(to.questions, weights, null))}`);
      console.log(`  abstention   ${show(measure(to.questions, weights, abstention))}`);
    }
  }
}

const everything = sets.flatMap((set) => set.questions);
const weights = fitReranker(everything);
// The threshold must hold on every set: the strictest one wins.
const abstention = fitAbstention(everything, weights, fcrGoal);
const threshold = Math.max(...sets.map((set) => fitAbstention(set.questions, weights, fcrGoal).threshold));
const fixed = (values: number[]) => `[${values.map((v) => Number(v.toFixed(4))).join(", ")}]`;
console.log("\n3. Fitted on all sets (paste into core/assistant/retrieval-model.ts)");
console.log(`export const RERANK_WEIGHTS: readonly number[] = ${fixed(weights)};`);
console.log(`export const ABSTAIN_WEIGHTS: readonly number[] = ${fixed(abstention.abstain)};`);
console.log(`export const ABSTAIN_THRESHOLD = ${Number(threshold.toFixed(4))};`);
for (const set of sets) {
  const final = { abstain: abstention.abstain, threshold };
  console.log(
    `  ${set.name} (in-sample): ${show(measure(set.questions, weights, null))} | ${show(measure(set.questions, weights, final))}`,
  );
}
