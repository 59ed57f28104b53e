/**
 * What the answer helper is given by the entry point: the configured model and embeddings endpoint (either may be
 * absent) and its limits. Lives on `CoreContext.assistant`; a context without it answers from retrieval alone with
 * the defaults below.
 */
import type { EmbeddingsPort } from "./embeddings-port.js";
import type { LanguageModel } from "./language-model-port.js";
import type { ModerationPort } from "./moderation-port.js";

export interface AssistantSettings {
  /** Null: retrieval-only answers. */
  languageModel: LanguageModel | null;
  /** Null: lexical retrieval only. */
  embeddings: EmbeddingsPort | null;
  /** The bundled sentence encoder (English); null: the re-ranker goes without its similarity feature. */
  sentenceEncoder: EmbeddingsPort | null;
  /** How long the model may take before the helper answers from retrieval instead. */
  modelTimeoutMs: number;
  /** Upper bound on the model's answer, in tokens. */
  maxAnswerTokens: number;
  /** Upper bound on the answer as posted, in characters (platform limits and readability). */
  maxAnswerChars: number;
  /** A Q&A place nobody set a mode for: answered at once, drafted for the creator's approval, or left alone. */
  defaultMode: "auto" | "draft" | "off";
  /** Questions one member may ask the helper per day (UTC); 0: no limit. */
  dailyQuestionLimit: number;
  /** Model tokens the helper may spend per day (UTC); then it quotes the material instead. 0: no budget. */
  dailyTokenBudget: number;
  /** A question with no accepted or human answer this long after it was asked reaches the creator (once). */
  unansweredMinutes: number;
  /** The provider's moderation endpoint; null: the rules below. */
  moderation: ModerationPort | null;
  /** Members who joined less than this many days ago may not post links in questions (a spam pattern). */
  newMemberDays: number;
  /** Words (English and Chinese) that hold a question or answer back; matched case-insensitively as substrings. */
  bannedWords: string[];
  /** More than `floodQuestions` questions from one member within `floodMinutes` is a flood. */
  floodQuestions: number;
  floodMinutes: number;
}

export const defaultAssistantSettings: AssistantSettings = {
  languageModel: null,
  embeddings: null,
  sentenceEncoder: null,
  modelTimeoutMs: 20_000,
  maxAnswerTokens: 600,
  maxAnswerChars: 1500,
  defaultMode: "auto",
  dailyQuestionLimit: 20,
  dailyTokenBudget: 200_000,
  unansweredMinutes: 60,
  moderation: null,
  newMemberDays: 7,
  bannedWords: [],
  floodQuestions: 5,
  floodMinutes: 10,
};

/** The helper's settings of a context (the defaults when the entry point configured none). */
export function assistantSettings(ctx: { assistant?: Partial<AssistantSettings> }): AssistantSettings {
  return { ...defaultAssistantSettings, ...ctx.assistant };
}
