/**
 * What an experiment's `variants` column holds, and the deterministic assignment of a member to one of them.
 *
 * Assignment is a pure function of (experiment key, member id): a SHA-256 of the two picks a point in [0, 1), and the
 * variants' cumulative weights cut [0, 1) into slices. Every process, today or after a restart, computes the same
 * variant with no stored row and no shared state. The row written at the first exposure then wins over the hash
 * (core/insights/experiment-record-exposure.ts), so changing weights later moves only members not yet exposed.
 * Hashing the key with the id makes experiments independent: being in B of one says nothing about another.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * One variant: its key (`A`, `B`, `holdout` …), its share, and what it carries — the offer of a price test, the text of
 * a message test; unknown fields are kept, so a caller can store its own.
 */
export const experimentVariantSchema = z.looseObject({
  key: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  weight: z.number().finite().nonnegative(),
  /** The one variant the others are compared with; when none says so, the first. */
  control: z.boolean().optional(),
  /** A price test: the offer this variant's members see and pay. */
  offerId: z.number().int().positive().optional(),
});

export const experimentVariantsSchema = z
  .array(experimentVariantSchema)
  .min(2)
  .refine((variants) => new Set(variants.map((v) => v.key)).size === variants.length, "variant keys must be unique")
  .refine((variants) => variants.some((v) => v.weight > 0), "at least one variant needs a weight");

export type ExperimentVariant = z.infer<typeof experimentVariantSchema>;

/** The variants stored on an experiment row, checked (a hand-edited row that does not parse throws, loudly). */
export function parseVariants(json: unknown): ExperimentVariant[] {
  return experimentVariantsSchema.parse(json);
}

/** The control variant: the one marked `control`, else the first. */
export function controlVariant(variants: readonly ExperimentVariant[]): ExperimentVariant {
  return variants.find((v) => v.control) ?? variants[0]!;
}

/**
 * The member's point in [0, 1) for this experiment: the first 48 bits of SHA-256("key:memberId"), uniform and the same
 * in every process.
 *
 * @example assignmentPoint("price:3", 42) // 0.7311…, always
 */
export function assignmentPoint(experimentKey: string, memberId: number): number {
  const digest = createHash("sha256").update(`${experimentKey}:${memberId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * The variant the hash gives this member (before any stored row is considered).
 *
 * @example pickVariant("campaign:spring", 42, [{ key: "holdout", weight: 10 }, { key: "treatment", weight: 90 }]).key
 */
export function pickVariant(
  experimentKey: string,
  memberId: number,
  variants: readonly ExperimentVariant[],
): ExperimentVariant {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  const point = assignmentPoint(experimentKey, memberId) * total;
  let upTo = 0;
  for (const variant of variants) {
    upTo += variant.weight;
    if (point < upTo) return variant;
  }
  // Only floating-point rounding at the very top lands here: the last variant with a weight.
  return [...variants].reverse().find((v) => v.weight > 0)!;
}
