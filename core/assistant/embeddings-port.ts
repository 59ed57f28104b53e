/**
 * The port to an embeddings endpoint (any OpenAI-compatible one; the adapter lives in bots/). Retrieval works
 * without it, lexically; with it, dense similarity is fused with the lexical ranking.
 */
export interface EmbeddingsPort {
  /** Name stored with each vector: vectors of another model are embedded again, never compared. */
  readonly model: string;
  /** One vector per text, in order. Throws when the endpoint fails; callers fall back to lexical retrieval. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Float32 little-endian bytes, as stored in KnowledgeChunk.embedding. */
export function vectorToBytes(vector: Float32Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i += 1) view.setFloat32(i * 4, vector[i] as number, true);
  return bytes;
}

export function bytesToVector(bytes: Uint8Array): Float32Array {
  // Fast path on little-endian machines (all the ones Node runs on in practice): one copy, no per-float decoding.
  if (LITTLE_ENDIAN) return new Float32Array(bytes.slice(0, bytes.byteLength - (bytes.byteLength % 4)).buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array(Math.floor(bytes.byteLength / 4));
  for (let i = 0; i < vector.length; i += 1) vector[i] = view.getFloat32(i * 4, true);
  return vector;
}

/** Cosine similarity of two vectors (0 when either is all zeros). */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA && normB ? dot / Math.sqrt(normA * normB) : 0;
}
