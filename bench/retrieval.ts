/**
 * `npm run bench:retrieval`: retrieval latency over 10,000 generated chunks (English and Chinese), on the embedded
 * database and, when DATABASE_URL is set, on PostgreSQL (in a scratch database created and dropped here). Prints
 * the first load of the index and p50/p95/p99 of retrievePassages (version check + in-memory ranking) per question.
 *
 * English questions go through the bundled sentence encoder as in the product (its worker thread encodes each one),
 * so the figures include it. The stored passage vectors are random unit vectors: what they hold does not change the
 * time, and encoding 8,000 passages for real would take minutes; the encoder's import throughput is measured apart,
 * on 64 of the generated passages. SENTENCE_ENCODER=off measures without it.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { sentenceEncoderFromEnv } from "../bots/sentence-encoder.js";
import { analyzeText } from "../core/assistant/analyze-text.js";
import { vectorToBytes } from "../core/assistant/embeddings-port.js";
import { retrievePassages } from "../core/assistant/retrieve-passages.js";
import { wordVectors } from "../core/assistant/word-vectors.js";
import { openDatabase } from "../prisma/database.js";
import { databaseUrlWithName } from "../test/support/database-url.js";

const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 10_000);
const QUESTIONS = 500;

// Real English words (the word vectors' 6,000 most frequent, so the soft match works as on real material), drawn
// Zipf-like so term frequencies look like real text.
const EN = [...wordVectors().rows.keys()].slice(0, 6_000);
const ZH_CHARS = "学习课程付费续费数据库二维码会员退款备份命令目录压缩文件提醒到期购买打开申请全额支付入门控制台发起";
let seed = 42;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const zipf = (n: number) => Math.min(n - 1, Math.floor(n ** random()) - 1 + Math.floor(random() * 2));
const englishText = (words: number) => Array.from({ length: words }, () => EN[zipf(EN.length)]).join(" ");
const unitVector = () => {
  const vector = Float32Array.from({ length: 512 }, () => random() - 0.5);
  const norm = Math.hypot(...vector);
  return vector.map((x) => x / norm);
};
const encoder = sentenceEncoderFromEnv(process.env);
const chineseText = (chars: number) =>
  Array.from({ length: chars }, () => ZH_CHARS[Math.floor(random() * ZH_CHARS.length)]).join("");

async function run(label: string, open: () => ReturnType<typeof openDatabase>): Promise<void> {
  const db = await open();
  try {
    const rows = Array.from({ length: CHUNKS }, (_, i) => {
      const zh = i % 5 === 0;
      const content = zh ? chineseText(160) : englishText(120);
      return {
        source: "DOCUMENT" as const,
        locale: zh ? ("zh" as const) : ("en" as const),
        position: i,
        passageId: `p${i}`,
        title: `Document ${Math.floor(i / 50)}`,
        content,
        terms: analyzeText(content).join(" "),
        titleTerms: analyzeText(`Document ${Math.floor(i / 50)}`).join(" "),
        ...(encoder && !zh ? { encoding: vectorToBytes(unitVector()), encodingModel: encoder.model } : {}),
      };
    });
    for (let i = 0; i < rows.length; i += 1_000) {
      await db.prisma.knowledgeChunk.createMany({ data: rows.slice(i, i + 1_000) });
    }
    const questions = Array.from({ length: QUESTIONS }, (_, i) => {
      const source = rows[(i * 7919) % rows.length]?.content ?? "";
      // A question shares a few words with one passage, as real ones do.
      return i % 5 === 0 ? source.slice(20, 32) : source.split(" ").slice(10, 17).join(" ");
    });
    let started = performance.now();
    await retrievePassages({ prisma: db.prisma, question: "warm up", encoder });
    const firstLoad = performance.now() - started;
    const times: number[] = [];
    for (const question of questions) {
      started = performance.now();
      await retrievePassages({ prisma: db.prisma, question, encoder });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(1);
    console.log(
      `${label}: ${CHUNKS} chunks, first load ${firstLoad.toFixed(0)} ms; per question p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms`,
    );
  } finally {
    await db.close();
  }
}

if (encoder) {
  const sample = Array.from({ length: 64 }, () => englishText(120));
  await encoder.embed(sample.slice(0, 2)); // the worker's start and the model's load
  const started = performance.now();
  for (let i = 0; i < sample.length; i += 16) await encoder.embed(sample.slice(i, i + 16));
  const perSecond = sample.length / ((performance.now() - started) / 1000);
  console.log(
    `sentence encoder: ${perSecond.toFixed(1)} passages of 120 words per second at import (10,000 in ${(10_000 / perSecond / 60).toFixed(0)} min)`,
  );
}
await run("embedded (PGlite)", () => openDatabase({ dataDir: "memory://" }));
const url = process.env.DATABASE_URL;
if (url) {
  const name = `lyceum_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  try {
    await run("PostgreSQL", () => openDatabase({ url: databaseUrlWithName(url, name) }));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
} else {
  console.log("PostgreSQL: skipped (set DATABASE_URL to measure it too)");
}
console.log(`resident memory at the end: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
await encoder?.close();
