/**
 * Reciprocal rank fusion (Cormack et al., 2009): combines the lexical and the dense ranking by rank alone, so the
 * two scores never need to be put on one scale.
 */

/** The constant of the paper; larger values flatten the difference between the first ranks. */
export const RRF_K = 60;

/**
 * Fused order of keys that appear in any ranking, best first; a key missing from a ranking gets nothing from it.
 *
 * @example fuseRankings([[3, 1, 2], [1, 3]]) // [1, 3, 2] or [3, 1, 2] by the sums of 1 / (60 + rank)
 */
export function fuseRankings<Key>(rankings: Key[][], weights: number[] = rankings.map(() => 1)): Key[] {
  const scores = new Map<Key, number>();
  rankings.forEach((ranking, which) => {
    ranking.forEach((key, rank) => {
      scores.set(key, (scores.get(key) ?? 0) + (weights[which] ?? 1) / (RRF_K + rank + 1));
    });
  });
  return [...scores.entries()].sort((a, b) => b[1] - a[1]).map(([key]) => key);
}
