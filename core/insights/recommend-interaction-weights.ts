/**
 * What each thing a member does with a product says about their taste, as implicit-feedback weights. A purchase
 * is the strongest signal, a finished lesson says more than an opened one, a helpful Q&A exchange and a good review
 * say the member cares. The matrix sums the weights of one member and product; validation then chooses whether the
 * sums (log-compressed) or mere presence rank better.
 *
 * @example interactionsFromActivity([{ memberId: 7, kind: "lesson_completed", productId: 3, occurredAt }])
 */
import type { Interaction } from "./recommend-interaction-matrix.js";

/** Kinds of product interaction the recommender reads. */
export type InteractionKind =
  | "purchase"
  | "lesson_completed"
  | "lesson_opened"
  | "preview_opened"
  | "live_joined"
  | "question_asked"
  | "helpful_answer"
  | "review";

/** Weight per kind; a review's weight also depends on its rating (see `interactionWeight`). */
export const INTERACTION_WEIGHTS: Readonly<Record<InteractionKind, number>> = {
  purchase: 5,
  lesson_completed: 3,
  live_joined: 2,
  helpful_answer: 2,
  question_asked: 1,
  lesson_opened: 1,
  preview_opened: 0.5,
  review: 3,
};

/** One product interaction as it comes from the activity log, orders, answers and reviews. */
export interface ProductInteraction {
  memberId: number | string;
  productId: number | string;
  kind: InteractionKind;
  occurredAt: Date;
  /** A review's stars, 1–5. */
  rating?: number;
}

/**
 * The weight of one interaction. A review is scaled by its rating: a one-star review is still an interaction (the
 * member took the course) but says little for what else they would like.
 */
export function interactionWeight(interaction: ProductInteraction): number {
  const base = INTERACTION_WEIGHTS[interaction.kind];
  if (interaction.kind !== "review" || interaction.rating === undefined) return base;
  const stars = Math.min(5, Math.max(1, interaction.rating));
  return (base * stars) / 5;
}

/** Product interactions as the recommender's input rows (ids as strings). */
export function interactionsFromActivity(interactions: readonly ProductInteraction[]): Interaction[] {
  return interactions.map((interaction) => ({
    memberId: String(interaction.memberId),
    itemId: String(interaction.productId),
    weight: interactionWeight(interaction),
    occurredAt: interaction.occurredAt.getTime(),
  }));
}
