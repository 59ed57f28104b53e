/**
 * The port to a provider's moderation endpoint (OpenAI's `moderations.create` or any compatible one; the adapter lives
 * in bots/). Optional: without it, questions and answers are checked by the rules in moderate-text.ts.
 */

export interface ModerationVerdict {
  flagged: boolean;
  /** The provider's category names that fired (`harassment`, `self-harm` …); empty when not flagged. */
  categories: string[];
}

/**
 * @example const { flagged } = await moderation.moderate("some text")
 */
export interface ModerationPort {
  /** Throws when the endpoint fails or times out; the caller then falls back to the rules. */
  moderate(text: string): Promise<ModerationVerdict>;
}
