/**
 * The product with the real Discord adapter: the use-case harness (real database, jobs, HTTP server, Stripe fake)
 * plus a local fake Discord (test/fakes/discord) that the real discord.js client talks to over HTTP and WebSocket.
 * Members act through the fake the way they would in the Discord app; `settle()` waits until every gateway event the
 * fake sent has been handled and every job they started has finished.
 *
 * @example
 * const d = await createDiscordHarness();
 * const reply = await d.run(d.member("alice"), "courses");
 */
import { Events } from "discord.js";
import { type DiscordBot, startDiscord } from "../../bots/discord/start-discord.js";
import {
  type DiscordFake,
  type FakeUser,
  type InteractionRecord,
  startDiscordFake,
} from "../fakes/discord/discord-fake.js";
import { createHarness, type Harness } from "./harness.js";

export const DISCORD_TOKEN = "discord-test-token.secret";

export interface DiscordHarness {
  h: Harness;
  discord: DiscordFake;
  bot: DiscordBot;
  /** The owner's Discord user (OWNER_ACCOUNTS=discord:<id>). */
  creator: FakeUser;
  forumId: string;
  /** The text channel where lessons get discussion threads (LESSON_DISCUSSION_CHANNEL_ID), with `discussion: true`. */
  discussionId: string | null;
  /** A new user who joins the guild. */
  member(name: string): FakeUser;
  /** Runs a slash command and returns the reply once it and everything it started are done. */
  run(
    user: FakeUser,
    name: string,
    options?: Record<string, string | number | { role: string }>,
    locale?: string,
  ): Promise<InteractionRecord>;
  /** Waits for the reply to an interaction injected by hand, then settles. */
  reply(interactionId: string): Promise<InteractionRecord>;
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function createDiscordHarness(
  options: { stripe?: boolean; discussion?: boolean } = {},
): Promise<DiscordHarness> {
  const h = await createHarness({ stripe: options.stripe ?? true });
  const discord = await startDiscordFake({ token: DISCORD_TOKEN });
  discord.addTextChannel("general");
  const forumId = discord.addForum("questions", ["Solved", "Python"]);
  const discussionId = options.discussion ? discord.addTextChannel("lesson-talk") : null;
  const creator = discord.user("Creator");
  discord.addMember(creator);
  h.ctx.config.ownerAccounts.push(`discord:${creator.id}`);
  const bot = await startDiscord(h.ctx, {
    token: DISCORD_TOKEN,
    applicationId: discord.applicationId,
    guildId: discord.guildId,
    qaForumId: forumId,
    discussionChannelId: discussionId,
    apiBase: discord.apiBase,
    sweepIntervalMs: 0,
  });
  // READY and GUILD_CREATE arrived before the counter existed.
  let received = discord.dispatched;
  let caughtUp: (() => void) | null = null;
  bot.client.on(Events.Raw, () => {
    received += 1;
    if (received >= discord.dispatched) caughtUp?.();
  });
  /** Resolves once the client has received every dispatch the fake sent. */
  async function allReceived() {
    if (received >= discord.dispatched) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve, reject) => {
      caughtUp = resolve;
      timer = setTimeout(() => reject(new Error("the bot did not receive every gateway event")), 10_000);
    }).finally(() => {
      caughtUp = null;
      clearTimeout(timer);
    });
  }

  async function settle() {
    for (let pass = 0; pass < 50; pass += 1) {
      const before = discord.dispatched;
      await allReceived();
      await bot.idle();
      await h.jobs.idle();
      await bot.idle();
      if (discord.dispatched === before && received >= discord.dispatched) return;
    }
    throw new Error("the Discord bot did not settle");
  }

  async function reply(interactionId: string) {
    const record = await discord.replyTo(interactionId);
    await settle();
    return record;
  }

  return {
    h,
    discord,
    bot,
    creator,
    forumId,
    discussionId,
    member(name) {
      const user = discord.user(name);
      discord.addMember(user);
      return user;
    },
    async run(user, name, commandOptions = {}, locale) {
      return reply(discord.command(user, name, commandOptions, { locale }));
    },
    reply,
    settle,
    async close() {
      await bot.close();
      await discord.close();
      await h.close();
    },
  };
}
