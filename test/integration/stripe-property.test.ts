/**
 * A property over Stripe's real delivery: random stories per order (one-time and subscription; paid, refunded fully
 * or in part, from the Dashboard or from chat, disputed and won or lost, renewals that fail and recover or lapse,
 * cancellations), whose webhook events are delivered late, shuffled, twice and concurrently, or lost in an outage and
 * healed by `/reconcile` alone. Afterwards every member's access and every payment row must equal what Stripe's final
 * state implies. The oracle reads only the Stripe fake's final objects, with rules written from Stripe's side; it
 * shares no code with the product.
 *
 * Every seed is one test. A failure names its seed, the order, the story and the deliveries; replay it with
 *   STRIPE_PROPERTY_SEED=<seed> npx vitest run test/integration/stripe-property.test.ts
 * and run more seeds with STRIPE_PROPERTY_SEEDS=<count> (seeds 1…count).
 *
 * The story and delivery schedule are a pure function of the seed; ids minted by the fake and the interleaving of
 * concurrent deliveries are not, so a replay repeats the same story, not necessarily the same race.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeCharge, FakeDispute, FakeInvoice, FakeRefund, StripeEventJson } from "../fakes/stripe-fake.js";
import { CREATOR, createHarness, type Harness } from "../support/harness.js";

const LOUNGE = "#members-lounge";
const DAY_MS = 86_400_000;
const GRACE_DAYS = 3;
const ONE_TIME_PRODUCTS = [1, 2] as const;
const SUBSCRIPTION_PRODUCT = 5;
/** prisma/seed.ts: the lounge opens for products 1, 2, 5 and 6, so for every order made here. */
const LOUNGE_PRODUCTS = new Set([1, 2, 5, 6]);
/** Each seed takes about 2 s on the 2-core machine with PostgreSQL (DATABASE_URL): the file stays near 35 s. */
const DEFAULT_SEED_COUNT = 15;
const SEED_TIMEOUT_MS = 120_000;
/** STRIPE_PROPERTY_VERBOSE=1 prints every order's story and outcome, not only the failing ones. */
const VERBOSE = Boolean(process.env.STRIPE_PROPERTY_VERBOSE);

function seedsToRun(): number[] {
  const one = process.env.STRIPE_PROPERTY_SEED;
  if (one !== undefined && one !== "") {
    const seed = Number(one);
    if (!Number.isSafeInteger(seed)) throw new Error(`STRIPE_PROPERTY_SEED must be an integer, not "${one}"`);
    return [seed];
  }
  const count = Number(process.env.STRIPE_PROPERTY_SEEDS ?? DEFAULT_SEED_COUNT);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error("STRIPE_PROPERTY_SEEDS must be a positive integer");
  return Array.from({ length: count }, (_, i) => i + 1);
}

// --- A seeded PRNG (mulberry32)

class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from nothing");
    return items[Math.floor(this.next() * items.length)] as T;
  }
  weighted<T>(options: readonly (readonly [T, number])[]): T {
    const total = options.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of options) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return options[options.length - 1]![0];
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

// --- Stories

type Kind = "one-time" | "subscription";

interface Story {
  user: string;
  kind: Kind;
  productId: number;
  orderId: number;
  memberId: number;
  checkoutRef: string;
  /** One-time: the checkout's PaymentIntent. */
  paymentIntent: string | null;
  subscriptionRef: string | null;
  /** Each renewal invoice's PaymentIntent, noted by the test when it made the invoice (the $0 trial invoice has none). */
  invoicePaymentIntents: Map<string, string>;
  asyncPending: boolean;
  /** What Stripe does next about a failed renewal, when it was left for the next round. */
  followUp: "retry" | "unpaid" | null;
  steps: string[];
  deliveries: string[];
}

interface ExpectedPayment {
  ref: string;
  amount: number;
  currency: string;
  refundedAmount: number;
  status: "SUCCEEDED" | "REFUNDED" | "PARTIALLY_REFUNDED" | "DISPUTED";
  /** Stripe refund id → amount. */
  refunds: Map<string, number>;
}

interface Expected {
  access: boolean;
  why: string;
  payments: ExpectedPayment[];
}

/** Dispute statuses that end with the money kept (anything else holds it or lost it). */
const DISPUTE_ENDED_WELL = new Set(["won", "warning_closed", "prevented"]);
/** Refund statuses in which the money is on its way back. */
const REFUND_COUNTED = new Set(["succeeded", "pending", "requires_action"]);

const short = (id: string) => (id.length > 14 ? `${id.slice(0, 3)}…${id.slice(-6)}` : id);
const iso = (date: Date | null) => (date ? date.toISOString().slice(0, 16) : "null");

