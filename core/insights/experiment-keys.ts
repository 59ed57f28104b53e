/**
 * How experiments are named, so the code that needs one finds it by what it tests: a product's price test is
 * `price:<productId>` (a later one after a stopped test `price:<productId>#2`, keys being unique and history kept), a
 * campaign's holdout is `campaign:<campaignKey>`, anything else is a message test named by its author (`msg:welcome`).
 */

export type ExperimentKind = "price" | "holdout" | "message";

/** The keys a product's price tests may have: the first one, and the prefix of later ones. */
export function priceExperimentKeys(productId: number): { first: string; laterPrefix: string } {
  return { first: `price:${productId}`, laterPrefix: `price:${productId}#` };
}

/** The key of a campaign's holdout experiment. */
export function holdoutExperimentKey(campaignKey: string): string {
  return `campaign:${campaignKey}`;
}

/** What an experiment tests, from its key. */
export function experimentKind(key: string): ExperimentKind {
  if (/^price:\d+(#\d+)?$/.test(key)) return "price";
  if (key.startsWith("campaign:")) return "holdout";
  return "message";
}

/** The product a price test's key names, or null. */
export function priceExperimentProduct(key: string): number | null {
  const match = /^price:(\d+)(?:#\d+)?$/.exec(key);
  return match ? Number(match[1]) : null;
}
