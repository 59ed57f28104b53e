/**
 * Reviews and reputation as the creator tunes them: how much of a course a member must open before reviewing it,
 * the reputation that makes a member a helper, and how many points one voter may hand out per day. Lives on
 * `CoreContext.community`; a context without it uses the defaults below.
 */

export interface CommunitySettings {
  /** Lessons of a course a member must have opened before reviewing it (REVIEW_MIN_LESSONS). */
  reviewMinLessons: number;
  /** Reputation that makes a member a helper: a platform badge, and accepting answers in Q&A (HELPER_REPUTATION). */
  helperReputation: number;
  /**
   * At most this many points one voter gives others through helpful votes within 24 hours
   * (REPUTATION_DAILY_VOTE_POINTS): votes past it still count on the answer or review, but earn nothing. 0: no cap.
   */
  dailyVotePoints: number;
}

export const defaultCommunitySettings: CommunitySettings = {
  reviewMinLessons: 1,
  helperReputation: 50,
  dailyVotePoints: 20,
};

/** Points, fixed: an accepted answer, a helpful vote on an answer, a helpful vote on a review. */
export const REPUTATION_POINTS = { acceptedAnswer: 10, helpfulAnswer: 2, helpfulReview: 1 } as const;

/** The community settings of a context (the defaults where the entry point set none). */
export function communitySettings(ctx: { community?: Partial<CommunitySettings> }): CommunitySettings {
  return { ...defaultCommunitySettings, ...ctx.community };
}
