/**
 * A creator's own Telegraf bot with Lyceum mounted, as the README shows it: the host's `/ping` stays the host's,
 * everything else is Lyceum's.
 */
import { Telegraf } from "telegraf";
import { ALLOWED_UPDATES, createLyceumTelegraf } from "../../bots/telegram/telegraf-mount.js";
import type { CoreContext } from "../../core/context.js";
import { FAKE_TOKEN } from "../fakes/telegram/bot-api-fake.js";

export async function startTelegrafWithLyceum(options: {
  ctx: CoreContext;
  apiRoot: string;
  onUpdateHandled: (updateId: number) => void;
}): Promise<{ stop: () => Promise<void> }> {
  const bot = new Telegraf(FAKE_TOKEN, { telegram: { apiRoot: options.apiRoot } });
  const lyceum = createLyceumTelegraf(bot.telegram, { maxRetryDelaySeconds: 2 });
  options.ctx.gateways.TELEGRAM = lyceum.gateway;
  options.ctx.payments.stars = lyceum.gateway;
  bot.use(async (context, next) => {
    try {
      await next();
    } finally {
      options.onUpdateHandled(context.update.update_id);
    }
  });
  bot.command("ping", (context) => context.reply("pong from the host bot"));
  bot.use(await lyceum.middleware(options.ctx));
  let launched: Promise<void> | undefined;
  await new Promise<void>((resolve) => {
    launched = bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }, resolve);
  });
  return {
    async stop() {
      bot.stop("test over");
      await launched?.catch(() => undefined);
    },
  };
}
