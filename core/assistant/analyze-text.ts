/**
 * Text analysis for the knowledge index: the same function turns passages (at indexing) and questions (at query
 * time) into search terms, so both sides always agree.
 *
 * - Latin script: NFKD-folded (Beyoncé → beyonce), lower-cased, English stop words dropped, Porter-stemmed
 *   ("earthquakes" and "earthquake" meet).
 * - Chinese: jieba's search cut (whole words plus their sub-words: 数据库 → 数据, 据库, 数据库) and character
 *   bigrams. Measured on the CMRC dev set, words + bigrams rank best (see README, "Answer helper: retrieval
 *   quality"): words carry the dictionary's knowledge, bigrams catch names and terms the dictionary lacks.
 * - Mixed text is cut into runs of one script, each analysed by its own rule, in order.
 */
import { createRequire } from "node:module";
import { stemmer } from "stemmer";

// @node-rs/jieba ships CommonJS and a prebuilt native binary; createRequire loads it from ESM without a wrapper.
const require = createRequire(import.meta.url);

interface JiebaSegmenter {
  cutForSearch(text: string, hmm?: boolean): string[];
}

let jieba: JiebaSegmenter | undefined;

/** The dictionary takes ~0.3 s to load: loaded on first Chinese text, once per process. */
function segmenter(): JiebaSegmenter {
  if (!jieba) {
    const { Jieba } = require("@node-rs/jieba") as { Jieba: { withDict(dict: Uint8Array): JiebaSegmenter } };
    const { dict } = require("@node-rs/jieba/dict") as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

/** Function words that carry no topic: kept out of the index and out of questions. */
export const ENGLISH_STOP_WORDS = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being below between both " +
    "but by can could did do does doing down during each few for from further had has have having he her here hers " +
    "herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off " +
    "on once only or other our ours ourselves out over own same she should so some such than that the their theirs " +
    "them themselves then there these they this those through to too under until up very was we were what when " +
    "where which while who whom why will with would you your yours yourself yourselves s t d ll m re ve"
  ).split(" "),
);

/** Chinese particles and question words that every question has; single characters only, words stay. */
const CHINESE_STOP_WORDS = new Set(
  "的 了 是 在 和 与 及 或 也 都 而 之 其 这 那 吗 呢 吧 啊 么 什 哪 谁 几 多 为 被 把 将 对 从 以 于 由 有 个 一 上 下 中 等".split(
    " ",
  ),
);

const HAN = /\p{Script=Han}/u;
// Runs of Han characters, or of letters/digits of any other script (apostrophes inside words kept: "don't").
const RUNS = /(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{N}])+(?:['’](?:(?!\p{Script=Han})\p{L})+)*)/gu;

/** How Chinese runs are turned into terms; the default is what ranked best on the dev set. */
export type ChineseMode = "words+bigrams" | "words" | "bigrams";

export interface AnalyzeTextOptions {
  chinese?: ChineseMode;
}

function foldLatin(word: string): string {
  return word
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/['’]s$/, "")
    .replace(/['’]/g, "");
}

function analyzeLatin(word: string, out: string[]): void {
  const folded = foldLatin(word);
  if (!folded || ENGLISH_STOP_WORDS.has(folded)) return;
  // Digits stay whole (years, prices); words are stemmed.
  out.push(/^\d/.test(folded) ? folded : stemmer(folded));
}

function analyzeHan(run: string, mode: ChineseMode, out: string[]): void {
  if (mode !== "bigrams") {
    for (const word of segmenter().cutForSearch(run, true)) {
      if (word.length === 1 && CHINESE_STOP_WORDS.has(word)) continue;
      out.push(word);
    }
  }
  if (mode !== "words") {
    if (run.length === 1) {
      if (mode === "bigrams" && !CHINESE_STOP_WORDS.has(run)) out.push(run);
      return;
    }
    // Prefixed so a bigram never counts as the same term as a two-character dictionary word: both are evidence,
    // and a passage matching both the word and the bigram scores twice, which ranked better than merging them.
    for (let index = 0; index + 1 < run.length; index += 1) out.push(`~${run.slice(index, index + 2)}`);
  }
}

/**
 * Terms of a text, in reading order (positions matter for phrase and proximity features).
 *
 * @example analyzeText("Earthquakes in 四川省") // ["earthquak", "四川", "四川省", "~四川", "~川省"]
 */
export function analyzeText(text: string, options: AnalyzeTextOptions = {}): string[] {
  const mode = options.chinese ?? "words+bigrams";
  const out: string[] = [];
  for (const match of text.matchAll(RUNS)) {
    if (match[1]) analyzeHan(match[1], mode, out);
    else if (match[2]) analyzeLatin(match[2], out);
  }
  return out;
}

/**
 * The Latin words of a text that analyzeText keeps as terms, folded but not stemmed (what word vectors know).
 *
 * @example latinWords("The biggest earthquakes of 2008") // ["biggest", "earthquakes"]
 */
export function latinWords(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(RUNS)) {
    if (!match[2]) continue;
    const word = foldLatin(match[2]);
    if (word && !ENGLISH_STOP_WORDS.has(word) && !/^\d/.test(word)) out.push(word);
  }
  return out;
}

/** True when most letters of the text are Chinese characters (the chunk's or question's language). */
export function isMostlyChinese(text: string): boolean {
  let han = 0;
  let latin = 0;
  for (const char of text) {
    if (HAN.test(char)) han += 1;
    else if (/\p{L}/u.test(char)) latin += 1;
  }
  // A Chinese character carries about a word: compare against words, not letters.
  return han > latin / 5;
}
