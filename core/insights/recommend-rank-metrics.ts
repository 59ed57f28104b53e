/**
 * Top-k ranking metrics, computed exactly as the shared scorer (rank_metrics.py) does, so validation inside the
 * training data and the evaluation command report the same figures: per member, recommendations already in train
 * dropped, the first k kept, every held-out item relevant (gain 1); averaged over the members with held-out items.
 *
 * @example measureRanking({ train, test, recommendations, k: 10 }).ndcg
 */

export interface RankingFigures {
  ndcg: number;
  precision: number;
  recall: number;
  map: number;
  members: number;
}

export interface MeasureRankingOptions {
  /** member → items they have in train */
  train: ReadonlyMap<string, ReadonlySet<string>>;
  /** member → held-out items */
  test: ReadonlyMap<string, ReadonlySet<string>>;
  /** member → items best first */
  recommendations: ReadonlyMap<string, readonly string[]>;
  k: number;
}

/** nDCG@k, precision@k, recall@k and MAP averaged over the test members (no recommendations: zeros). */
export function measureRanking(options: MeasureRankingOptions): RankingFigures {
  const { k } = options;
  const totals = { ndcg: 0, precision: 0, recall: 0, map: 0 };
  for (const [member, relevant] of options.test) {
    if (relevant.size === 0) continue;
    const owned = options.train.get(member);
    const top = (options.recommendations.get(member) ?? []).filter((item) => !owned?.has(item)).slice(0, k);
    let dcg = 0;
    let hits = 0;
    let averagePrecision = 0;
    top.forEach((item, position) => {
      if (!relevant.has(item)) return;
      hits += 1;
      dcg += 1 / Math.log2(position + 2);
      averagePrecision += hits / (position + 1);
    });
    let ideal = 0;
    for (let position = 0; position < Math.min(relevant.size, k); position += 1) ideal += 1 / Math.log2(position + 2);
    totals.ndcg += dcg / ideal;
    totals.precision += hits / k;
    totals.recall += hits / relevant.size;
    totals.map += averagePrecision / relevant.size;
  }
  const members = [...options.test.values()].filter((items) => items.size > 0).length;
  const per = (value: number) => (members ? value / members : 0);
  return {
    ndcg: per(totals.ndcg),
    precision: per(totals.precision),
    recall: per(totals.recall),
    map: per(totals.map),
    members,
  };
}
