/**
 * One simulated member's day, through the product's own use cases: first contact (`resolveMember`, as every chat
 * update starts), lessons opened and marked done (`openLesson`, `completeLesson`: progress and activity events), a
 * purchase (`createOrder`, `startCheckout`, the card processor, `handlePaymentEvent`: order, payment, subscription,
 * entitlement; simulated-checkout.ts), a leaver stopping their subscription, a tap on a message of the daily job
 * (simulated-campaigns.ts), a question asked (`askQuestion`) or answered (`answerQuestion`). Nothing is written here
 * that the product would not write itself.
 */
import { handlePaymentEvent } from "../commerce/handle-payment-event.js";
import { answerQuestion } from "../community/answer-question.js";
import { askQuestion } from "../community/ask-question.js";
import { resolveMember } from "../identity/resolve-member.js";
import { completeLesson } from "../learning/complete-lesson.js";
import { openLesson } from "../learning/open-lesson.js";
import { respondToNudge } from "./simulated-campaigns.js";
import { purchase } from "./simulated-checkout.js";
import { activityChance, hasDecidedToLeave } from "./simulated-people.js";
import type { SimulatedMember, SimulatedProduct, SimulationWorld } from "./simulation-world.js";

/** Share of leavers who cancel; the others stop paying and let the card fail. */
const CANCEL_SHARE = 0.7;

const QUESTIONS = {
  en: [
    ["Which pandas function for missing values?", "Should I use dropna or fillna on a sales file with gaps?"],
    ["How do I test a prompt change?", "What is a good way to check a new prompt does not break old cases?"],
    ["Best channel for the first 100 members?", "Where did your first members come from, and what did it cost?"],
    ["Is the live session recorded?", "I cannot make the live time: will there be a replay?"],
  ],
  zh: [
    ["处理缺失值用哪个函数？", "销售数据里有空值，应该用 dropna 还是 fillna？"],
    ["怎样测试提示词的改动？", "改了提示词以后，怎么确认旧的用例没有被破坏？"],
    ["最初的 100 名会员从哪里来？", "你的第一批会员来自哪个渠道，花了多少钱？"],
  ],
} as const;

/**
 * A member's first contact on day `day` (they become a member, dated that simulated day). The community runs first
 * contacts one at a time in a fixed order, so member ids, which the product's experiments hash, are the same in every
 * run of a seed.
 */
export async function makeFirstContact(world: SimulationWorld, member: SimulatedMember, day: number): Promise<void> {
  if (member.member) return;
  const resolved = await resolveMember(world.ctx, member.user);
  member.member = { id: resolved.member.id, role: resolved.member.role };
  member.contactDay = day;
  world.byMemberId.set(resolved.member.id, member);
  // The member joined on the simulated day, not when the simulator ran: the one row the simulator dates itself.
  const joined = world.ctx.clock.now();
  await world.ctx.prisma.member.update({
    where: { id: resolved.member.id },
    data: { createdAt: joined, lastSeenAt: joined },
  });
}

/** Runs `member`'s day `day` at the clock's current moment. */
export async function simulateMemberDay(world: SimulationWorld, member: SimulatedMember, day: number): Promise<void> {
  const { person } = member;
  if (day < person.joinDay) return;
  const random = person.random;
  if (!member.member) await makeFirstContact(world, member, day);
  const firstContact = member.contactDay === day;
  if (!firstContact && hasDecidedToLeave(person, day) && !member.stopped) await stopSubscriptions(world, member);
  // The wobble is drawn every day, active or not, so a member's later draws never depend on the database.
  const active = firstContact || random() < activityChance(person, day) * (0.7 + 0.6 * random());
  if (!active) return;
  if (!firstContact) await resolveMember(world.ctx, member.user);
  // A message from the creator's daily job (simulated-campaigns.ts) is read first, and sometimes acted on.
  await respondToNudge(world, member, day);
  const sessions = 1 + (random() < person.level / 2 ? 1 : 0);
  for (let s = 0; s < sessions; s += 1) await learn(world, member);
  if (!hasDecidedToLeave(person, day) && random() < person.purchasePropensity) await buy(world, member);
  if (random() < person.questionRate) await ask(world, member);
  if (random() < person.answerRate) await answer(world, member);
}

