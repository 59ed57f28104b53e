/**
 * The language a question is written in, from its script: a Chinese question is answered in Chinese whatever the
 * material's language, and the same for English. Members write in other languages too; those get English.
 */
import { isMostlyChinese } from "./analyze-text.js";

export type AnswerLanguage = "en" | "zh";

/**
 * @example questionLanguage("怎么用 SQL 连接两张表？") // "zh"
 */
export function questionLanguage(question: string): AnswerLanguage {
  return isMostlyChinese(question) ? "zh" : "en";
}
