/**
 * A knowledge chunk as retrieval sees it, analysed from plain text, for unit tests of ranking and abstention.
 *
 * @example buildLexicalIndex([indexedChunk(1, "s000", "The earthquake struck Sichuan in 2008.")])
 */
import { analyzeText } from "../../core/assistant/analyze-text.js";
import type { IndexedChunk } from "../../core/assistant/lexical-index.js";

export function indexedChunk(id: number, passageId: string, content: string, title = "Handbook"): IndexedChunk {
  return {
    id,
    source: "DOCUMENT",
    productId: null,
    lessonId: null,
    documentId: 1,
    answerId: null,
    locale: /\p{Script=Han}/u.test(content) ? "zh" : "en",
    passageId,
    title,
    headingPath: passageId,
    content,
    terms: analyzeText(content),
    titleTerms: analyzeText(title),
    embedding: null,
  };
}
