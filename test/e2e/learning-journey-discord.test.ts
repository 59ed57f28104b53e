/**
 * Learning on Discord end to end (issue 11, "Done when"): the real discord.js client against the local fake Discord,
 * purchases through the Stripe fake and signed webhooks. A member in English and one whose client speaks Chinese
 * (zh-CN) buy an imported course and walk it with the buttons; the lesson picture arrives as an uploaded attachment;
 * a ~30,000-character lesson arrives complete, in order, within 2000 characters per message, fences balanced.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiscordHarness, type DiscordHarness } from "../support/discord-harness.js";
import { discordLearner, interactionMessages, unescapeDiscord } from "../support/discord-learner.js";
import {
  deliveredWords,
  importLearningCourses,
  LONG_SLUG,
  longLessonMarkdown,
  sourceWords,
} from "../support/learning-courses.js";
import { walkLearningJourney } from "../support/learning-journey.js";

const EPHEMERAL = 64;

/** Bold marks as the member does not see them once Discord rendered them. */
const withoutBold = (text: string) => text.replace(/\*\*/g, "");
/** Fence lines (```python) are formatting, not words the lesson says. */
const withoutFences = (text: string) => text.replace(/^```.*$/gm, "");

describe("learning on Discord", () => {
  let d: DiscordHarness;
  let courses: { journeyId: number; longId: number };
  beforeAll(async () => {
    d = await createDiscordHarness();
    courses = await importLearningCourses(d.h.db.prisma, d.h.clock.now());
  }, 60_000);
  afterAll(() => d.close());

  it("an English member buys through Stripe, walks the course with the buttons and sees 3/3 ✓", async () => {
    const mia = d.member("Mia");
    const learner = discordLearner(d, mia);
    await walkLearningJourney(learner, courses.journeyId, "en", withoutBold);
    const memberId = (
      await d.h.db.prisma.platformAccount.findUniqueOrThrow({
        where: { platform_externalId: { platform: "DISCORD", externalId: mia.id } },
      })
    ).memberId;
    expect(await d.h.db.prisma.lessonProgress.count({ where: { memberId, completedAt: { not: null } } })).toBe(3);
    expect(d.discord.requests.filter((r) => r.status >= 400)).toEqual([]);
  });

  it("a member whose Discord speaks Chinese (zh-CN) reads the Chinese lessons and buttons", async () => {
    const learner = discordLearner(d, d.member("Li"), "zh-CN");
    await walkLearningJourney(learner, courses.journeyId, "zh", withoutBold);
    expect(d.discord.requests.filter((r) => r.status >= 400)).toEqual([]);
  });

  it("a 30,000-character lesson arrives complete, in order, within 2000 characters, fences balanced", async () => {
    const source = longLessonMarkdown();
    const learner = discordLearner(d, d.member("Rae"));
    await learner.command("lesson", [LONG_SLUG]);
    const messages = interactionMessages(learner.last());
    expect(messages.length).toBeGreaterThan(14);
    for (const message of messages) {
      // Paid text is only ever shown to the reader (ephemeral), never posted into the channel.
      expect(message.flags & EPHEMERAL).toBe(EPHEMERAL);
      expect([...message.content].length).toBeLessThanOrEqual(2000);
      expect((message.content.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(messages.filter((m) => m.files.length).map((m) => [m.content, m.files])).toEqual([
      ["First chart", ["chart-one.png"]],
      ["Second chart", ["chart-two.png"]],
    ]);
    const [heading, ...body] = messages;
    expect(unescapeDiscord(heading!.content)).toContain("Lesson 1/1: Everything at once");
    const received = deliveredWords(body.map((m) => withoutFences(unescapeDiscord(m.content))).join("\n"));
    expect(received).toEqual(sourceWords(source));
    expect(messages.at(-1)!.components.length).toBeGreaterThan(0);
    expect(messages.slice(0, -1).every((m) => m.components.length === 0)).toBe(true);
  });
});
