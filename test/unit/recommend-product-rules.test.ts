import { describe, expect, it } from "vitest";
import {
  applyProductRules,
  type CatalogEntry,
  type RecommendationCandidate,
} from "../../core/insights/recommend-apply-product-rules.js";
import { interactionsFromActivity, interactionWeight } from "../../core/insights/recommend-interaction-weights.js";

const now = new Date("2025-03-01T12:00:00Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const live = (languages: string[] = ["en"]): CatalogEntry => ({ published: true, hasActiveOffer: true, languages });

const catalog = new Map<string, CatalogEntry>([
  ["owned", live()],
  ["draft", { ...live(), published: false }],
  ["no-offer", { ...live(), hasActiveOffer: false }],
  ["shown-yesterday", live()],
  ["shown-last-month", live()],
  ["chinese", live(["zh"])],
  ["english", live(["en"])],
  ["both", live(["en", "zh"])],
  ["taken", live()],
]);
const candidates: RecommendationCandidate[] = [
  "owned",
  "draft",
  "no-offer",
  "shown-yesterday",
  "chinese",
  "english",
  "shown-last-month",
  "unknown",
  "both",
].map((itemId, index) => ({ itemId, score: 10 - index, becauseItemId: "taken" }));
const member = {
  ownedItemIds: new Set(["owned", "taken"]),
  language: "en",
  lastShownAt: new Map([
    ["shown-yesterday", daysAgo(1)],
    ["shown-last-month", daysAgo(30)],
  ]),
};

describe("product rules for recommendations", () => {
  it("never recommends what the member owns, unpublished or offer-less items, or what was shown within N days", () => {
    const result = applyProductRules({ candidates, member, catalog, now, k: 10, repeatAfterDays: 14 });
    const ids = result.map((entry) => entry.itemId);
    for (const excluded of ["owned", "draft", "no-offer", "shown-yesterday", "unknown"])
      expect(ids).not.toContain(excluded);
    expect(ids).toContain("shown-last-month");
    const longer = applyProductRules({ candidates, member, catalog, now, k: 10, repeatAfterDays: 60 });
    expect(longer.map((entry) => entry.itemId)).not.toContain("shown-last-month");
  });

  it("puts the member's language first and keeps the model's order within each group", () => {
    const result = applyProductRules({ candidates, member, catalog, now, k: 10 });
    expect(result.map((entry) => entry.itemId)).toEqual(["english", "shown-last-month", "both", "chinese"]);
    expect(result.map((entry) => entry.rank)).toEqual([1, 2, 3, 4]);
    const chineseMember = applyProductRules({ candidates, member: { ...member, language: "zh" }, catalog, now, k: 2 });
    expect(chineseMember.map((entry) => entry.itemId)).toEqual(["chinese", "both"]);
  });

  it("keeps a reason only when it names an item the member has", () => {
    const withStrangeReason = candidates.map((candidate) =>
      candidate.itemId === "english" ? { ...candidate, becauseItemId: "draft" } : candidate,
    );
    const result = applyProductRules({ candidates: withStrangeReason, member, catalog, now, k: 10 });
    expect(result.find((entry) => entry.itemId === "english")?.becauseItemId).toBeNull();
    expect(result.find((entry) => entry.itemId === "both")?.becauseItemId).toBe("taken");
  });
});

describe("interaction weights", () => {
  it("weighs a purchase above a completion above an opened lesson, and a review by its stars", () => {
    const at = now;
    const weight = (kind: Parameters<typeof interactionWeight>[0]["kind"], rating?: number) =>
      interactionWeight({ memberId: 1, productId: 2, kind, occurredAt: at, rating });
    expect(weight("purchase")).toBeGreaterThan(weight("lesson_completed"));
    expect(weight("lesson_completed")).toBeGreaterThan(weight("lesson_opened"));
    expect(weight("review", 5)).toBeGreaterThan(weight("review", 1));
    const rows = interactionsFromActivity([{ memberId: 7, productId: 3, kind: "helpful_answer", occurredAt: at }]);
    expect(rows).toEqual([{ memberId: "7", itemId: "3", weight: weight("helpful_answer"), occurredAt: at.getTime() }]);
  });
});
