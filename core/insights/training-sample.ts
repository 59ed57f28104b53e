/**
 * A bound on the labelled snapshot rows a community model learns from. Every (member, moment) pair is kept with the
 * same share, picked by a hash of the pair, so a large community stays within memory (100,000 members × 17
 * snapshots × 80 features would be over a gigabyte of rows) and the same history always gives the same sample.
 *
 * @example const share = trainingShare(pairs); if (keepTrainingRow(member.id, at, share)) rows.push(…)
 */

/** About this many rows at most (the sample is by hash, so the count lands near it, not exactly on it). */
export const MAX_TRAINING_ROWS = 200_000;

/** The share of `candidates` pairs to keep for about `maxRows` rows (1: all of them). */
export function trainingShare(candidates: number, maxRows = MAX_TRAINING_ROWS): number {
  return candidates <= maxRows ? 1 : maxRows / candidates;
}

/** Whether the pair (member, moment in ms) is in the sample of this share: deterministic, allocation-free. */
export function keepTrainingRow(memberId: number, at: number, share: number): boolean {
  if (share >= 1) return true;
  // The murmur3 finaliser over the member and the moment's hour: well spread for consecutive ids and weekly moments.
  let h = (Math.imul(memberId, 0x9e3779b1) ^ Math.floor(at / 3_600_000)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296 < share;
}
