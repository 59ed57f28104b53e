/**
 * The model's answer, checked against what it was given: citation numbers that name no passage it saw are removed;
 * an answer left with no valid citation, or one saying it does not know, is an abstention (the helper then says
 * "I don't know" instead of posting an uncited claim). Pure.
 */
import { isMostlyChinese } from "./analyze-text.js";
import { NO_ANSWER } from "./answer-prompt.js";
import type { AnswerLanguage } from "./question-language.js";

export type CheckedAnswer =
  | { ok: true; text: string; cited: number[] }
  | { ok: false; reason: "NO_ANSWER" | "NO_CITATION" | "WRONG_LANGUAGE" };

// [1], [1, 2], [1][2], 【1】 (a Chinese answer may use full-width brackets and commas).
const CITATION = /[[【]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]】]/g;

/**
 * Whether the answer is in the asked language. A Chinese answer may quote English terms, code or a whole English
 * sentence of the material, so it needs a fair share of Chinese, not a majority; an English one must not be mostly
 * Chinese.
 */
function writtenIn(text: string, language: AnswerLanguage): boolean {
  if (language === "en") return !isMostlyChinese(text);
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const latin = text.match(/[\p{Script=Latin}]/gu)?.length ?? 0;
  // A Chinese character carries about a word, an English word about five letters.
  return han >= 2 && han / (han + latin / 5) >= 0.15;
}

/**
 * @example checkCitations("Use JOIN [1][7].", { passages: 2, language: "en" }) // { ok: true, text: "Use JOIN [1].", cited: [1] }
 */
export function checkCitations(answer: string, options: { passages: number; language: AnswerLanguage }): CheckedAnswer {
  const trimmed = answer.trim();
  if (!trimmed || trimmed.includes(NO_ANSWER)) return { ok: false, reason: "NO_ANSWER" };
  const cited = new Set<number>();
  const text = trimmed
    .replace(CITATION, (_match, list: string) => {
      const valid = list
        .split(/[,，、]/)
        .map((n) => Number(n.trim()))
        .filter((n) => Number.isInteger(n) && n >= 1 && n <= options.passages);
      for (const n of valid) cited.add(n);
      return [...new Set(valid)].map((n) => `[${n}]`).join("");
    })
    .replace(/[ \t]+([.,;:!?。，；：！？])/g, "$1")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
  if (cited.size === 0) return { ok: false, reason: "NO_CITATION" };
  // A Chinese question answered in English (or the reverse) did not follow the one rule members notice first.
  if (!writtenIn(text, options.language)) return { ok: false, reason: "WRONG_LANGUAGE" };
  return { ok: true, text, cited: [...cited].sort((a, b) => a - b) };
}
