/**
 * A QA set folder (material/*.md, questions.csv, unanswerable.csv; the format of shared/data/qa/README.md) read into
 * an in-memory index the same way `knowledge import` would store it, for fitting and quick measurement. The data
 * stays where it is: nothing is copied into the repository.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseCsv } from "../bots/csv.js";
import { type AnalyzeTextOptions, analyzeText, isMostlyChinese } from "../core/assistant/analyze-text.js";
import type { EmbeddingsPort } from "../core/assistant/embeddings-port.js";
import { buildLexicalIndex, type IndexedChunk, type LexicalIndex } from "../core/assistant/lexical-index.js";
import { parseKnowledgeDocument } from "../core/assistant/parse-knowledge-document.js";
import { questionLanguage } from "../core/assistant/question-language.js";

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

/**
 * Encodes a set's English passages (into `chunk.encoding`) and English questions with the bundled sentence encoder,
 * as the product does at import and at question time. Vectors are cached in the system's temp folder by the hash
 * of the encoder and the texts (a second fit of the same set takes seconds instead of a minute).
 *
 * @example const questionEncodings = await encodeQaSet(set, localSentenceEncoder())
 */
export async function encodeQaSet(set: QaSet, encoder: EmbeddingsPort): Promise<Map<string, Float32Array>> {
  const english = (text: string) => questionLanguage(text) === "en";
  const chunks = set.index.chunks.filter((chunk) => english(chunk.content));
  const questions = [...set.questions, ...set.unanswerable].filter((q) => english(q.question));
  const texts = [...chunks.map((chunk) => chunk.content), ...questions.map((q) => q.question)];
  const key = createHash("sha256").update(encoder.model).update(JSON.stringify(texts)).digest("hex").slice(0, 16);
  const cache = path.join(os.tmpdir(), `lyceum-encodings-${key}.bin`);
  let vectors: Float32Array[];
  if (existsSync(cache)) {
    const bytes = readFileSync(cache);
    const width = texts.length ? bytes.byteLength / 4 / texts.length : 0;
    const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    vectors = texts.map((_, i) => all.slice(i * width, (i + 1) * width));
  } else {
    vectors = [];
    for (let i = 0; i < texts.length; i += 32) vectors.push(...(await encoder.embed(texts.slice(i, i + 32))));
    writeFileSync(cache, Buffer.concat(vectors.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength))));
  }
  chunks.forEach((chunk, i) => {
    chunk.encoding = vectors[i] ?? null;
  });
  return new Map(questions.map((q, i) => [q.id, vectors[chunks.length + i] as Float32Array]));
}
