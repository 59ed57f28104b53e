/**
 * English word vectors (GloVe, 30,000 words; built by bench/build-word-vectors.ts) for the re-ranker's soft match:
 * a passage that says a question's word differently ("biggest" for "largest", "wed" for "married") still gets
 * credit for it, in proportion to how close the two words are. Loaded on the first English question, once per
 * process (3 MB file, 12 MB in memory). Chinese has no vectors here: its questions keep the exact match.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FILE = "word-vectors-en.bin";
const MAGIC = "LYWV1\n";

export interface WordVectors {
  dimensions: number;
  /** Word → row. */
  rows: Map<string, number>;
  /** Unit-length vectors, row after row. */
  data: Float32Array;
}

let loaded: WordVectors | undefined;

/** Where the file is: beside this module when run from the sources, in the sources when run from dist/. */
function vectorFile(): string | undefined {
  for (const relative of [`./${FILE}`, `../../../core/assistant/${FILE}`]) {
    const file = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Reads the binary format of bench/build-word-vectors.ts. */
export function parseWordVectors(buffer: Buffer): WordVectors {
  if (buffer.subarray(0, MAGIC.length).toString("latin1") !== MAGIC) throw new Error("not a word-vector file");
  let offset = MAGIC.length;
  const count = buffer.readUInt32LE(offset);
  const dimensions = buffer.readUInt32LE(offset + 4);
  const textLength = buffer.readUInt32LE(offset + 8);
  offset += 12;
  const words = buffer
    .subarray(offset, offset + textLength)
    .toString("utf8")
    .split("\n");
  offset += textLength;
  if (words.length !== count || buffer.length !== offset + count * dimensions)
    throw new Error("truncated word vectors");
  const bytes = new Int8Array(buffer.buffer, buffer.byteOffset + offset, count * dimensions);
  const data = new Float32Array(count * dimensions);
  for (let row = 0; row < count; row += 1) {
    let norm = 0;
    for (let k = 0; k < dimensions; k += 1) norm += (bytes[row * dimensions + k] as number) ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = 0; k < dimensions; k += 1)
      data[row * dimensions + k] = (bytes[row * dimensions + k] as number) * scale;
  }
  return { dimensions, rows: new Map(words.map((word, row) => [word, row])), data };
}

/** The vectors (a missing file is a broken install: it fails loudly rather than ranking worse unnoticed). */
export function wordVectors(): WordVectors {
  if (!loaded) {
    const file = vectorFile();
    if (!file) throw new Error(`${FILE} is missing: reinstall, or run npm run build:word-vectors`);
    loaded = parseWordVectors(readFileSync(file));
  }
  return loaded;
}

/** Cosine similarity of two rows. */
export function rowSimilarity(vectors: WordVectors, a: number, b: number): number {
  const { data, dimensions } = vectors;
  let dot = 0;
  const x = a * dimensions;
  const y = b * dimensions;
  for (let k = 0; k < dimensions; k += 1) dot += (data[x + k] as number) * (data[y + k] as number);
  return dot;
}
