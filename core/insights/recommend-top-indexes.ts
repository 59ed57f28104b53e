/**
 * The k best indexes of a score array without sorting it all: a size-k min-heap, O(n log k). Recommending for
 * 100,000 members over thousands of items is mostly this loop, so it allocates once per call and nothing per item.
 *
 * @example topIndexes(scores, 10) // indexes of the 10 largest finite scores, best first
 */

/**
 * Indexes of the `k` largest scores, best first. Scores that are not finite (−Infinity marks an excluded item) are
 * skipped; ties keep the lower index first so results are stable.
 */
export function topIndexes(scores: ArrayLike<number>, k: number, candidates?: ArrayLike<number>): number[] {
  const heapIndex = new Int32Array(k);
  const heapScore = new Float64Array(k);
  let size = 0;
  const total = candidates ? candidates.length : scores.length;
  for (let c = 0; c < total; c += 1) {
    const i = candidates ? candidates[c]! : c;
    const s = scores[i]!;
    if (!Number.isFinite(s)) continue;
    if (size < k) {
      // Sift up.
      let at = size;
      size += 1;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!worse(s, i, heapScore[parent]!, heapIndex[parent]!)) break;
        heapScore[at] = heapScore[parent]!;
        heapIndex[at] = heapIndex[parent]!;
        at = parent;
      }
      heapScore[at] = s;
      heapIndex[at] = i;
    } else if (k > 0 && worse(heapScore[0]!, heapIndex[0]!, s, i)) {
      // Replace the root (the worst kept) and sift down.
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        if (left >= size) break;
        const right = left + 1;
        let child = left;
        if (right < size && worse(heapScore[right]!, heapIndex[right]!, heapScore[left]!, heapIndex[left]!))
          child = right;
        if (!worse(heapScore[child]!, heapIndex[child]!, s, i)) break;
        heapScore[at] = heapScore[child]!;
        heapIndex[at] = heapIndex[child]!;
        at = child;
      }
      heapScore[at] = s;
      heapIndex[at] = i;
    }
  }
  const out = Array.from(heapIndex.subarray(0, size));
  return out.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/** Is (scoreA, indexA) ranked below (scoreB, indexB)? Lower score, or equal score and higher index. */
function worse(scoreA: number, indexA: number, scoreB: number, indexB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && indexA > indexB);
}
