/**
 * The knowledge index on a real database with generated material in both languages: folder import (idempotent,
 * incremental), lessons indexing, retrieval and abstention, dense fusion against a fake embeddings endpoint, and
 * the evaluation commands run as a creator would run them.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openAiEmbeddingsFromEnv } from "../../bots/openai-embeddings.js";
import { embedChunks } from "../../core/assistant/embed-chunks.js";
import { importKnowledgeFolder } from "../../core/assistant/import-knowledge-folder.js";
import { indexKnowledge } from "../../core/assistant/index-knowledge.js";
import { retrievePassages } from "../../core/assistant/retrieve-passages.js";
import { type FakeEmbeddingsServer, startFakeEmbeddingsServer } from "../fakes/openai/embeddings-fake.js";
import { createTestDatabase, createTestDatabaseEnv, type TestDatabase } from "../support/database.js";
import { REPOSITORY_ROOT } from "../support/start-command.js";

let db: TestDatabase;
let root: string;

const TOPICS_EN = [
  ["refunds", "Refunds are granted within fourteen days of purchase when fewer than three lessons were opened."],
  ["stars", "Telegram members pay with Stars; the invoice currency is XTR and subscriptions renew every thirty days."],
  ["backups", "The embedded database is copied with the backup command into one compressed archive file."],
  ["discord-roles", "The bot can only manage Discord roles placed below its own highest role in the server."],
  ["drip", "Drip scheduling opens each lesson a number of days after the member's access began."],
];
const TOPICS_ZH = [
  ["续费", "会员到期前七天会收到续费提醒，可以用二维码付费完成续费。"],
  ["数据库", "内嵌数据库保存在数据目录中，备份命令会把它打包成一个压缩文件。"],
  ["退款", "购买后十四天内且打开的课程少于三节，可以申请全额退款。"],
];

async function writeMaterial(dir: string, changed = false): Promise<void> {
  await mkdir(dir, { recursive: true });
  const en = TOPICS_EN.map(
    ([id, text]) =>
      `## ${id}\n\n${changed && id === "stars" ? `${text} Refunds of Stars go back to the balance.` : text}\n`,
  );
  await writeFile(path.join(dir, "handbook.md"), `# Creator handbook\n\n${en.join("\n")}`);
  await writeFile(
    path.join(dir, "手册.md"),
    `# 创作者手册\n\n${TOPICS_ZH.map(([id, text]) => `## ${id}\n\n${text}\n`).join("\n")}`,
  );
}

/** The ranking alone (abstention is tested on its own). */
const cited = async (question: string) =>
  (await retrievePassages({ prisma: db.prisma, question, noAbstain: true })).passages.map((p) => p.chunk.passageId);

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.truncate();
  root = await mkdtemp(path.join(os.tmpdir(), "lyceum-knowledge-"));
  return () => rm(root, { recursive: true, force: true });
});

describe("importing a folder", () => {
  it("is idempotent, and re-indexes only the changed passage while the others keep their ids", async () => {
    const dir = path.join(root, "faq");
    await writeMaterial(dir);
    const first = await importKnowledgeFolder({ prisma: db.prisma, dir });
    expect(first).toMatchObject({ documents: 2, updated: 2, passages: 8 });
    const before = await db.prisma.knowledgeChunk.findMany({ orderBy: { id: "asc" } });

    expect(await importKnowledgeFolder({ prisma: db.prisma, dir })).toMatchObject({
      unchanged: 2,
      updated: 0,
      passages: 0,
    });
    expect(await db.prisma.knowledgeChunk.count()).toBe(8);

    await writeMaterial(dir, true);
    expect(await importKnowledgeFolder({ prisma: db.prisma, dir })).toMatchObject({
      unchanged: 1,
      updated: 1,
      passages: 1,
    });
    const after = await db.prisma.knowledgeChunk.findMany({ orderBy: { id: "asc" } });
    expect(after.map((c) => c.id)).toEqual(before.map((c) => c.id));
    const changed = after.filter((c, i) => c.contentHash !== before[i]?.contentHash);
    expect(changed.map((c) => c.passageId)).toEqual(["stars"]);
    expect(changed[0]?.content).toContain("balance");
  });

  it("removes the documents of a file deleted from the folder", async () => {
    const dir = path.join(root, "faq");
    await writeMaterial(dir);
    await importKnowledgeFolder({ prisma: db.prisma, dir });
    await rm(path.join(dir, "手册.md"));
    expect(await importKnowledgeFolder({ prisma: db.prisma, dir })).toMatchObject({ removed: 1 });
    expect(await db.prisma.knowledgeChunk.count({ where: { locale: "zh" } })).toBe(0);
  });
});

