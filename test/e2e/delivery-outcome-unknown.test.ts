/**
 * Never twice, when the platform's answer is lost: the fake carries out the send (the member has the message) and
 * then drops the connection or answers 502. The sender cannot know the message arrived, so it must not send it again —
 * not through the HTTP client's retries (grammY's auto-retry, discord.js's REST retries), not through the delivery
 * row's own retries later. The row is FAILED "outcome unknown" and the creator's tally says so. Run through the real
 * grammY bot, a Telegraf bot with Lyceum mounted, and the real discord.js client, each against its local fake.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { confirmBroadcast } from "../../core/messaging/confirm-broadcast.js";
import { createBroadcast } from "../../core/messaging/create-broadcast.js";
import { OUTCOME_UNKNOWN } from "../../core/messaging/send-deliveries.js";
import { MESSAGING_SWEEP_JOB } from "../../jobs/definitions.js";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { createDiscordHarness, type DiscordHarness } from "../support/discord-harness.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";

const TEXT = "Live session moved to Friday";
const TALLY_UNKNOWN = "failed 1 (1 with no answer from the platform: may have arrived, not resent)";

describe.each(["polling", "telegraf"] as const)("Telegram (%s): a send whose answer is lost", (carrier) => {
  let h: TelegramHarness;
  let alice: FakeUser;
  let bob: FakeUser;
  beforeAll(async () => {
    h = await createTelegramHarness(carrier);
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.reset();
    alice = h.fake.user(2001, "Alice", { language_code: "en" });
    bob = h.fake.user(2002, "Bob", { language_code: "en" });
    for (const user of [h.creator, alice, bob]) await h.say(user, "/start");
  });

  const copies = (user: FakeUser) => h.fake.textsTo(user.id).filter((t) => t.includes(TEXT)).length;

  it.each(["drop", 502] as const)(
    "answer lost (%s): delivered once, recorded outcome unknown, never resent, counted in the tally",
    async (mode) => {
      h.fake.loseAnswerNext("sendMessage", mode, { chatId: alice.id });
      await h.say(h.creator, `/broadcast ${TEXT}`);
      await h.say(h.creator, "/broadcast 1 send");

      expect(copies(alice)).toBe(1);
      expect(copies(bob)).toBe(1);
      const row = await h.db.prisma.delivery.findFirstOrThrow({
        where: { broadcastId: 1, account: { externalId: String(alice.id) } },
      });
      expect(row).toMatchObject({ status: "FAILED", lastError: OUTCOME_UNKNOWN });

      // Long after any retry backoff, the sweep finds nothing to send again.
      h.clock.advanceDays(1);
      await h.jobs.enqueue(MESSAGING_SWEEP_JOB, {});
      await h.jobs.idle();
      expect(copies(alice)).toBe(1);

      expect((await h.db.prisma.broadcast.findUniqueOrThrow({ where: { id: 1 } })).status).toBe("DONE");
      const tally = h.fake
        .transcript(h.creator.id)
        .split("\n")
        .find((line) => line.startsWith("📣"));
      expect(tally).toContain("sent 2 of 3");
      expect(tally).toContain(TALLY_UNKNOWN);
    },
  );
});

describe("Discord: a DM whose answer is lost", () => {
  let d: DiscordHarness;
  beforeAll(async () => {
    d = await createDiscordHarness({ stripe: false });
  });
  afterAll(() => d.close());

  it.each(["drop", 502] as const)(
    "answer lost (%s): posted once, recorded outcome unknown, never resent, counted in the tally",
    async (mode) => {
      const members = [d.member(`Ann${mode}`), d.member(`Ben${mode}`)];
      for (const user of [d.creator, ...members]) await d.run(user, "courses");
      const creatorId = (await d.h.db.prisma.platformAccount.findFirstOrThrow({ where: { externalId: d.creator.id } }))
        .memberId;
      const draft = await createBroadcast(d.h.ctx, { staffMemberId: creatorId, text: `${TEXT} ${mode}` });
      if (!draft.ok) throw new Error(`draft refused: ${draft.reason}`);
      const recipients = await d.h.db.prisma.platformAccount.count({ where: { platform: "DISCORD" } });
      // The first message of the broadcast is posted, and its answer lost.
      d.discord.loseAnswerNext("POST", /^\/api\/v10\/channels\/\d+\/messages$/, mode);
      const confirmed = await confirmBroadcast(d.h.ctx, { staffMemberId: creatorId, broadcastId: draft.broadcastId });
      expect(confirmed).toEqual({ ok: true, recipients });
      await d.settle();

      const rows = await d.h.db.prisma.delivery.findMany({
        where: { broadcastId: draft.broadcastId },
        include: { account: true },
      });
      const unknown = rows.filter((r) => r.status === "FAILED");
      expect(unknown.map((r) => r.lastError)).toEqual([OUTCOME_UNKNOWN]);
      expect(rows.filter((r) => r.status === "SENT")).toHaveLength(recipients - 1);

      d.h.clock.advanceDays(1);
      await d.h.jobs.enqueue(MESSAGING_SWEEP_JOB, {});
      await d.settle();
      // Everyone, the member whose answer was lost included, has exactly one copy.
      for (const row of rows) {
        const copies = d.discord.dmsTo(row.account.externalId).filter((t) => t.includes(`${TEXT} ${mode}`));
        expect(copies, row.account.externalId).toHaveLength(1);
      }
      const tally = d.discord
        .dmsTo(d.creator.id)
        .filter((t) => t.includes(`#${draft.broadcastId}`))
        .join("\n");
      expect(tally).toContain(TALLY_UNKNOWN);
    },
  );
});
