/**
 * What a running simulation shares between its days: the context its use cases run in (the simulation's clock, the
 * simulated card processor), the catalog as members see it, each member's own state, the open question threads and
 * the running tallies of the summary.
 */
import type { Role } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import type { PlatformUser } from "../identity/resolve-member.js";
import type { SimulatedCardProcessor } from "./simulated-card-processor.js";
import type { SimulatedPerson } from "./simulated-people.js";

/** A product a simulated member can come across: published, sold for money (not only Stars). */
export interface SimulatedProduct {
  id: number;
  slug: string;
  kind: string;
  tags: string[];
  /** Lessons a member can open (courses only). */
  lessons: number;
  recurring: boolean;
}

/** The creator's price test on one product (simulated-price-test.ts). */
export interface SimulatedPriceTest {
  productId: number;
  /** The lower of the two prices, minor units. */
  lower: number;
}

export interface SimulatedMember {
  person: SimulatedPerson;
  user: PlatformUser;
  /** Known once the member has made first contact. */
  member: { id: number; role: Role } | null;
  /** The simulated day of the first contact. */
  contactDay: number | null;
  /** Products this member has bought (or tried to: a refused order is not tried again). */
  tried: Set<number>;
  /** Subscriptions at the card processor. */
  subscriptions: string[];
  /** The member has stopped their subscriptions (a leaver's decision, taken once). */
  stopped: boolean;
}

export interface SimulationTallies {
  purchases: number;
  abandonedCheckouts: number;
  /** Members shown the price test's higher price who did not buy. */
  priceWalkaways: number;
  subscriptionsStarted: number;
  renewals: number;
  failedRenewals: number;
  recoveredRenewals: number;
  cancellations: number;
  lessonOpens: number;
  previewOpens: number;
  lessonCompletions: number;
  refusedOpens: number;
  questions: number;
  answers: number;
  /** The daily messages job (simulated-campaigns.ts): messages queued, members held out, taps, purchases after one. */
  nudgesSent: number;
  nudgesHeldOut: number;
  nudgesTapped: number;
  nudgePurchases: number;
}

export interface SimulationWorld {
  ctx: CoreContext;
  processor: SimulatedCardProcessor;
  seed: number;
  start: Date;
  products: SimulatedProduct[];
  members: SimulatedMember[];
  byMemberId: Map<number, SimulatedMember>;
  /** The creator's price test (simulated-price-test.ts), or null when none runs. */
  priceTest: SimulatedPriceTest | null;
  /** Question threads still waiting for an answer, with their asker. */
  openQuestions: { threadRef: string; askerId: number }[];
  tallies: SimulationTallies;
  /** Sequence for thread and message references. */
  sequence: number;
  /** Each member's latest untapped message of the daily job (simulated-campaigns.ts), by member id. */
  inbox: Map<number, { id: number; productId: number; sentAt: Date }>;
}

export function emptyTallies(): SimulationTallies {
  return {
    purchases: 0,
    abandonedCheckouts: 0,
    priceWalkaways: 0,
    subscriptionsStarted: 0,
    renewals: 0,
    failedRenewals: 0,
    recoveredRenewals: 0,
    cancellations: 0,
    lessonOpens: 0,
    previewOpens: 0,
    lessonCompletions: 0,
    refusedOpens: 0,
    questions: 0,
    answers: 0,
    nudgesSent: 0,
    nudgesHeldOut: 0,
    nudgesTapped: 0,
    nudgePurchases: 0,
  };
}

/** The published products a member could buy with money, in id order (so draws are stable). */
export async function loadSimulatedProducts(ctx: CoreContext): Promise<SimulatedProduct[]> {
  const products = await ctx.prisma.product.findMany({
    where: { published: true, offers: { some: { active: true, currency: { not: "xtr" } } } },
    include: {
      tags: { include: { tag: true } },
      offers: { where: { active: true }, orderBy: { id: "asc" } },
      _count: { select: { lessons: { where: { published: true } } } },
    },
    orderBy: { id: "asc" },
  });
  return products.map((p) => ({
    id: p.id,
    slug: p.slug,
    kind: p.kind,
    tags: p.tags.map((t) => t.tag.slug),
    lessons: p._count.lessons,
    recurring: p.offers.find((o) => o.currency !== "xtr")?.kind === "RECURRING",
  }));
}