describe("retrieval", () => {
  beforeEach(async () => {
    await writeMaterial(path.join(root, "faq"));
    await importKnowledgeFolder({ prisma: db.prisma, dir: path.join(root, "faq") });
  });

  it.each([
    ["How many days do I have to ask for a refund?", "refunds"],
    ["Which currency do Telegram Stars invoices use?", "stars"],
    ["Why can't the bot manage my Discord role?", "discord-roles"],
    ["怎么用二维码续费？", "续费"],
    ["内嵌数据库怎么备份？", "数据库"],
  ])("cites the right passage first for %s", async (question, passageId) => {
    expect((await cited(question))[0]).toBe(passageId);
  });

  it("cites a question the material answers, abstains on one it does not, and cites when told not to abstain", async () => {
    const answered = await retrievePassages({
      prisma: db.prisma,
      question: "Within how many days of purchase are refunds granted?",
    });
    expect(answered.abstained).toBe(false);
    expect(answered.passages[0]?.chunk.passageId).toBe("refunds");
    const result = await retrievePassages({
      prisma: db.prisma,
      question: "Who painted the ceiling of the Sistine Chapel?",
    });
    expect(result.abstained).toBe(true);
    expect(result.passages).toEqual([]);
    const forced = await retrievePassages({
      prisma: db.prisma,
      question: "Which currency do Stars use?",
      noAbstain: true,
    });
    expect(forced.passages.length).toBeGreaterThan(0);
  });

  it("abstains in Chinese too on a question about something the material never names, and cites one it answers", async () => {
    const unknown = await retrievePassages({ prisma: db.prisma, question: "米开朗基罗在西斯廷教堂画了什么？" });
    expect(unknown.abstained).toBe(true);
    const known = await retrievePassages({ prisma: db.prisma, question: "购买后多少天内可以申请全额退款？" });
    expect(known.abstained).toBe(false);
    expect(known.passages[0]?.chunk.passageId).toBe("退款");
  });

  it("sees a change made after the index was loaded", async () => {
    expect((await cited("Which currency do Telegram Stars invoices use?"))[0]).toBe("stars");
    await db.prisma.knowledgeChunk.deleteMany({ where: { passageId: "stars" } });
    expect(await cited("Which currency do Telegram Stars invoices use?")).not.toContain("stars");
  });
});

describe("lessons", () => {
  it("indexes published lessons by heading, skips unchanged ones and follows an edit", async () => {
    const product = await db.prisma.product.create({
      data: { kind: "COURSE", slug: "payments", titleEn: "Payments 101", titleZh: "支付入门" },
    });
    const lesson = await db.prisma.lesson.create({
      data: {
        productId: product.id,
        position: 1,
        slug: "01-stripe",
        titleEn: "Stripe",
        titleZh: "Stripe",
        contentEn:
          "## Webhooks\n\nVerify the Stripe-Signature header against the raw body.\n\n## Refunds\n\nRefund from the dashboard.",
        contentZh: "## 退款\n\n在控制台里发起退款。",
      },
    });
    const first = await indexKnowledge({ prisma: db.prisma });
    expect(first).toMatchObject({ reindexed: 1, skipped: 1 }); // the lesson; the product has no description
    const hit = (
      await retrievePassages({
        prisma: db.prisma,
        question: "How do I verify a Stripe webhook signature?",
        noAbstain: true,
      })
    ).passages[0]?.chunk;
    expect(hit).toMatchObject({ lessonId: lesson.id, headingPath: "Webhooks", locale: "en" });

    expect(await indexKnowledge({ prisma: db.prisma })).toMatchObject({ reindexed: 0 });
    await db.prisma.lesson.update({ where: { id: lesson.id }, data: { published: false } });
    await indexKnowledge({ prisma: db.prisma });
    expect(await db.prisma.knowledgeChunk.count({ where: { lessonId: lesson.id } })).toBe(0);
  });
});

