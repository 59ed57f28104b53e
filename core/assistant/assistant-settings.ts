/**
 * What the answer helper is given by the entry point: the configured model and embeddings endpoint (either may be
 * absent) and its limits. Lives on `CoreContext.assistant`; a context without it answers from retrieval alone with
 * the defaults below.
 */
import type { EmbeddingsPort } from "./embeddings-port.js";
import type { LanguageModel } from "./language-model-port.js";

export interface AssistantSettings {
  /** Null: retrieval-only answers. */
  languageModel: LanguageModel | null;
  /** Null: lexical retrieval only. */
  embeddings: EmbeddingsPort | null;
  /** How long the model may take before the helper answers from retrieval instead. */
  modelTimeoutMs: number;
  /** Upper bound on the model's answer, in tokens. */
  maxAnswerTokens: number;
  /** Upper bound on the answer as posted, in characters (platform limits and readability). */
  maxAnswerChars: number;
}

export const defaultAssistantSettings: AssistantSettings = {
  languageModel: null,
  embeddings: null,
  modelTimeoutMs: 20_000,
  maxAnswerTokens: 600,
  maxAnswerChars: 1500,
};

/** The helper's settings of a context (the defaults when the entry point configured none). */
export function assistantSettings(ctx: { assistant?: Partial<AssistantSettings> }): AssistantSettings {
  return { ...defaultAssistantSettings, ...ctx.assistant };
}
