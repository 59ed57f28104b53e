/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative, ties counting
 * one half (average ranks, the same definition as shared/data/churn/auc.py).
 *
 * @example computeAuc([0.9, 0.2, 0.5], [1, 0, 0]) // 1
 */
export function computeAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let rankSumPositive = 0;
  let positives = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j += 1;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k += 1) {
      if ((labels[order[k] as number] as number) > 0) {
        rankSumPositive += averageRank;
        positives += 1;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (!positives || !negatives) return Number.NaN;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}