describe("dense retrieval", () => {
  let fake: FakeEmbeddingsServer;
  beforeAll(async () => {
    fake = await startFakeEmbeddingsServer();
  });
  afterAll(() => fake.close());

  it("embeds the chunks, fuses dense with lexical ranking, and falls back to lexical when the endpoint fails", async () => {
    await writeMaterial(path.join(root, "faq"));
    await importKnowledgeFolder({ prisma: db.prisma, dir: path.join(root, "faq") });
    const embeddings = openAiEmbeddingsFromEnv({
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_API_KEY: "test",
      OPENAI_EMBEDDING_MODEL: "fake-64",
    });
    if (!embeddings) throw new Error("embeddings not configured");
    expect(await embedChunks({ prisma: db.prisma, embeddings })).toEqual({ embedded: 8 });
    const stored = await db.prisma.knowledgeChunk.findFirst({ where: { passageId: "stars" } });
    expect(stored?.embedding?.byteLength).toBe(64 * 4);

    const question = "Which currency do Telegram Stars invoices use?";
    const dense = await retrievePassages({ prisma: db.prisma, question, embeddings });
    expect(fake.inputs).toContain(question);
    expect(dense.passages[0]?.chunk.passageId).toBe("stars");

    fake.fail = true;
    const fallback = await retrievePassages({ prisma: db.prisma, question, embeddings });
    fake.fail = false;
    expect(fallback.passages[0]?.chunk.passageId).toBe("stars");
  });
});

function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn("npx", ["tsx", ...args], { cwd: REPOSITORY_ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    child.stdout.on("data", (data) => {
      stdout += data;
    });
    child.stderr.on("data", (data) => {
      stdout += data;
    });
    child.on("close", (code) => resolve({ code: code ?? 1, stdout }));
  });
}

describe("evaluation commands", () => {
  it("imports a folder and answers a batch, abstaining with no row unless --no-abstain", async () => {
    const database = await createTestDatabaseEnv();
    try {
      const dir = path.join(root, "faq");
      await writeMaterial(dir);
      const imported = await run(["bots/knowledge-cli.ts", "import", dir], database.env);
      expect(imported.code, imported.stdout).toBe(0);
      expect(imported.stdout).toContain("8 passages written");
      const questions = path.join(root, "questions.csv");
      await writeFile(
        questions,
        'question_id,question\nq1,"Within how many days of purchase are refunds granted?"\nq2,What did the Roman senate purchase?\n',
      );
      const out = path.join(root, "answers.csv");
      const asked = await run(["bots/ask-cli.ts", "--batch", questions, "--out", out], database.env);
      expect(asked.code, asked.stdout).toBe(0);
      const rows = (await readFile(out, "utf8")).trim().split("\n");
      expect(rows[0]).toBe("question_id,rank,passage_id");
      expect(rows[1]).toBe("q1,1,refunds");
      expect(rows.some((row) => row.startsWith("q2,"))).toBe(false);
      await run(["bots/ask-cli.ts", "--batch", questions, "--out", out, "--no-abstain"], database.env);
      expect(await readFile(out, "utf8")).toMatch(/^q2,1,/m);
    } finally {
      await database.cleanup();
    }
  }, 120_000);
});
