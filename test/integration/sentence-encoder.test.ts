/**
 * The bundled sentence encoder (bots/sentence-encoder.ts) end to end on a real database: the real model in its
 * worker thread encodes the English passages of an imported folder, its similarity decides between passages that
 * share the question's words, and retrieval still answers when the encoder fails.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { localSentenceEncoder, SENTENCE_ENCODER_MODEL, type SentenceEncoder } from "../../bots/sentence-encoder.js";
import { embedChunks } from "../../core/assistant/embed-chunks.js";
import type { EmbeddingsPort } from "../../core/assistant/embeddings-port.js";
import { cosine } from "../../core/assistant/embeddings-port.js";
import { importKnowledgeFolder } from "../../core/assistant/import-knowledge-folder.js";
import { loadKnowledgeIndex } from "../../core/assistant/knowledge-cache.js";
import { rankPassages } from "../../core/assistant/rank-passages.js";
import { retrievePassages } from "../../core/assistant/retrieve-passages.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

let db: TestDatabase;
let encoder: SentenceEncoder;
let root: string;

const HANDBOOK = [
  [
    "refunds",
    "A course bought less than fourteen days ago is paid back in full when fewer than three lessons were opened.",
  ],
  ["earnings", "Each course page shows its lessons, its price and the money the course earned this month."],
  ["schedule", "New lessons of a course open every Monday morning."],
];

async function writeHandbook(dir: string, refunds = HANDBOOK[0]?.[1] ?? ""): Promise<void> {
  await mkdir(dir, { recursive: true });
  const sections = HANDBOOK.map(([id, text]) => `## ${id}\n\n${id === "refunds" ? refunds : text}\n`);
  await writeFile(path.join(dir, "handbook.md"), `# Course handbook\n\n${sections.join("\n")}`);
  await writeFile(path.join(dir, "手册.md"), "# 手册\n\n## 退款\n\n购买后十四天内可以申请全额退款。\n");
}

beforeAll(async () => {
  db = await createTestDatabase();
  encoder = localSentenceEncoder();
});
afterAll(async () => {
  await encoder.close();
  await db.close();
});
beforeEach(async () => {
  await db.truncate();
  root = await mkdtemp(path.join(os.tmpdir(), "lyceum-encoder-"));
  return () => rm(root, { recursive: true, force: true });
});

describe("the bundled sentence encoder", () => {
  it("places a paraphrase nearer than an unrelated sentence, and starts again after close", async () => {
    const [question, paraphrase, unrelated] = await encoder.embed([
      "How do I renew my membership?",
      "To extend your subscription, open Billing and press Renew.",
      "The earthquake struck Sichuan in May 2008.",
    ]);
    if (!question || !paraphrase || !unrelated) throw new Error("missing vectors");
    expect(question.length).toBe(512);
    expect(cosine(question, paraphrase)).toBeGreaterThan(cosine(question, unrelated) + 0.2);
    await encoder.close();
    const [again] = await encoder.embed(["How do I renew my membership?"]);
    expect(again && cosine(again, question)).toBeCloseTo(1, 5);
  }, 120_000);

  it("encodes English passages once, marks the others done without a vector, and again when the text changes", async () => {
    const dir = path.join(root, "faq");
    await writeHandbook(dir);
    await importKnowledgeFolder({ prisma: db.prisma, dir });
    expect(await embedChunks({ prisma: db.prisma, embeddings: encoder, kind: "encoding" })).toEqual({ embedded: 3 });
    const chunks = await db.prisma.knowledgeChunk.findMany({ orderBy: { id: "asc" } });
    expect(chunks.every((chunk) => chunk.encodingModel === SENTENCE_ENCODER_MODEL)).toBe(true);
    expect(chunks.filter((chunk) => chunk.encoding).map((chunk) => chunk.passageId)).toEqual([
      "refunds",
      "earnings",
      "schedule",
    ]);
    expect(chunks.find((chunk) => chunk.passageId === "退款")?.encoding).toBeNull();
    expect(await embedChunks({ prisma: db.prisma, embeddings: encoder, kind: "encoding" })).toEqual({ embedded: 0 });

    await writeHandbook(dir, "Refunds are paid back in full within fourteen days of purchase.");
    await importKnowledgeFolder({ prisma: db.prisma, dir });
    expect(await embedChunks({ prisma: db.prisma, embeddings: encoder, kind: "encoding" })).toEqual({ embedded: 1 });
  }, 120_000);

  it("steers the ranking by what the question means, and retrieval answers without it when it fails", async () => {
    const dir = path.join(root, "money");
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, "money.md"),
      "# Course money\n\n## refunds\n\nCourse money: members who are unhappy within fourteen days are refunded in full." +
        "\n\n## earnings\n\nCourse money: the dashboard shows what members paid this month.\n",
    );
    await importKnowledgeFolder({ prisma: db.prisma, dir });
    await embedChunks({ prisma: db.prisma, embeddings: encoder, kind: "encoding" });
    // Word for word the question matches both passages alike ("money", "course"); what it means is a refund. Given
    // the vector of a question about earnings instead, the same words rank the earnings passage first: the
    // encoder's similarity is what decides between them.
    const question = "Is my money returned if a course disappoints?";
    const [meant, other] = await encoder.embed([question, "How much money did the course earn this month?"]);
    const index = await loadKnowledgeIndex({ prisma: db.prisma });
    const firstWith = (questionEncoding: Float32Array | undefined) =>
      rankPassages({ index, question, questionEncoding, noAbstain: true }).passages[0]?.chunk.passageId;
    expect(firstWith(meant)).toBe("refunds");
    expect(firstWith(other)).toBe("earnings");

    const viaRetrieval = await retrievePassages({ prisma: db.prisma, question, encoder, noAbstain: true });
    expect(viaRetrieval.passages[0]?.chunk.passageId).toBe("refunds");
    const broken: EmbeddingsPort = {
      model: SENTENCE_ENCODER_MODEL,
      embed: () => Promise.reject(new Error("worker gone")),
    };
    const without = await retrievePassages({ prisma: db.prisma, question, encoder: broken, noAbstain: true });
    expect(without.passages.map((passage) => passage.chunk.passageId).sort()).toEqual(["earnings", "refunds"]);
  }, 120_000);
});
