/**
 * The recommender fitted on the community's own data. Settings are chosen by validation inside that data
 * (`chooseRecommenderSettings`) once enough members have enough items to hold some back; a young community gets the
 * defaults with content similarity and popularity switched on, which is what places a new course and serves a
 * newcomer while there is little to learn from. The chosen settings are kept in memory for a while (choosing fits
 * the model a dozen times; fitting once is cheap at a creator's catalog size).
 *
 * @example const recommender = fitCommunityRecommender({ data, now: ctx.clock.now(), cacheKey: ctx.prisma })
 */
import type { RecommendationData } from "./load-recommendation-data.js";
import { chooseRecommenderSettings } from "./recommend-choose-settings.js";
import { fitRecommender, type Recommender } from "./recommend-fit-recommender.js";
import { DEFAULT_RECOMMENDER_SETTINGS, type RecommenderSettings } from "./recommend-settings.js";

/** Members with at least this many items can have one held back for validation. */
const ITEMS_TO_VALIDATE = 3;
/** Fewer validating members than this: validation would be noise, the defaults are used. */
const MIN_VALIDATION_MEMBERS = 50;
/** How long chosen settings are reused before they are chosen again. */
const SETTINGS_TTL_MS = 24 * 3_600_000;

/** The starting point of a young community: graded signals, content for new items, popularity for newcomers. */
export const YOUNG_COMMUNITY_SETTINGS: RecommenderSettings = {
  ...DEFAULT_RECOMMENDER_SETTINGS,
  weightMode: "log",
  ease: { lambda: 10, emphasis: 0 },
  contentWeight: 0.5,
  popularityWeight: 0.2,
};

const chosen = new WeakMap<object, { at: number; settings: RecommenderSettings }>();

export function fitCommunityRecommender(options: {
  data: Pick<RecommendationData, "interactions" | "items">;
  now: Date;
  /** Chosen settings are remembered per key (the database client). */
  cacheKey: object;
}): Recommender {
  const { data } = options;
  const settings = settingsFor(data, options.now.getTime(), options.cacheKey);
  return fitRecommender({ interactions: data.interactions, settings, items: data.items });
}

function settingsFor(
  data: Pick<RecommendationData, "interactions" | "items">,
  now: number,
  cacheKey: object,
): RecommenderSettings {
  const cached = chosen.get(cacheKey);
  if (cached && now - cached.at < SETTINGS_TTL_MS && now >= cached.at) return cached.settings;
  const itemsPerMember = new Map<string, Set<string>>();
  for (const row of data.interactions) {
    let items = itemsPerMember.get(row.memberId);
    if (!items) {
      items = new Set();
      itemsPerMember.set(row.memberId, items);
    }
    items.add(row.itemId);
  }
  let validating = 0;
  for (const items of itemsPerMember.values()) if (items.size >= ITEMS_TO_VALIDATE) validating += 1;
  let settings = YOUNG_COMMUNITY_SETTINGS;
  if (validating >= MIN_VALIDATION_MEMBERS) {
    const result = chooseRecommenderSettings({ interactions: data.interactions, items: data.items });
    // Validation may switch content and popularity off; a new course and a newcomer still need a little of each.
    settings = {
      ...result.settings,
      contentWeight: Math.max(result.settings.contentWeight, 0.05),
      popularityWeight: Math.max(result.settings.popularityWeight, 0.05),
    };
  }
  chosen.set(cacheKey, { at: now, settings });
  return settings;
}
