/**
 * A local OpenAI-compatible embeddings endpoint (`POST /v1/embeddings`) for tests: deterministic vectors, a hashed
 * bag of lower-cased words and Chinese characters, so texts sharing words are close. Answers `encoding_format`
 * "float" and "base64" like the real API. `fail` makes it answer 500 (the endpoint down).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const FAKE_EMBEDDING_DIMENSIONS = 64;

/** The fake's vector of a text (exported so tests can compute expectations). */
export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(FAKE_EMBEDDING_DIMENSIONS).fill(0);
  for (const token of text.toLowerCase().match(/\p{Script=Han}|[\p{L}\p{N}]+/gu) ?? []) {
    let hash = 2166136261;
    for (const char of token) hash = Math.imul(hash ^ (char.codePointAt(0) as number), 16777619) >>> 0;
    const slot = hash % FAKE_EMBEDDING_DIMENSIONS;
    vector[slot] = (vector[slot] ?? 0) + 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

/**
 * The answer to a `POST /v1/embeddings` body, as the real API gives it (floats, or base64 Float32 when asked): shared
 * with the full OpenAI fake (openai-fake.ts).
 */
export function embeddingsAnswer(payload: { input?: unknown; model?: unknown; encoding_format?: unknown }): {
  inputs: string[];
  body: unknown;
} {
  const inputs = (Array.isArray(payload.input) ? payload.input : [payload.input]).map(String);
  const data = inputs.map((text, index) => {
    const vector = fakeEmbedding(text);
    const embedding =
      payload.encoding_format === "base64" ? Buffer.from(Float32Array.from(vector).buffer).toString("base64") : vector;
    return { object: "embedding", index, embedding };
  });
  return {
    inputs,
    body: { object: "list", data, model: payload.model, usage: { prompt_tokens: 0, total_tokens: 0 } },
  };
}

export interface FakeEmbeddingsServer {
  baseUrl: string;
  /** Every input text received, in order. */
  inputs: string[];
  fail: boolean;
  close(): Promise<void>;
}

export async function startFakeEmbeddingsServer(): Promise<FakeEmbeddingsServer> {
  const state = { inputs: [] as string[], fail: false };
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      if (state.fail || request.method !== "POST" || !request.url?.endsWith("/embeddings")) {
        response.writeHead(state.fail ? 500 : 404, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { message: "unavailable", type: "server_error" } }));
        return;
      }
      const answer = embeddingsAnswer(JSON.parse(body));
      state.inputs.push(...answer.inputs);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get inputs() {
      return state.inputs;
    },
    get fail() {
      return state.fail;
    },
    set fail(value: boolean) {
      state.fail = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
