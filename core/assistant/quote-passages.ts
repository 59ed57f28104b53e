/**
 * The retrieval-only answer: the best readable passages quoted, each trimmed to the sentences that matter for the
 * question (those sharing the most of its terms), with the same numbered citations a model's answer would carry.
 * Used when no model is configured, and when the model fails, times out or answers without a valid citation. Pure.
 */
import { truncateText } from "../text.js";
import { analyzeText } from "./analyze-text.js";

export interface QuotablePassage {
  number: number;
  text: string;
}

/** Markdown reduced to readable text: images and code fences dropped, links to their text, heading marks removed. */
function plainPassage(markdown: string): string {
  return (
    markdown
      .replace(/```[\s\S]*?(```|$)/g, " ")
      .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/^#{1,6}\s+/gm, "")
      .replace(/`/g, "")
      // Emphasis marks only: an underscore or star between two letters is part of a name (`pd.read_csv`, `a*b`).
      .replace(/(?<![\p{L}\p{N}])[*_]{1,3}|[*_]{1,3}(?![\p{L}\p{N}])/gu, "")
  );
}

/** Sentences of English and Chinese text (a sentence ends at . ! ? 。！？ or a blank line). */
export function sentencesOf(text: string): string[] {
  return plainPassage(text)
    .split(/(?<=[.!?])\s+|(?<=[。！？])|\n\s*\n|\n(?=\s*[-*•]\s)/u)
    .map((sentence) => sentence.replace(/\s+/g, " ").trim())
    .filter((sentence) => /[\p{L}\p{N}]/u.test(sentence));
}

/**
 * Chinese question words: a sentence sharing only these with the question ("以及如果重来我会怎么做" for "怎么评估提示词？")
 * says nothing about it. English ones are stop words already (analyze-text.ts).
 */
const CHINESE_QUESTION_WORDS = [
  "怎么",
  "怎样",
  "怎么样",
  "如何",
  "什么",
  "为什么",
  "为何",
  "哪些",
  "哪个",
  "哪里",
  "多少",
  "是否",
  "能否",
  "可以",
];

/** The question's terms that can show a sentence is about it: its question words (and their bigrams) left out. */
function contentTerms(question: string): Set<string> {
  const terms = new Set(analyzeText(question));
  for (const word of CHINESE_QUESTION_WORDS) {
    terms.delete(word);
    for (let i = 0; i + 1 < word.length; i += 1) terms.delete(`~${word.slice(i, i + 2)}`);
  }
  return terms;
}

/**
 * The `keep` sentences sharing the most question terms, in reading order. When none shares any: the first ones for
 * the best passage (the ranker chose it), nothing for the others (a citation that adds nothing is noise).
 */
function bestSentences(text: string, questionTerms: Set<string>, keep: number, best: boolean): string[] {
  const sentences = sentencesOf(text);
  const scored = sentences.map((sentence, index) => {
    const terms = new Set(analyzeText(sentence));
    let overlap = 0;
    for (const term of terms) if (questionTerms.has(term)) overlap += 1;
    return { index, overlap };
  });
  if (!best && scored.every((entry) => entry.overlap === 0)) return [];
  const chosen = [...scored]
    .sort((a, b) => b.overlap - a.overlap || a.index - b.index)
    .slice(0, keep)
    .filter((entry, _i, all) => entry.overlap > 0 || all.every((e) => e.overlap === 0))
    .map((entry) => entry.index)
    .sort((a, b) => a - b);
  return chosen.map((index) => sentences[index] as string);
}

/**
 * @example quotePassages("How do joins match rows?", [{ number: 1, text: "Rows match on a key. …" }], { maxChars: 1500 })
 * // "“Rows match on a key.” [1]"
 */
export function quotePassages(
  question: string,
  passages: QuotablePassage[],
  options: { maxChars: number; sentencesPerPassage?: number },
): string {
  const questionTerms = contentTerms(question);
  const lines: string[] = [];
  let length = 0;
  for (const passage of passages) {
    const best = lines.length === 0;
    const sentences = bestSentences(passage.text, questionTerms, options.sentencesPerPassage ?? 2, best);
    if (sentences.length === 0) continue;
    let quote = sentences.join(" … ");
    const room = options.maxChars - length - 8;
    if (room < 40) break;
    quote = truncateText(quote, room, "…");
    const line = `“${quote}” [${passage.number}]`;
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join("\n");
}
