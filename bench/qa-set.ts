/**
 * A QA set folder (material/*.md, questions.csv, unanswerable.csv; the format of shared/data/qa/README.md) read into
 * an in-memory index the same way `knowledge import` would store it, for fitting and quick measurement. The data
 * stays where it is: nothing is copied into the repository.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseCsv } from "../bots/csv.js";
import { type AnalyzeTextOptions, analyzeText, isMostlyChinese } from "../core/assistant/analyze-text.js";
import { buildLexicalIndex, type IndexedChunk, type LexicalIndex } from "../core/assistant/lexical-index.js";
import { parseKnowledgeDocument } from "../core/assistant/parse-knowledge-document.js";

export interface QaQuestion {
  id: string;
  question: string;
  /** The passage to cite; null for an unanswerable question. */
  passageId: string | null;
}

export interface QaSet {
  name: string;
  index: LexicalIndex;
  /** Document (article) of each passage id: the unit of cross-validation folds. */
  documentOf: Map<string, number>;
  questions: QaQuestion[];
  unanswerable: QaQuestion[];
}

export function readQaSet(dir: string, analysis: AnalyzeTextOptions = {}): QaSet {
  const files = readdirSync(path.join(dir, "material"))
    .filter((file) => file.endsWith(".md"))
    .sort();
  const chunks: IndexedChunk[] = [];
  const documentOf = new Map<string, number>();
  files.forEach((file, documentId) => {
    const { title, passages } = parseKnowledgeDocument(readFileSync(path.join(dir, "material", file), "utf8"), file);
    for (const passage of passages) {
      documentOf.set(passage.passageId, documentId);
      chunks.push({
        id: chunks.length + 1,
        source: "DOCUMENT",
        productId: null,
        lessonId: null,
        answerId: null,
        documentId,
        locale: isMostlyChinese(passage.content) ? "zh" : "en",
        passageId: passage.passageId,
        title,
        headingPath: passage.headingPath,
        content: passage.content,
        terms: analyzeText(passage.content, analysis),
        titleTerms: analyzeText(`${title} ${passage.headingPath}`, analysis),
        embedding: null,
      });
    }
  });
  const read = (file: string) =>
    parseCsv(readFileSync(path.join(dir, file), "utf8")).map((row) => ({
      id: row.question_id as string,
      question: row.question as string,
      passageId: row.passage_id ?? null,
    }));
  return {
    name: path.basename(path.resolve(dir)),
    index: buildLexicalIndex(chunks),
    documentOf,
    questions: read("questions.csv"),
    unanswerable: read("unanswerable.csv").map((q) => ({ ...q, passageId: null })),
  };
}
