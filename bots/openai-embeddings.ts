/**
 * The embeddings port (core/assistant/embeddings-port.ts) over the `openai` SDK: any OpenAI-compatible endpoint
 * (`OPENAI_BASE_URL`, `OPENAI_API_KEY`, `OPENAI_EMBEDDING_MODEL`). Null when not configured: retrieval is lexical.
 */
import type { EmbeddingsPort } from "../core/assistant/embeddings-port.js";
import { lazyOpenAi } from "./openai-client.js";

/**
 * @example const embeddings = openAiEmbeddingsFromEnv(process.env) // null without OPENAI_EMBEDDING_MODEL
 */
export function openAiEmbeddingsFromEnv(env: {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_EMBEDDING_MODEL?: string;
}): EmbeddingsPort | null {
  const model = env.OPENAI_EMBEDDING_MODEL;
  if (!model || !env.OPENAI_API_KEY) return null;
  // Explicit timeout and retries: the SDK's defaults (10 minutes, 2 retries) would hold a question for half an hour.
  const client = lazyOpenAi({
    apiKey: env.OPENAI_API_KEY,
    baseURL: env.OPENAI_BASE_URL || undefined,
    timeout: 15_000,
    maxRetries: 1,
  });
  return {
    model,
    async embed(texts) {
      if (texts.length === 0) return [];
      const response = await (await client()).embeddings.create({ model, input: texts, encoding_format: "float" });
      return [...response.data]
        .sort((a, b) => a.index - b.index)
        .map((item) => Float32Array.from(item.embedding as number[]));
    },
  };
}
