/**
 * The moderation port (core/assistant/moderation-port.ts) over the `openai` SDK's `moderations.create`, on any
 * OpenAI-compatible endpoint (`OPENAI_BASE_URL`, `OPENAI_API_KEY`, `OPENAI_MODERATION_MODEL`). Null when not
 * configured: questions and answers are checked by the creator's rules alone.
 */
import type { ModerationPort } from "../core/assistant/moderation-port.js";
import { lazyOpenAi } from "./openai-client.js";

/**
 * @example const moderation = openAiModerationFromEnv(process.env) // null without OPENAI_MODERATION_MODEL
 */
export function openAiModerationFromEnv(env: {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_MODERATION_MODEL?: string;
}): ModerationPort | null {
  const model = env.OPENAI_MODERATION_MODEL?.trim();
  const apiKey = env.OPENAI_API_KEY?.trim();
  if (!model || !apiKey) return null;
  // Short and without retries: moderation runs before every answer, and the rules stand in when it fails.
  const client = lazyOpenAi({
    apiKey,
    baseURL: env.OPENAI_BASE_URL?.trim() || undefined,
    timeout: 10_000,
    maxRetries: 0,
  });
  return {
    async moderate(text) {
      const response = await (await client()).moderations.create({ model, input: text });
      const result = response.results[0];
      if (!result?.flagged) return { flagged: false, categories: [] };
      const categories = Object.entries(result.categories as unknown as Record<string, boolean>)
        .filter(([, on]) => on)
        .map(([name]) => name);
      return { flagged: true, categories };
    },
  };
}