// --- Learning

/** Opens the next lesson of a course the member cares about; a refused lesson falls back to the free preview. */
async function learn(world: SimulationWorld, member: SimulatedMember): Promise<void> {
  const { person } = member;
  const courses = world.products.filter((p) => p.lessons > 0);
  const course = choose(person.random, courses, (p) => 1 + 3 * overlap(p, person.interests));
  if (!course || !member.member) return;
  const opened = await openLesson(world.ctx, { member: member.member, target: { course: course.id } });
  if (!opened.ok) {
    world.tallies.refusedOpens += 1;
    // Told to buy, some go back to the free preview instead.
    if (person.random() < 0.6) return;
    const preview = await openLesson(world.ctx, { member: member.member, target: { course: course.id, number: 1 } });
    if (preview.ok && preview.via === "PREVIEW") world.tallies.previewOpens += 1;
    return;
  }
  if (opened.via === "PREVIEW") {
    world.tallies.previewOpens += 1;
    return;
  }
  world.tallies.lessonOpens += 1;
  if (person.random() < 0.65) {
    const done = await completeLesson(world.ctx, { member: member.member, lessonId: opened.lesson.id });
    if (done.ok && done.firstTime) world.tallies.lessonCompletions += 1;
  }
}

// --- Buying

/** Buys something that fits the member's interests and that they have not tried to buy yet. */
async function buy(world: SimulationWorld, member: SimulatedMember): Promise<void> {
  const { person } = member;
  if (!member.member) return;
  const candidates = world.products.filter((p) => !member.tried.has(p.id) && overlap(p, person.interests) > 0);
  // A membership is what a creator sells hardest (pinned, announced): it is found more often than a single course.
  const product = choose(person.random, candidates, (p) => overlap(p, person.interests) * (p.recurring ? 3 : 1));
  if (!product) return;
  await purchase(world, member, product);
}

/** A leaver stops renewing: most cancel (to the end of the paid period), the others just let the card fail. */
async function stopSubscriptions(world: SimulationWorld, member: SimulatedMember): Promise<void> {
  member.stopped = true;
  if (member.person.random() >= CANCEL_SHARE) return;
  for (const ref of member.subscriptions) {
    await handlePaymentEvent(world.ctx, world.processor, world.processor.scheduleCancel(ref));
  }
}

// --- Questions and answers

async function ask(world: SimulationWorld, member: SimulatedMember): Promise<void> {
  if (!member.member) return;
  const list = member.person.languageCode === "en" ? QUESTIONS.en : QUESTIONS.zh;
  const [title, body] = list[Math.floor(member.person.random() * list.length)] as readonly [string, string];
  world.sequence += 1;
  const threadRef = `sim-${world.seed}-q${world.sequence}`;
  await askQuestion(world.ctx, { user: member.user, threadRef, title, body, messageRef: `${threadRef}-m0` });
  world.openQuestions.push({ threadRef, askerId: member.member.id });
  world.tallies.questions += 1;
}

async function answer(world: SimulationWorld, member: SimulatedMember): Promise<void> {
  const index = world.openQuestions.findIndex((q) => q.askerId !== member.member?.id);
  const question = world.openQuestions[index];
  if (!question) return;
  world.openQuestions.splice(index, 1);
  world.sequence += 1;
  const body =
    member.person.languageCode === "en"
      ? "I had the same problem: the second lesson walks through it step by step."
      : "我也遇到过：第二课里一步一步讲了怎么做。";
  const answered = await answerQuestion(world.ctx, {
    user: member.user,
    threadRef: question.threadRef,
    body,
    messageRef: `${question.threadRef}-a${world.sequence}`,
  });
  if (answered) world.tallies.answers += 1;
}

// --- Draws

function overlap(product: SimulatedProduct, interests: string[]): number {
  return product.tags.filter((tag) => interests.includes(tag)).length;
}

/** A weighted draw from the member's own stream; null when nothing has weight. */
function choose<T>(random: () => number, items: T[], weight: (item: T) => number): T | null {
  const weights = items.map(weight);
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  let r = random() * total;
  for (let i = 0; i < items.length; i += 1) {
    r -= weights[i] as number;
    if (r < 0) return items[i] as T;
  }
  return items[items.length - 1] as T;
}
