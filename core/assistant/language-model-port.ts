/**
 * The port to a chat-completion model (any OpenAI-compatible endpoint; the adapter lives in bots/). The answer helper
 * works without one (retrieval-only answers, still cited); with one, the model writes the answer from the passages.
 *
 * Deliberately left out: tools, function calling and streaming. The model can only return text, so nothing it reads
 * (a member's question, a lesson) can make it change state — an injected "call grant" has nothing to call.
 */

export interface CompletionMessage {
  role: "user" | "assistant";
  content: string;
}

export interface CompletionRequest {
  /** Our own instructions; never built from what members or documents wrote. */
  system: string;
  messages: CompletionMessage[];
  /** Upper bound on the answer's length, in tokens. */
  maxTokens: number;
  /** The adapter gives up after this long (no retry that would outlast it). */
  timeoutMs: number;
}

export interface Completion {
  text: string;
  usage: { promptTokens: number; completionTokens: number };
}

/**
 * @example const { text } = await model.complete({ system, messages: [{ role: "user", content }], maxTokens: 500, timeoutMs: 20_000 })
 */
export interface LanguageModel {
  /** The model's name, as configured (logged with usage). */
  readonly model: string;
  /** Throws when the endpoint fails or times out; the helper then answers from retrieval alone. */
  complete(request: CompletionRequest): Promise<Completion>;
}
