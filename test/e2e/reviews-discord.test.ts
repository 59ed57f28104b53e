/**
 * Reviews and the helper role on Discord end to end: the real discord.js client against the local fake Discord. A
 * member reviews an article they own (no lessons: owning is enough), another presses Helpful under it, and the
 * author, now at the helper level, gets the role DISCORD_HELPER_ROLE_ID; removing the review takes the points back
 * and the role away.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InteractionRecord } from "../fakes/discord/discord-fake.js";
import { createDiscordHarness, type DiscordHarness } from "../support/discord-harness.js";

/** What a member reads: the reply and its follow-ups, with Discord's markdown escapes removed. */
function text(record: InteractionRecord): string {
  return [record.content ?? "", ...record.followUps.map((f) => f.content)].join("\n").replace(/\\([^\w\s])/g, "$1");
}

function buttons(record: InteractionRecord): { custom_id?: string; label?: string }[] {
  const rows = (record.components ?? []) as { components: { custom_id?: string; label?: string }[] }[];
  return rows.flatMap((row) => row.components);
}

describe("reviews on Discord", () => {
  let d: DiscordHarness;
  beforeAll(async () => {
    d = await createDiscordHarness({ stripe: false });
  });
  afterAll(() => d.close());

  it("a helpful vote lifts the author to the helper level: the helper role is given, and taken back", async () => {
    const helperRole = d.discord.addRole("Helper", 1);
    await d.settle();
    d.bot.gateway.helperRoleId = helperRole;
    d.h.ctx.community = { helperReputation: 1 };
    const alice = d.member("Alice");
    const bob = d.member("Bob");
    await d.run(alice, "start");
    await d.run(bob, "start");
    const article = await d.h.db.prisma.product.findFirstOrThrow({ where: { kind: "ARTICLE" } });
    await d.run(d.creator, "grant", { member: "@alice", product: article.id });

    const posted = await d.run(alice, "review", { args: `${article.id} 5 Worth every minute` });
    expect(text(posted)).toContain("Thank you! Your review of");
    const listed = await d.run(bob, "reviews", { args: String(article.id) });
    expect(text(listed)).toContain("★★★★★ **Alice**: Worth every minute");
    const helpful = buttons(listed).find((b) => b.label?.startsWith("👍 Helpful"));
    expect(helpful?.custom_id).toBeDefined();
    const pressed = await d.reply(d.discord.press(bob, helpful!.custom_id!));
    expect(text(pressed)).toContain("marked helpful (👍 1)");
    await d.settle();
    expect(d.discord.hasRole(alice.id, helperRole)).toBe(true);

    const own = await d.reply(d.discord.press(alice, helpful!.custom_id!));
    expect(text(own)).toContain("You cannot mark your own review helpful");

    await d.run(alice, "review", { args: `${article.id} remove` });
    await d.settle();
    expect(d.discord.hasRole(alice.id, helperRole)).toBe(false);
    const top = await d.run(bob, "top");
    expect(text(top)).toContain("Nobody has earned reputation yet");
  });
});
