/**
 * A Discord member for the learning journeys: runs slash commands with the options Discord's client would send (typed
 * from the bot's own command table), presses the buttons under the bot's last message by their label, buys through
 * Stripe Checkout, and reads the reply and its follow-ups with Discord's markdown escapes removed. Every interaction
 * carries the member's client locale, as Discord sends it.
 */
import { optionsFor } from "../../bots/discord/discord-commands.js";
import type { FakeUser, InteractionRecord } from "../fakes/discord/discord-fake.js";
import type { DiscordHarness } from "./discord-harness.js";
import type { LearnerDriver } from "./learning-journey.js";

type Component = { custom_id?: string; url?: string; label?: string };

/** The messages of one interaction as the member sees them: the reply, then each follow-up. */
export function interactionMessages(
  record: InteractionRecord,
): { content: string; components: unknown[]; files: string[]; flags: number }[] {
  return [
    {
      content: record.content ?? "",
      components: record.components,
      files: record.attachments.map((a) => a.filename),
      flags: record.flags,
    },
    ...record.followUps.map((f) => ({
      content: f.content,
      components: f.components,
      files: f.attachments.map((a) => a.filename),
      flags: f.flags,
    })),
  ];
}

/** Discord markdown escapes (`\*`, `\_`, `\<`) removed: what the member reads. */
export function unescapeDiscord(text: string): string {
  return text.replace(/\\([^A-Za-z0-9\s])/g, "$1");
}

export interface DiscordLearner extends LearnerDriver {
  /** The latest reply, with its follow-ups. */
  last(): InteractionRecord;
}

export function discordLearner(d: DiscordHarness, user: FakeUser, locale = "en-US"): DiscordLearner {
  const records: InteractionRecord[] = [];
  let latest: InteractionRecord | undefined;
  const read = (record: InteractionRecord) => {
    records.push(record);
    latest = record;
    return interactionMessages(record)
      .map((m) => unescapeDiscord(m.content))
      .join("\n");
  };
  const components = (): Component[] => {
    if (!latest) return [];
    const message = interactionMessages(latest).findLast((m) => m.components.length > 0);
    return ((message?.components ?? []) as { components: Component[] }[]).flatMap((row) => row.components);
  };
  return {
    last: () => latest!,
    async buy(productId) {
      await d.run(user, "buy", { id: productId }, locale);
      const order = await d.h.db.prisma.order.findFirstOrThrow({
        where: { member: { accounts: { some: { platform: "DISCORD", externalId: user.id } } } },
        orderBy: { id: "desc" },
      });
      const delivered = await d.h.deliver(d.h.stripe!.completeCheckout(order.checkoutRef!));
      if (delivered.status !== 200) throw new Error(`the webhook answered ${delivered.status}`);
      await d.settle();
    },
    async command(name, args = []) {
      const specs = optionsFor(name);
      const options: Record<string, string | number> = {};
      if (specs.length === 1 && specs[0]!.name === "args") {
        if (args.length) options.args = args.join(" ");
      } else {
        for (const [index, spec] of specs.entries()) {
          const value = args[index];
          if (value !== undefined) options[spec.name] = spec.type === "integer" ? Number(value) : value;
        }
      }
      return read(await d.run(user, name, options, locale));
    },
    async press(label) {
      const button = components().find((b) => b.label === label);
      if (!button?.custom_id) {
        throw new Error(`no button "${label}" under the last reply: ${components().map((b) => b.label)}`);
      }
      return read(await d.reply(d.discord.press(user, button.custom_id, latest!.id, locale)));
    },
    buttons() {
      return components().flatMap((b) => (b.label ? [b.label] : []));
    },
    media() {
      return records.flatMap((record) =>
        interactionMessages(record).flatMap((m) =>
          m.files.map((fileName) => ({ caption: unescapeDiscord(m.content), fileName })),
        ),
      );
    },
  };
}
