/**
 * Tampered lesson buttons and deep links on Telegram (issue 11, "Done when"): callback data edited to another
 * course's lesson or to a lesson id of a course the member does not own, a `/start lesson_…` link to an unowned
 * lesson, a draft lesson, and a member whose purchase was refunded or whose access the creator withdrew. Each gets a
 * refusal in plain words, not one character of the lesson reaches Telegram (checked on every call the fake
 * received), and no progress row is written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { DRAFT_TEXT, importLearningCourses, JOURNEY_LESSONS } from "../support/learning-courses.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";
import { type TelegramLearner, telegramLearner } from "../support/telegram-learner.js";

describe("tampered lesson buttons and links on Telegram", () => {
  let h: TelegramHarness;
  let journeyId: number;
  /** The demo course nobody in this file buys, and its lessons' ids and opening words. */
  let unowned: { id: number; lessons: { id: number; probe: string }[] };
  let journeyLessonIds: number[];
  let draftId: number;

  beforeAll(async () => {
    h = await createTelegramHarness("polling");
    ({ journeyId } = await importLearningCourses(h.db.prisma, h.clock.now()));
    const demo = await h.db.prisma.product.findUniqueOrThrow({
      where: { slug: "python-data-analysis" },
      include: { lessons: { orderBy: { position: "asc" } } },
    });
    unowned = {
      id: demo.id,
      // Eight words of the first paragraph: plain text, so they would show up in any rendering of the lesson.
      lessons: demo.lessons.map((l) => ({
        id: l.id,
        probe: l.contentEn.split("\n\n")[0]!.split(" ").slice(0, 8).join(" "),
      })),
    };
    const journey = await h.db.prisma.lesson.findMany({
      where: { productId: journeyId },
      orderBy: { position: "asc" },
    });
    journeyLessonIds = journey.filter((l) => l.published).map((l) => l.id);
    draftId = journey.find((l) => !l.published)!.id;
  }, 60_000);
  afterAll(() => h.close());

  /** Everything the bot sent to Telegram, as one string (texts, captions, buttons, uploads' names). */
  const everythingSent = () => JSON.stringify(h.fake.calls);
  const progressOf = async (user: FakeUser, lessonIds?: number[]) =>
    h.db.prisma.lessonProgress.count({
      where: { memberId: await h.memberIdOf(user), ...(lessonIds ? { lessonId: { in: lessonIds } } : {}) },
    });
  /** The last text the member was sent (the refusal). */
  const lastText = (user: FakeUser) => h.fake.transcript(user.id).split("\n").slice(-3).join("\n");

  it("an owner of one course cannot open or complete another course's lessons by editing buttons or links", async () => {
    const eve = h.fake.user(4101, "Eve", { language_code: "en" });
    const learner: TelegramLearner = telegramLearner(h, eve);
    await learner.buy(journeyId);
    await learner.command("lesson", [String(journeyId), "1"]);
    expect(h.fake.transcript(eve.id)).toContain(JOURNEY_LESSONS[0].en); // the owned course opens

    const refusals: [string, () => Promise<string>, RegExp][] = [
      [
        "Next edited to another course",
        () => learner.pressData(`lesson ${unowned.id} 2`),
        /Lesson 2 of Python for Data Analysis is for members who bought the course/,
      ],
      [
        "Mark done edited to an unowned lesson id",
        () => learner.pressData(`done ${unowned.lessons[2]!.id}`),
        /Lesson 3 of Python for Data Analysis is for members who bought the course/,
      ],
      [
        "a deep link to an unowned lesson",
        () => learner.command("start", [`lesson_${unowned.id}_2`]),
        /Lesson 2 of Python for Data Analysis is for members who bought the course/,
      ],
    ];
    for (const [what, act, refusal] of refusals) {
      const answer = await act();
      expect(answer, what).toMatch(refusal);
      expect(
        learner.lastTurn().some((c) => c.method === "sendPhoto" || c.method === "sendDocument"),
        what,
      ).toBe(false);
    }
    const sent = everythingSent();
    for (const lesson of unowned.lessons.slice(1)) expect(sent).not.toContain(lesson.probe);
    expect(
      await progressOf(
        eve,
        unowned.lessons.map((l) => l.id),
      ),
    ).toBe(0);
    expect(h.fake.refusals).toEqual([]);

    // The probes would have been seen: the creator opens the same lesson and its words arrive.
    await h.say(h.creator, `/lesson ${unowned.id} 2`);
    expect(everythingSent()).toContain(unowned.lessons[1]!.probe);
  });

  it("a draft lesson is not found for a member, by number, by id or by link, even in a course they own", async () => {
    const fay = h.fake.user(4102, "Fay", { language_code: "en" });
    const learner = telegramLearner(h, fay);
    await learner.buy(journeyId);
    expect(await learner.command("lesson", [String(journeyId), "4"])).toMatch(
      /Habits of Good Queries has no lesson 4; it has 3/,
    );
    expect(await learner.pressData(`done ${draftId}`)).toMatch(/That lesson does not exist/);
    expect(await learner.pressData(`lesson ${journeyId} 4`)).toMatch(/has no lesson 4/);
    expect(await learner.command("start", [`lesson_${journeyId}_4`])).toMatch(/has no lesson 4/);
    // A whole course taken back to draft: "no such course", for its lessons by number, by id and by link.
    const hidden = await h.db.prisma.product.update({
      where: { slug: "prompt-engineering" },
      data: { published: false },
      include: { lessons: { orderBy: { position: "asc" } } },
    });
    const hiddenProbe = hidden.lessons[0]!.contentEn.split("\n\n")[0]!.split(" ").slice(0, 8).join(" ");
    expect(await learner.pressData(`lesson ${hidden.id} 1`)).toMatch(new RegExp(`There is no course #${hidden.id}`));
    expect(await learner.pressData(`done ${hidden.lessons[0]!.id}`)).toMatch(/That lesson does not exist/);
    expect(await learner.command("start", [`lesson_${hidden.id}_1`])).toMatch(/There is no course/);

    expect(everythingSent()).not.toContain(DRAFT_TEXT);
    expect(everythingSent()).not.toContain("Partial indexes");
    expect(everythingSent()).not.toContain(hiddenProbe);
    expect(await progressOf(fay)).toBe(0);

    // Staff see drafts: the same requests from the creator show the texts the members never got.
    await h.say(h.creator, `/lesson ${journeyId} 4`);
    await h.say(h.creator, `/lesson ${hidden.id} 1`);
    expect(everythingSent()).toContain(DRAFT_TEXT);
    expect(everythingSent()).toContain(hiddenProbe);
    await h.db.prisma.product.update({ where: { id: hidden.id }, data: { published: true } });
  });

  it("a refunded member and a member whose access was withdrawn are told why, and read nothing more", async () => {
    const gus = h.fake.user(4103, "Gus", { username: "gus", language_code: "en" });
    const gusLearner = telegramLearner(h, gus);
    await gusLearner.buy(journeyId);
    await gusLearner.command("lesson", [String(journeyId), "1"]);
    const order = await h.db.prisma.order.findFirstOrThrow({
      where: { memberId: await h.memberIdOf(gus) },
      orderBy: { id: "desc" },
    });
    await h.say(gus, `/refund ${order.id} changed my mind`);
    const request = await h.db.prisma.refund.findFirstOrThrow({ where: { orderId: order.id } });
    await h.say(h.creator, `/approve ${request.id}`);
    expect(h.fake.callsOf("refundStarPayment").some((c) => c.user_id === gus.id)).toBe(true);

    const hal = h.fake.user(4104, "Hal", { username: "hal", language_code: "en" });
    await h.say(hal, "/start");
    await h.say(h.creator, `/grant @hal ${journeyId}`);
    const halLearner = telegramLearner(h, hal);
    await halLearner.command("lesson", [String(journeyId), "1"]);
    expect(h.fake.transcript(hal.id)).toContain(JOURNEY_LESSONS[0].en);
    await h.say(h.creator, `/revoke @hal ${journeyId}`);

    const cases: [FakeUser, TelegramLearner, RegExp][] = [
      [gus, gusLearner, /Your purchase of Habits of Good Queries was refunded, so its lessons are closed/],
      [hal, halLearner, /Your access to Habits of Good Queries was withdrawn, so its lessons are closed/],
    ];
    for (const [user, learner, why] of cases) {
      const before = await progressOf(user);
      expect(await learner.pressData(`lesson ${journeyId} 2`), user.first_name).toMatch(why);
      expect(learner.buttons()).toContain("Buy again");
      expect(await learner.pressData(`done ${journeyLessonIds[1]}`)).toMatch(why);
      expect(await learner.pressData(`done ${journeyLessonIds[0]}`)).toMatch(why);
      expect(await learner.command("start", [`lesson_${journeyId}_3`])).toMatch(why);
      expect(await learner.command("learn")).not.toContain(JOURNEY_LESSONS[0].en);
      expect(lastText(user)).not.toContain(JOURNEY_LESSONS[2].en);
      expect(await progressOf(user)).toBe(before);
      const completed = await h.db.prisma.lessonProgress.count({
        where: { memberId: await h.memberIdOf(user), completedAt: { not: null } },
      });
      expect(completed).toBe(0);
    }
    const sent = everythingSent();
    expect(sent).not.toContain(JOURNEY_LESSONS[1].en.slice(0, 40));
    expect(sent).not.toContain(JOURNEY_LESSONS[2].en.slice(0, 40));
    expect(h.fake.refusals).toEqual([]);
  });
});
