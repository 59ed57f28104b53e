/**
 * A community written into the database for churn tests, over simulated weeks before the test clock's now: stayers
 * keep a steady rhythm to the end; past leavers faded and stopped at some point in the history (what the model
 * learns from); current leavers are fading right now (active until a few days ago, less and less). Every member has
 * a console account named after them, so they can be driven through the chat router and reached by the sender.
 */

import { seededRandom } from "../../core/seeded-random.js";
import type { PrismaClient } from "../../prisma/generated/client.js";

const DAY_MS = 86_400_000;

export interface ChurnDbCommunity {
  stayers: number[];
  currentLeavers: number[];
  pastLeavers: number[];
  /** Member id → console user name. */
  names: Map<number, string>;
}

export async function generateChurnDbCommunity(
  prisma: PrismaClient,
  options: { now: Date; stayers: number; currentLeavers: number; pastLeavers: number; days?: number; seed?: number },
): Promise<ChurnDbCommunity> {
  const random = seededRandom(options.seed ?? 11);
  const days = options.days ?? 150;
  const now = options.now.getTime();
  const community: ChurnDbCommunity = { stayers: [], currentLeavers: [], pastLeavers: [], names: new Map() };
  const kinds: [keyof Omit<ChurnDbCommunity, "names">, number][] = [
    ["stayers", options.stayers],
    ["currentLeavers", options.currentLeavers],
    ["pastLeavers", options.pastLeavers],
  ];
  const events: { memberId: number; kind: string; occurredAt: Date }[] = [];
  for (const [group, count] of kinds) {
    for (let i = 0; i < count; i += 1) {
      const name = `${group.replace("Leavers", "-leaver").replace("stayers", "stayer")}-${i}`;
      const joined = days - Math.floor(random() * 20);
      const member = await prisma.member.create({
        data: {
          displayName: name,
          referralCode: `R-${name}`,
          createdAt: new Date(now - joined * DAY_MS),
          accounts: { create: { platform: "CONSOLE", externalId: name, username: name, chatId: name } },
        },
      });
      community[group].push(member.id);
      community.names.set(member.id, name);
      const level = 0.45 + random() * 0.35; // share of days active while engaged
      // When activity stops (days before now) and how long it fades before that.
      const stopAt =
        group === "stayers" ? -1 : group === "currentLeavers" ? 3 + Math.floor(random() * 6) : 25 + random() * 90;
      const fade = 6 + random() * 10;
      for (let day = joined; day >= 0; day -= 1) {
        if (stopAt >= 0 && day < stopAt) break;
        const rate = stopAt >= 0 && day < stopAt + fade ? level * ((day - stopAt) / fade) : level;
        if (random() >= rate) continue;
        const at = now - day * DAY_MS - Math.floor(random() * 0.8 * DAY_MS) - 60_000;
        events.push({ memberId: member.id, kind: "lesson_opened", occurredAt: new Date(at) });
        if (random() < 0.5)
          events.push({ memberId: member.id, kind: "lesson_completed", occurredAt: new Date(at + 60_000) });
      }
    }
  }
  for (let i = 0; i < events.length; i += 2000)
    await prisma.activityEvent.createMany({ data: events.slice(i, i + 2000) });
  return community;
}
