/**
 * `npm run knowledge -- import <dir> [--collection NAME]`: imports a folder of Markdown into the knowledge index
 * (every file a document, every `## heading` section a passage cited by its heading); idempotent and incremental.
 * `npm run knowledge -- index`: re-indexes lessons, products and accepted answers from the database.
 * New or changed English chunks are then encoded by the bundled sentence encoder (unless SENTENCE_ENCODER=off) and,
 * with an embeddings endpoint configured, embedded.
 *
 * Exit codes: 0 done, 2 usage or no such folder, 1 failed.
 */
import { existsSync, statSync } from "node:fs";
import { fillChunkVectors } from "../core/assistant/embed-chunks.js";
import { importKnowledgeFolder } from "../core/assistant/import-knowledge-folder.js";
import { indexKnowledge } from "../core/assistant/index-knowledge.js";
import { openCommandDatabase } from "./knowledge-database.js";
import { openAiEmbeddingsFromEnv } from "./openai-embeddings.js";
import { sentenceEncoderFromEnv } from "./sentence-encoder.js";

const usage = "usage: npm run knowledge -- import <dir> [--collection NAME]   |   npm run knowledge -- index";
const [command, ...rest] = process.argv.slice(2);
const collectionAt = rest.indexOf("--collection");
const collection = collectionAt >= 0 ? rest.splice(collectionAt, 2)[1] : undefined;
const dir = rest[0];

if (command === "import" && (!dir || !existsSync(dir) || !statSync(dir).isDirectory())) {
  process.stderr.write(dir ? `No folder at ${dir}.\n` : `${usage}\n`);
  process.exit(2);
}
if (command !== "import" && command !== "index") {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}

const db = await openCommandDatabase();
const encoder = sentenceEncoderFromEnv(process.env);
try {
  if (command === "import" && dir) {
    const result = await importKnowledgeFolder({ prisma: db.prisma, dir, collection });
    console.log(
      `${result.collection}: ${result.documents} documents (${result.updated} imported or changed, ${result.unchanged} unchanged, ${result.removed} removed), ${result.passages} passages written`,
    );
  } else {
    const result = await indexKnowledge({ prisma: db.prisma });
    console.log(
      `${result.sources} sources: ${result.reindexed} re-indexed, ${result.skipped} unchanged; ${result.removed} chunks removed`,
    );
  }
  const embeddings = openAiEmbeddingsFromEnv(process.env);
  const filled = await fillChunkVectors({ prisma: db.prisma, sentenceEncoder: encoder, embeddings });
  if (encoder) console.log(`encoded ${filled.encoded} English passages`);
  if (embeddings) console.log(`embedded ${filled.embedded} chunks`);
} catch (error) {
  process.stderr.write(`knowledge ${command} failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await encoder?.close();
  await db.close();
}
