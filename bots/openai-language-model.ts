/**
 * The language-model port (core/assistant/language-model-port.ts) over the `openai` SDK: chat completions on any
 * OpenAI-compatible endpoint (`OPENAI_BASE_URL`, `OPENAI_API_KEY`, `OPENAI_MODEL`). No tools and no functions are
 * ever sent: the model can only answer with text. Null when not configured: the helper answers from retrieval.
 */
import type { LanguageModel } from "../core/assistant/language-model-port.js";
import { lazyOpenAi } from "./openai-client.js";

export interface OpenAiLanguageModelOptions {
  apiKey: string;
  model: string;
  baseUrl?: string;
}

/**
 * @example const model = createOpenAiLanguageModel({ apiKey, model: "gpt-4o-mini" })
 */
export function createOpenAiLanguageModel(options: OpenAiLanguageModelOptions): LanguageModel {
  // Explicit timeout and no retries: the SDK's defaults (10 minutes, 2 retries that also retry timeouts) would hold a
  // question for half an hour; each request below gets the helper's own time limit instead.
  const client = lazyOpenAi({
    apiKey: options.apiKey,
    baseURL: options.baseUrl || undefined,
    timeout: 60_000,
    maxRetries: 0,
  });
  return {
    model: options.model,
    async complete(request) {
      const response = await (await client()).chat.completions.create(
        {
          model: options.model,
          messages: [
            { role: "system", content: request.system },
            ...request.messages.map((message) => ({ role: message.role, content: message.content })),
          ],
          max_tokens: request.maxTokens,
          temperature: 0.2,
        },
        { timeout: request.timeoutMs, maxRetries: 0 },
      );
      return {
        text: response.choices[0]?.message?.content ?? "",
        usage: {
          promptTokens: response.usage?.prompt_tokens ?? 0,
          completionTokens: response.usage?.completion_tokens ?? 0,
        },
      };
    },
  };
}

/**
 * @example const model = openAiLanguageModelFromEnv(process.env) // null without OPENAI_API_KEY and OPENAI_MODEL
 */
export function openAiLanguageModelFromEnv(env: {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_MODEL?: string;
}): LanguageModel | null {
  const apiKey = env.OPENAI_API_KEY?.trim();
  const model = env.OPENAI_MODEL?.trim();
  if (!apiKey || !model) return null;
  return createOpenAiLanguageModel({ apiKey, model, baseUrl: env.OPENAI_BASE_URL?.trim() });
}