describe("Stripe property: final access and payments equal Stripe's final state", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ stripe: true, gracePeriodDays: GRACE_DAYS });
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  for (const seed of seedsToRun()) {
    it(`seed ${seed}`, () => runSeed(seed), SEED_TIMEOUT_MS);
  }

  // --- What the property found, pinned

  it("a chat refund of a Stripe payment refunded in part in the Dashboard refunds the rest through Stripe, not by hand", async () => {
    const fake = h.stripe!;
    await h.say("part", "/buy 1");
    const order = await h.db.prisma.order.findFirstOrThrow({ orderBy: { id: "desc" } });
    await h.deliver(fake.completeCheckout(order.checkoutRef!));
    const intent = fake.sessions.get(order.checkoutRef!)!.payment_intent as string;
    await h.deliver(fake.refund(intent, { amount: 1000 }));

    await h.say("part", `/refund ${order.id}`);
    const request = await h.db.prisma.refund.findFirstOrThrow({ where: { status: "REQUESTED" } });
    expect(request.amount).toBe(order.amount - 1000);
    expect(await h.say(CREATOR, `/approve ${request.id}`)).toContain(`Order #${order.id} refunded through Stripe`);
    const charge = [...fake.charges.values()].find((c) => c.payment_intent === intent)!;
    expect(charge.amount_refunded).toBe(order.amount);
    const refunds = await h.db.prisma.refund.findMany({ where: { orderId: order.id }, orderBy: { id: "asc" } });
    expect(refunds.map((r) => [r.status, r.amount, r.providerRefundId !== null])).toEqual([
      ["SUCCEEDED", 1000, true],
      ["SUCCEEDED", order.amount - 1000, true],
    ]);
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("REFUNDED");
    expect(h.gateway.members(LOUNGE).has("part")).toBe(false);
  });

  it("a subscription in its free trial paid nothing: /refund is refused and nothing is marked refunded", async () => {
    const fake = h.stripe!;
    await h.say("trial", "/buy 5");
    const order = await h.db.prisma.order.findFirstOrThrow({ orderBy: { id: "desc" } });
    const first = fake.events.length;
    fake.completeCheckout(order.checkoutRef!);
    for (const event of fake.events.slice(first)) expect((await h.deliver(event)).status).toBe(200);
    expect(h.gateway.members(LOUNGE).has("trial")).toBe(true);

    expect(await h.say("trial", `/refund ${order.id}`)).toContain(`Order #${order.id} can't be refunded`);
    expect(await h.db.prisma.refund.count()).toBe(0);
    expect((await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PAID");
    expect(fake.subscriptions.get(fake.sessions.get(order.checkoutRef!)!.subscription as string)!.status).toBe(
      "trialing",
    );
    expect(h.gateway.members(LOUNGE).has("trial")).toBe(true);
  });

  async function runSeed(seed: number): Promise<void> {
    const fake = h.stripe!;
    const prisma = h.db.prisma;
    const rng = new Random(seed);
    // A fresh 90-day window: the reconciler must see this seed's objects only, not an earlier seed's.
    h.clock.advanceDays(120);
    const start = h.clock.now().getTime();
    const day = () => Math.round(((h.clock.now().getTime() - start) / DAY_MS) * 10) / 10;

    const outage = rng.chance(0.3);
    const rounds = rng.int(3, 4);
    const orderCount = rng.int(8, 12);
    const seedLog: string[] = [
      `${orderCount} orders, ${rounds} rounds, ${outage ? "webhook outage at the end" : "all events delivered"}`,
    ];

    const stories: Story[] = [];
    let seen = fake.events.length;
    let pool: StripeEventJson[] = [];
    const delivered: StripeEventJson[] = [];
    const badAnswers: string[] = [];
    const otherFailures: string[] = [];

    // --- Delivery: late, shuffled, twice, several at once

    const step = (story: Story, text: string) => story.steps.push(`d${day()}: ${text}`);

    function objectRefs(event: StripeEventJson): string[] {
      const object = event.data.object as {
        id?: unknown;
        payment_intent?: unknown;
        subscription?: unknown;
        parent?: { subscription_details?: { subscription?: unknown } | null } | null;
      };
      return [
        object.id,
        object.payment_intent,
        object.subscription,
        object.parent?.subscription_details?.subscription,
      ].filter((ref): ref is string => typeof ref === "string");
    }

    function storyOf(event: StripeEventJson): Story | undefined {
      const refs = objectRefs(event);
      return stories.find((story) => {
        const own = [
          story.checkoutRef,
          story.paymentIntent,
          story.subscriptionRef,
          ...story.invoicePaymentIntents.values(),
        ];
        return refs.some((ref) => own.includes(ref));
      });
    }

    function collect(): void {
      while (seen < fake.events.length) pool.push(fake.events[seen++]!);
    }

    async function deliverBatch(events: StripeEventJson[]): Promise<void> {
      const queue = rng.shuffle([...events]);
      for (const event of events) if (rng.chance(0.25)) queue.splice(rng.int(0, queue.length), 0, event);
      // Stripe delivers at least once: now and then an event answered long ago comes again.
      if (delivered.length > 0 && rng.chance(0.2)) queue.splice(rng.int(0, queue.length), 0, rng.pick(delivered));
      while (queue.length > 0) {
        const group = queue.splice(0, 1);
        if (rng.chance(0.35)) {
          // Several at once; often about one order, like a checkout completion and its first invoice.
          const size = rng.int(1, 2);
          const owner = storyOf(group[0]!);
          const mates = queue.filter((event) => owner && storyOf(event) === owner);
          const source = mates.length > 0 && rng.chance(0.6) ? mates : queue;
          for (let i = 0; i < size && source.length > 0; i++) {
            const mate = source.splice(rng.int(0, source.length - 1), 1)[0]!;
            if (source !== queue) queue.splice(queue.indexOf(mate), 1);
            group.push(mate);
          }
        }
        // Stripe does not wait for us: now and then the order changes there while its events are being handled.
        const changing = rng.chance(0.2) ? storyOf(group[0]!) : undefined;
        const delay = rng.int(0, 20);
        const answers = await Promise.all([
          ...group.map((event) => h.deliver(event)),
          ...(changing
            ? [new Promise<null>((resolve) => setTimeout(() => resolve(midFlightChange(changing)), delay))]
            : []),
        ]);
        group.forEach((event, i) => {
          const answer = answers[i]!;
          const outcome = (answer.body as { outcome?: string } | null)?.outcome ?? JSON.stringify(answer.body);
          const line = `${event.type} ${short(event.data.object ? (objectRefs(event)[0] ?? "?") : "?")} (${short(event.id)})${group.length > 1 ? ` [${group.length} at once]` : ""} → ${answer.status} ${outcome}`;
          storyOf(event)?.deliveries.push(`d${day()}: ${line}`);
          if (answer.status !== 200) badAnswers.push(line);
          delivered.push(event);
        });
      }
    }

    /** Between story steps: at random, a random part of what is pending is delivered; the rest waits. */
    async function maybeDeliver(): Promise<void> {
      collect();
      if (pool.length === 0 || !rng.chance(0.5)) return;
      const share = rng.next();
      const chosen: StripeEventJson[] = [];
      const rest: StripeEventJson[] = [];
      for (const event of pool) (rng.chance(share) ? chosen : rest).push(event);
      pool = rest;
      await deliverBatch(chosen);
    }

    /** What a member does after seeing their own order: that order's pending events arrive first. */
    async function deliverOrderEvents(story: Story): Promise<void> {
      collect();
      const mine = pool.filter((event) => storyOf(event) === story);
      pool = pool.filter((event) => !mine.includes(event));
      await deliverBatch(mine);
    }

    // --- Reading the fake (Stripe's truth)

    const sessionOf = (story: Story) => fake.sessions.get(story.checkoutRef)!;
    const subscriptionOf = (story: Story) => fake.subscriptions.get(story.subscriptionRef!)!;
    const live = (story: Story) => !["canceled", "incomplete_expired"].includes(subscriptionOf(story).status);

    function chargeOf(paymentIntentId: string | undefined): FakeCharge | undefined {
      const latest = paymentIntentId ? fake.paymentIntents.get(paymentIntentId)?.latest_charge : undefined;
      return typeof latest === "string" ? fake.charges.get(latest) : undefined;
    }
    const disputesOf = (paymentIntentId: string): FakeDispute[] =>
      [...fake.disputes.values()].filter((d) => d.payment_intent === paymentIntentId);
    const refundsOf = (paymentIntentId: string): FakeRefund[] =>
      [...fake.refunds.values()].filter(
        (r) => r.payment_intent === paymentIntentId && REFUND_COUNTED.has(r.status ?? ""),
      );
    const invoicesOf = (story: Story): FakeInvoice[] =>
      [...fake.invoices.values()].filter((i) => i.parent.subscription_details.subscription === story.subscriptionRef);
    const periodEndOf = (invoice: FakeInvoice) => Math.max(...invoice.lines.data.map((line) => line.period.end)) * 1000;

    /** Paid renewal invoices that moved money, newest period first. */
    function chargedInvoices(story: Story): { invoice: FakeInvoice; paymentIntent: string; charge: FakeCharge }[] {
      return invoicesOf(story)
        .filter((invoice) => invoice.status === "paid")
        .sort((a, b) => periodEndOf(b) - periodEndOf(a))
        .flatMap((invoice) => {
          const paymentIntent = story.invoicePaymentIntents.get(invoice.id);
          const charge = chargeOf(paymentIntent);
          return paymentIntent && charge?.paid ? [{ invoice, paymentIntent, charge }] : [];
        });
    }

    /** Runs a fake scenario that creates one invoice and notes which PaymentIntent it made for it. */
    function noteInvoice<T>(story: Story, invoiceOf: (result: T) => string, run: () => T): T {
      const before = new Set(fake.paymentIntents.keys());
      const result = run();
      const made = [...fake.paymentIntents.keys()].filter((id) => !before.has(id));
      if (made.length > 1) throw new Error(`one renewal made ${made.length} PaymentIntents`);
      if (made[0]) story.invoicePaymentIntents.set(invoiceOf(result), made[0]);
      return result;
    }

    // --- Story steps

    async function buy(index: number, kind: Kind): Promise<Story> {
      const user = `s${seed}m${index}`;
      const productId = kind === "subscription" ? SUBSCRIPTION_PRODUCT : rng.pick(ONE_TIME_PRODUCTS);
      await h.say(user, `/buy ${productId}`);
      const order = await prisma.order.findFirstOrThrow({
        where: { member: { accounts: { some: { externalId: user } } } },
        orderBy: { id: "desc" },
      });
      if (!order.checkoutRef) throw new Error(`/buy ${productId} for ${user} made no Stripe checkout`);
      const story: Story = {
        user,
        kind,
        productId,
        orderId: order.id,
        memberId: order.memberId,
        checkoutRef: order.checkoutRef,
        paymentIntent: null,
        subscriptionRef: null,
        invoicePaymentIntents: new Map(),
        asyncPending: false,
        followUp: null,
        steps: [],
        deliveries: [],
      };
      step(story, `/buy ${productId} → order #${order.id} (${order.amount} ${order.currency})`);
      return story;
    }

    function checkout(story: Story): void {
      if (story.kind === "subscription") {
        fake.completeCheckout(story.checkoutRef);
        story.subscriptionRef = sessionOf(story).subscription as string;
        step(story, `checkout completed: subscription ${short(story.subscriptionRef)} trialing, $0 trial invoice`);
        return;
      }
      const method = rng.weighted([
        ["card", 7],
        ["async", 3],
      ] as const);
      fake.completeCheckout(story.checkoutRef, { paid: method === "card" });
      story.paymentIntent = sessionOf(story).payment_intent as string;
      story.asyncPending = method === "async";
      step(
        story,
        `checkout completed, ${method === "card" ? "paid by card" : "asynchronous payment pending"} (${short(story.paymentIntent)})`,
      );
    }

    async function chatRefund(story: Story): Promise<void> {
      if (rng.chance(0.7)) await deliverOrderEvents(story);
      const asked = await h.say(story.user, `/refund ${story.orderId} changed my mind`);
      const request = await prisma.refund.findFirst({
        where: { orderId: story.orderId, status: "REQUESTED" },
        orderBy: { id: "desc" },
      });
      if (!request) {
        step(story, `chat /refund refused: "${asked}"`);
        if (asked.includes("Something went wrong")) otherFailures.push(`order #${story.orderId}: /refund → ${asked}`);
        return;
      }
      // What Stripe holds of the payment the request names, just before the creator approves it.
      const payment = request.paymentId ? await prisma.payment.findUnique({ where: { id: request.paymentId } }) : null;
      const ref = payment?.providerPaymentId;
      const charge = chargeOf(ref?.startsWith("in_") ? story.invoicePaymentIntents.get(ref) : ref);
      const refundable = charge !== undefined && charge.amount_refunded < charge.amount && !charge.disputed;
      const answer = await h.say(CREATOR, `/approve ${request.id}`);
      step(
        story,
        `chat /refund → request #${request.id} of ${request.amount} (payment ${ref ?? "none"}); /approve → "${answer.replace(/\n/g, " / ")}"`,
      );
      // Stripe is up and still holds money of that payment: the approval must go through Stripe.
      if (refundable && !answer.includes("refunded through Stripe")) {
        otherFailures.push(`order #${story.orderId}: /approve ${request.id} of a refundable ${ref} → ${answer}`);
      }
      if (!payment && !answer.includes("can't be refunded")) {
        otherFailures.push(`order #${story.orderId}: /approve ${request.id} of no payment → ${answer}`);
      }
    }

    /** A Dashboard refund, a dispute or its outcome, on one payment (a PaymentIntent or a renewal invoice). */
    function moneyStep(
      story: Story,
      paymentRef: string,
      paymentIntent: string,
      charge: FakeCharge,
      label: string,
    ): void {
      const remaining = charge.amount - charge.amount_refunded;
      const dispute = disputesOf(paymentIntent).sort((a, b) => b.created - a.created)[0];
      type Action = "nothing" | "partial" | "full" | "dispute" | "won" | "lost";
      const options: [Action, number][] = [["nothing", 2]];
      // A disputed charge cannot be refunded; a fully refunded one cannot be disputed.
      if (!charge.disputed && remaining > 1) options.push(["partial", 2]);
      if (!charge.disputed && remaining > 0) options.push(["full", 1]);
      if (!dispute && remaining > 0) options.push(["dispute", 1.2]);
      if (dispute && !["won", "lost"].includes(dispute.status)) options.push(["won", 1.5], ["lost", 1.5]);
      const action = rng.weighted(options);
      switch (action) {
        case "nothing":
          return;
        case "partial": {
          const count = rng.chance(0.4) ? 2 : 1;
          // Two goodwill refunds of the same amount are two refunds, not one seen twice.
          const same = rng.chance(0.5);
          let previous = 0;
          for (let i = 0; i < count; i++) {
            const left = charge.amount - charge.amount_refunded;
            if (left <= 1) break;
            const amount =
              same && previous > 0 && previous < left
                ? previous
                : rng.chance(0.5)
                  ? rng.int(1, Math.ceil(left / 2))
                  : Math.max(1, Math.floor((left * rng.int(1, 4)) / 10));
            previous = amount;
            fake.refund(paymentRef, { amount });
            step(
              story,
              `Dashboard refund of ${amount} on ${label} (${charge.amount_refunded}/${charge.amount} refunded)`,
            );
          }
          return;
        }
        case "full":
          fake.refund(paymentRef);
          step(story, `Dashboard refund of the rest (${remaining}) on ${label}`);
          return;
        case "dispute": {
          const opened = fake.dispute(paymentRef);
          step(story, `dispute ${short(opened.data.object.id)} opened on ${label}`);
          if (rng.chance(0.25)) {
            const outcome = rng.pick(["won", "lost"] as const);
            fake.closeDispute(opened.data.object.id, outcome);
            step(story, `dispute ${short(opened.data.object.id)} closed at once: ${outcome}`);
          }
          return;
        }
        case "won":
        case "lost":
          fake.closeDispute(dispute!.id, action);
          step(story, `dispute ${short(dispute!.id)} on ${label} closed: ${action}`);
          return;
      }
    }

    /**
     * A change at Stripe while deliveries are in flight (so concurrent applications read different states). Nothing
     * else draws from the PRNG meanwhile, so the schedule stays a function of the seed.
     */
    function midFlightChange(story: Story): null {
      const mark = story.steps.length;
      if (story.kind === "one-time") {
        const paymentIntent = story.paymentIntent!;
        const charge = chargeOf(paymentIntent);
        if (charge?.paid) moneyStep(story, paymentIntent, paymentIntent, charge, "the payment");
      } else {
        const charged = chargedInvoices(story);
        const action = rng.weighted([
          ["renew", live(story) ? 1 : 0],
          ["cancel", live(story) ? 0.7 : 0],
          ["money", charged.length > 0 ? 1.5 : 0],
          ["nothing", 0.01],
        ] as const);
        if (action === "renew") {
          const paid = noteInvoice(
            story,
            (event) => event.data.object.id,
            () => fake.renewSubscription(story.subscriptionRef!, { periodDays: 30 }),
          );
          step(story, `renewed: invoice ${short(paid.data.object.id)} paid`);
        } else if (action === "cancel") {
          fake.cancelSubscription(story.subscriptionRef!);
          step(story, "cancelled at Stripe");
        } else if (action === "money") {
          const target = rng.pick(charged);
          moneyStep(
            story,
            target.invoice.id,
            target.paymentIntent,
            target.charge,
            `invoice ${short(target.invoice.id)}`,
          );
        }
      }
      for (let i = mark; i < story.steps.length; i++) story.steps[i] += " [while its events were being handled]";
      return null;
    }

    async function oneTimeStep(story: Story): Promise<void> {
      if (story.asyncPending) {
        const outcome = rng.weighted([
          ["succeeded", 6],
          ["failed", 3],
          ["pending", 1],
        ] as const);
        if (outcome === "succeeded") fake.asyncPaymentSucceeded(story.checkoutRef);
        if (outcome === "failed") fake.asyncPaymentFailed(story.checkoutRef);
        story.asyncPending = outcome === "pending";
        step(story, `asynchronous payment ${outcome === "pending" ? "still pending" : outcome}`);
        return;
      }
      const paymentIntent = story.paymentIntent!;
      if (fake.paymentIntents.get(paymentIntent)?.status !== "succeeded") return;
      const charge = chargeOf(paymentIntent)!;
      if (!charge.disputed && charge.amount_refunded < charge.amount && rng.chance(0.12)) {
        await chatRefund(story);
        return;
      }
      moneyStep(story, paymentIntent, paymentIntent, charge, "the payment");
    }

    function failRenewal(story: Story): void {
      const [failed] = noteInvoice(
        story,
        ([invoice]) => invoice.data.object.id,
        () => fake.failRenewal(story.subscriptionRef!),
      );
      step(story, `renewal failed: invoice ${short(failed.data.object.id)} open, subscription past_due`);
    }

    function followUp(story: Story, next: "retry" | "unpaid"): void {
      const subscription = subscriptionOf(story);
      const latest = fake.invoices.get(subscription.latest_invoice as string);
      if (subscription.status !== "past_due" || latest?.status !== "open") return;
      if (next === "retry") {
        fake.retryRenewal(story.subscriptionRef!);
        step(story, `retry paid invoice ${short(latest.id)}: subscription active`);
      } else {
        fake.markUnpaid(story.subscriptionRef!);
        step(story, "retries exhausted: subscription unpaid");
      }
    }

    async function subscriptionStep(story: Story, round: number): Promise<void> {
      if (story.followUp && live(story)) {
        followUp(story, story.followUp);
        await maybeDeliver();
      }
      story.followUp = null;
      if (live(story)) {
        type Action = "leave" | "renew" | "fail" | "cancel" | "chat";
        const action: Action =
          round === 1
            ? rng.weighted<Action>([
                ["leave", 6],
                ["cancel", 1],
                ["chat", 0.7],
              ])
            : rng.weighted<Action>([
                ["renew", 5],
                ["fail", 2.5],
                ["cancel", 0.8],
                ["leave", 1.2],
                ["chat", 0.8],
              ]);
        switch (action) {
          case "leave":
            step(story, `left alone (${subscriptionOf(story).status})`);
            break;
          case "renew": {
            const paid = noteInvoice(
              story,
              (event) => event.data.object.id,
              () => fake.renewSubscription(story.subscriptionRef!, { periodDays: 30 }),
            );
            step(
              story,
              `renewed: invoice ${short(paid.data.object.id)} paid, period ends ${iso(new Date(periodEndOf(paid.data.object)))}`,
            );
            break;
          }
          case "fail": {
            failRenewal(story);
            const next = rng.weighted([
              ["retry", 2],
              ["unpaid", 1.5],
              ["later", 1.5],
            ] as const);
            if (next === "later") {
              story.followUp = rng.chance(0.7) ? rng.pick(["retry", "unpaid"] as const) : null;
              step(story, story.followUp ? `(${story.followUp} next round)` : "(left past_due)");
            } else {
              await maybeDeliver();
              followUp(story, next);
            }
            break;
          }
          case "cancel":
            fake.cancelSubscription(story.subscriptionRef!);
            step(story, "cancelled at Stripe");
            break;
          case "chat":
            await chatRefund(story);
            break;
        }
      }
      // Money on a renewal invoice that was charged: a Dashboard refund, a dispute, its outcome.
      const charged = chargedInvoices(story);
      const disputed = charged.filter((c) =>
        disputesOf(c.paymentIntent).some((d) => !["won", "lost"].includes(d.status)),
      );
      if (charged.length > 0 && (disputed.length > 0 || rng.chance(0.45))) {
        const target =
          disputed.length > 0 && rng.chance(0.7) ? disputed[0]! : rng.chance(0.6) ? charged[0]! : rng.pick(charged);
        await maybeDeliver();
        moneyStep(story, target.invoice.id, target.paymentIntent, target.charge, `invoice ${short(target.invoice.id)}`);
      }
    }

    // --- The oracle: Stripe's final objects only

    function expectedPayment(
      ref: string,
      amount: number,
      currency: string,
      paymentIntent: string | undefined,
    ): ExpectedPayment & { holding: boolean; fullyRefunded: boolean } {
      const charge = chargeOf(paymentIntent);
      const refundedAmount = charge?.amount_refunded ?? 0;
      const holding = paymentIntent ? disputesOf(paymentIntent).some((d) => !DISPUTE_ENDED_WELL.has(d.status)) : false;
      const fullyRefunded = charge !== undefined && charge.amount > 0 && charge.amount_refunded >= charge.amount;
      const status = holding
        ? "DISPUTED"
        : fullyRefunded
          ? "REFUNDED"
          : refundedAmount > 0
            ? "PARTIALLY_REFUNDED"
            : "SUCCEEDED";
      const refunds = new Map(paymentIntent ? refundsOf(paymentIntent).map((r) => [r.id, r.amount] as const) : []);
      return { ref, amount, currency, refundedAmount, status, refunds, holding, fullyRefunded };
    }

    function expectOneTime(story: Story): Expected {
      const paymentIntent = fake.paymentIntents.get(sessionOf(story).payment_intent as string);
      if (paymentIntent?.status !== "succeeded") {
        return { access: false, why: `PaymentIntent ${paymentIntent?.status ?? "missing"}`, payments: [] };
      }
      const charge = chargeOf(paymentIntent.id);
      if (!charge) throw new Error(`oracle: PaymentIntent ${paymentIntent.id} succeeded without a charge`);
      const payment = expectedPayment(paymentIntent.id, charge.amount, charge.currency, paymentIntent.id);
      const { holding, fullyRefunded, ...row } = payment;
      const why = holding ? "disputed (open or lost)" : fullyRefunded ? "fully refunded" : "paid";
      return { access: !holding && !fullyRefunded, why, payments: [row] };
    }

    function expectSubscription(story: Story, now: Date): Expected {
      const subscription = subscriptionOf(story);
      const paid = invoicesOf(story)
        .filter((invoice) => invoice.status === "paid")
        .map((invoice) => {
          const paymentIntent = story.invoicePaymentIntents.get(invoice.id);
          if (invoice.amount_paid > 0 && !paymentIntent)
            throw new Error(`oracle: no PaymentIntent noted for ${invoice.id}`);
          return {
            periodEnd: periodEndOf(invoice),
            ...expectedPayment(invoice.id, invoice.amount_paid, invoice.currency, paymentIntent),
          };
        });
      const payments = paid.map(({ periodEnd: _end, holding: _holding, fullyRefunded: _full, ...row }) => row);
      const status = subscription.status;
      if (paid.some((p) => p.holding)) return { access: false, why: `${status}; a paid invoice is disputed`, payments };
      const newest = [...paid].sort((a, b) => b.periodEnd - a.periodEnd)[0];
      if (!newest) return { access: false, why: `${status}; nothing paid`, payments };
      if (newest.fullyRefunded) return { access: false, why: `${status}; newest paid invoice refunded`, payments };
      const good = paid.filter((p) => !p.fullyRefunded);
      if (good.length === 0) return { access: false, why: `${status}; every paid invoice refunded`, payments };
      const paidThrough = Math.max(...good.map((p) => p.periodEnd));
      const through = `paid through ${iso(new Date(paidThrough))}, now ${iso(now)}`;
      if (status === "active" || status === "trialing") {
        return { access: paidThrough > now.getTime(), why: `${status}, ${through}`, payments };
      }
      if (status === "past_due") {
        return {
          access: paidThrough + GRACE_DAYS * DAY_MS > now.getTime(),
          why: `past_due, ${through} + grace`,
          payments,
        };
      }
      return { access: false, why: `${status}, ${through}`, payments };
    }

    // --- The run

    const kinds = rng.shuffle(
      Array.from(
        { length: orderCount },
        (_, i): Kind => (i < Math.floor(orderCount / 2) ? "subscription" : "one-time"),
      ),
    );
    for (const [index, kind] of kinds.entries()) {
      const story = await buy(index, kind);
      stories.push(story);
      checkout(story);
      await maybeDeliver();
    }
    for (let round = 1; round <= rounds; round++) {
      for (const story of rng.shuffle([...stories])) {
        if (story.kind === "one-time") await oneTimeStep(story);
        else await subscriptionStep(story, round);
        await maybeDeliver();
      }
      // The first round is the trial; renewals then come every 30 days. The last round ends a few days in, not on a
      // period boundary (there every subscription would lapse at the very instant of the check), so grace is probed.
      const days = round === 1 ? 7 : round < rounds ? 30 : rng.pick([1, 2, 4, 12]);
      h.clock.advanceDays(days);
      seedLog.push(`round ${round} done; clock +${days} days`);
    }
    collect();
    if (outage) {
      seedLog.push(`outage: ${pool.length} pending events dropped; /reconcile 90`);
      pool = [];
      const report = await h.say(CREATOR, "/reconcile 90");
      seedLog.push(`reconcile: ${report.replace(/\n/g, " / ")}`);
      if (!/Checked \d+ Stripe checkout/.test(report) || report.includes("could not be read")) {
        otherFailures.push(`/reconcile 90 → ${report}`);
      }
    } else {
      seedLog.push(`delivering the ${pool.length} pending events, shuffled and duplicated`);
      // Until nothing is pending: a change at Stripe during this last delivery raises events of its own.
      for (collect(); pool.length > 0; collect()) {
        const rest = pool;
        pool = [];
        await deliverBatch(rest);
      }
    }
    await h.sweep();

    // --- The check

    const now = h.clock.now();
    const lounge = h.gateway.members(LOUNGE);
    const failures: string[] = [];
    for (const story of stories) {
      const expected = story.kind === "one-time" ? expectOneTime(story) : expectSubscription(story, now);
      const problems: string[] = [];

      const entitlements = await prisma.entitlement.findMany({ where: { memberId: story.memberId } });
      const own = entitlements.filter((e) => e.orderId === story.orderId);
      const open = own.filter(
        (e) =>
          e.revokedAt === null &&
          (e.endsAt === null || e.endsAt > now || (e.graceUntil !== null && e.graceUntil > now)),
      );
      const access = open.length > 0;
      if (access !== expected.access) problems.push(`access: expected ${expected.access}, database says ${access}`);
      if (own.length > 1 || entitlements.length !== own.length) {
        problems.push(
          `entitlements: ${entitlements.length} for the member, ${own.length} for the order (expected ≤ 1, all from the order)`,
        );
      }
      if (LOUNGE_PRODUCTS.has(story.productId) && lounge.has(story.user) !== expected.access) {
        problems.push(
          `lounge: expected ${expected.access ? "inside" : "outside"}, member is ${lounge.has(story.user) ? "inside" : "outside"}`,
        );
      }

      const payments = await prisma.payment.findMany({
        where: { orderId: story.orderId },
        include: { refunds: true },
        orderBy: { id: "asc" },
      });
      for (const want of expected.payments) {
        const rows = payments.filter((p) => p.providerPaymentId === want.ref);
        if (rows.length !== 1) {
          problems.push(`payment ${want.ref}: expected one row, found ${rows.length}`);
          continue;
        }
        const row = rows[0]!;
        const got = {
          amount: row.amount,
          currency: row.currency,
          refundedAmount: row.refundedAmount,
          status: row.status,
        };
        for (const field of ["amount", "currency", "refundedAmount", "status"] as const) {
          if (got[field] !== want[field])
            problems.push(`payment ${want.ref} ${field}: expected ${want[field]}, row has ${got[field]}`);
        }
        const stored = row.refunds.filter((r) => r.status === "SUCCEEDED" && r.providerRefundId !== null);
        const storedSum = stored.reduce((sum, r) => sum + r.amount, 0);
        if (storedSum !== row.refundedAmount) {
          problems.push(
            `payment ${want.ref}: its SUCCEEDED refunds sum to ${storedSum}, refundedAmount is ${row.refundedAmount}`,
          );
        }
        const storedRefunds = new Map(stored.map((r) => [r.providerRefundId!, r.amount] as const));
        const describe = (refunds: Map<string, number>) =>
          [...refunds]
            .map(([id, amount]) => `${short(id)}:${amount}`)
            .sort()
            .join(", ") || "none";
        if (stored.length !== storedRefunds.size || describe(storedRefunds) !== describe(want.refunds)) {
          problems.push(
            `payment ${want.ref} refunds: Stripe has [${describe(want.refunds)}], rows [${stored.map((r) => `${short(r.providerRefundId!)}:${r.amount}`).join(", ")}]`,
          );
        }
      }
      const extra = payments.filter((p) => !expected.payments.some((want) => want.ref === p.providerPaymentId));
      for (const row of extra)
        problems.push(`payment ${row.providerPaymentId}: a row Stripe has no paid payment for (${row.status})`);
      // Money said to be back must be a Stripe refund of this order: no refund "done" that Stripe never made.
      const stripeRefunds = new Set(expected.payments.flatMap((p) => [...p.refunds.keys()]));
      const refundRows = await prisma.refund.findMany({ where: { orderId: story.orderId }, orderBy: { id: "asc" } });
      for (const row of refundRows) {
        if (row.status === "SUCCEEDED" && (row.providerRefundId === null || !stripeRefunds.has(row.providerRefundId))) {
          problems.push(
            `refund #${row.id} of ${row.amount} is SUCCEEDED but Stripe has no such refund of this order (providerRefundId ${row.providerRefundId ?? "null"}, payment #${row.paymentId ?? "none"})`,
          );
        }
      }

      if (problems.length > 0 || VERBOSE) {
        const order = await prisma.order.findUniqueOrThrow({
          where: { id: story.orderId },
          include: { subscription: true },
        });
        const paymentRows = payments.map(
          (p) =>
            `${p.providerPaymentId} ${p.refundedAmount}/${p.amount} ${p.status}${p.disputeStatus ? ` dispute ${p.disputeStatus}` : ""}`,
        );
        const report = [
          `order #${story.orderId} (${story.user}, ${story.kind}, product ${story.productId}):`,
          ...problems.map((p) => `  ✗ ${p}`),
          `  expected (Stripe): access ${expected.access} — ${expected.why}; payments: ${expected.payments.map((p) => `${p.ref} ${p.refundedAmount}/${p.amount} ${p.status}`).join("; ") || "none"}`,
          `  actual (database): order ${order.status}, subscription ${order.subscription?.status ?? "none"} (period end ${iso(order.subscription?.currentPeriodEnd ?? null)}); payments: ${paymentRows.join("; ") || "none"}`,
          `  entitlements: ${own.map((e) => `#${e.id} ends ${iso(e.endsAt)} grace ${iso(e.graceUntil)} revoked ${iso(e.revokedAt)} ${e.revokeReason ?? ""}`).join("; ") || "none"}`,
          "  story:",
          ...story.steps.map((s) => `    ${s}`),
          "  deliveries:",
          ...(story.deliveries.length ? story.deliveries.map((d) => `    ${d}`) : ["    none"]),
        ].join("\n");
        if (problems.length > 0) failures.push(report);
        else console.log(`seed ${seed}, ${report}`);
      }
    }

    const header = [
      `seed ${seed}: ${seedLog.join("; ")}`,
      `replay: STRIPE_PROPERTY_SEED=${seed} npx vitest run test/integration/stripe-property.test.ts`,
    ].join("\n");
    const all = [
      ...badAnswers.map((line) => `webhook answered other than 200: ${line}`),
      ...otherFailures,
      ...failures,
    ];
    if (VERBOSE) console.log(header);
    if (all.length > 0) throw new Error(`${header}\n\n${all.join("\n\n")}`);
  }
});
