/**
 * Top-k recommendations for every member the recommender was fitted on, as id rows ready to write (the CSV
 * contract) or to filter through the product rules. Scratch arrays are shared across members: at 100,000 members
 * the allocation per member, not the arithmetic, would dominate.
 *
 * @example for (const row of recommendForMembers({ recommender, k: 10 })) write(row.memberId, row.itemId, row.rank)
 */
import type { Recommender } from "./recommend-fit-recommender.js";
import { scoreMember } from "./recommend-score-member.js";

export interface RecommendationRow {
  memberId: string;
  itemId: string;
  /** 1 = best. */
  rank: number;
  score: number;
  /** The member's item that contributed most ("because you took …"), or null. */
  becauseItemId: string | null;
}

export interface RecommendForMembersOptions {
  recommender: Recommender;
  k: number;
  /** Only these members (ids); default all. */
  memberIds?: readonly string[];
  /** Leave out the reasons (faster; the evaluation does not need them). */
  withoutReasons?: boolean;
}

/** Yields each member's rows in rank order, member by member. */
export function* recommendForMembers(options: RecommendForMembersOptions): Generator<RecommendationRow> {
  const { recommender, k } = options;
  const { matrix } = recommender;
  const m = matrix.itemIds.length;
  const scratch = { model: new Float64Array(m), content: new Float64Array(m) };
  for (const memberId of options.memberIds ?? matrix.memberIds) {
    const u = matrix.memberIndex.get(memberId);
    if (u === undefined) continue;
    const start = matrix.rows.starts[u]!;
    const end = matrix.rows.starts[u + 1]!;
    const top = scoreMember({
      recommender,
      items: matrix.rows.columns.subarray(start, end),
      values: matrix.rows.values.subarray(start, end),
      k,
      scratch,
      withoutReasons: options.withoutReasons,
    });
    let rank = 0;
    for (const entry of top) {
      rank += 1;
      yield {
        memberId,
        itemId: matrix.itemIds[entry.item]!,
        rank,
        score: entry.score,
        becauseItemId: entry.because === null ? null : matrix.itemIds[entry.because]!,
      };
    }
  }
}
