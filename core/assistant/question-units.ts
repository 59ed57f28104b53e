/**
 * The question as the abstention decision sees it: its content words ("units"), each with an idf, and a test of
 * whether a passage or sentence contains them. The ranking's terms are the wrong unit for this: Chinese character
 * bigrams that straddle two words ("后来为" → 来为) exist in no passage even when the question is answerable, and
 * interrogatives (什么, 为什么) are rare in encyclopaedic text; both inflate "the material never says this" for
 * Chinese and put the two languages on different scales. Units are English stems and Chinese words; a Chinese word
 * that a passage's segmentation cut differently still counts as present when all its character bigrams are there.
 */
import { inverseDocumentFrequency, type LexicalIndex } from "./lexical-index.js";

/** Interrogatives and question scaffolding: every Chinese question has them, no passage answers with them. */
const CHINESE_QUESTION_WORDS = new Set(
  (
    "什么 为什么 为何 怎么 怎样 怎么样 如何 哪里 哪儿 哪个 哪些 哪一 哪一个 哪种 哪一种 何种 何时 哪位 " +
    "多少 是否 几个 什么样 什么时候 时候 哪年 哪一年 甚么 何人 何地 何处"
  ).split(" "),
);

const HAN_WORD = /^\p{Script=Han}{2,}$/u;
// A lone character jieba could not attach to a word (要, 此) says little about the topic.
const HAN_CHARACTER = /^\p{Script=Han}$/u;

export interface QuestionUnits {
  terms: string[];
  idf: number[];
  totalIdf: number;
  /** For a Chinese word of two or more characters, its bigram terms (the index's `~xy` form); otherwise null. */
  bigrams: (string[] | null)[];
  /** Share of the idf mass in units no chunk contains. */
  unseenShare: number;
}

function bigramsOf(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < word.length; i += 1) out.push(`~${word.slice(i, i + 2)}`);
  return out;
}

/** Chunks containing every one of the terms (postings intersection), for the idf of a re-cut Chinese word. */
function jointFrequency(index: LexicalIndex, terms: string[]): number {
  let common: Set<number> | null = null;
  for (const term of terms) {
    const postings = index.body.postings.get(term);
    if (!postings) return 0;
    const next: Set<number> = new Set();
    for (const chunk of postings.chunks) if (!common || common.has(chunk)) next.add(chunk);
    common = next;
    if (common.size === 0) return 0;
  }
  return common?.size ?? 0;
}

/**
 * The units of an analysed question (analyzeText's output).
 *
 * @example questionUnits(index, analyzeText("韩遂为什么要投靠羌人？")).terms // ["韩遂", "投靠", "羌人"]
 */
export function questionUnits(index: LexicalIndex, analysed: readonly string[]): QuestionUnits {
  const terms = [...new Set(analysed)].filter(
    (term) => !term.startsWith("~") && !CHINESE_QUESTION_WORDS.has(term) && !HAN_CHARACTER.test(term),
  );
  const bigrams = terms.map((term) => (HAN_WORD.test(term) ? bigramsOf(term) : null));
  let unseen = 0;
  const idf = terms.map((term, i) => {
    if (index.documentFrequency.has(term)) return inverseDocumentFrequency(index, term);
    const parts = bigrams[i];
    const total = index.chunks.length;
    const frequency = parts ? jointFrequency(index, parts) : 0;
    const value = Math.log(1 + (total - frequency + 0.5) / (frequency + 0.5));
    if (frequency === 0) unseen += value;
    return value;
  });
  const totalIdf = idf.reduce((sum, value) => sum + value, 0);
  return { terms, idf, totalIdf, bigrams, unseenShare: totalIdf > 0 ? unseen / totalIdf : 1 };
}

/** Whether a set of terms (a chunk's or a sentence's) contains unit `i`. */
export function containsUnit(units: QuestionUnits, i: number, present: ReadonlySet<string>): boolean {
  if (present.has(units.terms[i] as string)) return true;
  const parts = units.bigrams[i];
  return parts?.every((part) => present.has(part)) ?? false;
}

/** Share of the units' idf mass a set of terms contains. */
export function unitCoverage(units: QuestionUnits, present: ReadonlySet<string>): number {
  if (units.totalIdf <= 0) return 0;
  let covered = 0;
  units.terms.forEach((_, i) => {
    if (containsUnit(units, i, present)) covered += units.idf[i] ?? 0;
  });
  return covered / units.totalIdf;
}

/** Share of the idf mass of the `count` rarest units that a set of terms contains. */
export function rareUnitCoverage(units: QuestionUnits, present: ReadonlySet<string>, count = 2): number {
  const rarest = units.idf
    .map((idf, i) => ({ idf, i }))
    .sort((a, b) => b.idf - a.idf)
    .slice(0, count);
  const total = rarest.reduce((sum, unit) => sum + unit.idf, 0);
  if (total <= 0) return 0;
  let covered = 0;
  for (const unit of rarest) if (containsUnit(units, unit.i, present)) covered += unit.idf;
  return covered / total;
}
