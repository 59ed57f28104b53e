/**
 * The commands benchmark's baseline: the least a grammY bot needs to answer the same commands from the same database —
 * find the member by Telegram id, then one read per command (published products with their offers, one product,
 * entitlements, orders) and a short text reply. No identity upkeep, no i18n, no error translation, no sequencing.
 * Webhook mode: grammY's webhookCallback on a bare node:http server; polling: the grammY runner, as Lyceum.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { run } from "@grammyjs/runner";
import { Bot, type Context, webhookCallback } from "grammy";

export type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

export interface BaselineBot {
  webhookUrl: string | null;
  stop(): Promise<void>;
}

const PRODUCT_WITH_OFFER = `SELECT p.id, p."titleEn", p.kind, o.amount, o.currency
  FROM "Product" p LEFT JOIN LATERAL (
    SELECT amount, currency FROM "Offer" WHERE "productId" = p.id AND active AND currency <> 'xtr' ORDER BY id LIMIT 1
  ) o ON true`;

export async function startBaseline(options: {
  token: string;
  apiRoot: string;
  mode: "webhook" | "polling";
  secret: string;
  query: Query;
}): Promise<BaselineBot> {
  const { query } = options;
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot } });
  const price = (row: Record<string, unknown>) =>
    row.amount == null ? "free" : `${(Number(row.amount) / 100).toFixed(2)} ${String(row.currency).toUpperCase()}`;

  async function member(ctx: Context) {
    const rows = await query(
      `SELECT m.id, m."displayName", m.locale, m.role FROM "PlatformAccount" a JOIN "Member" m ON m.id = a."memberId"
        WHERE a.platform = 'TELEGRAM' AND a."externalId" = $1`,
      [String(ctx.from!.id)],
    );
    return rows[0];
  }
  async function showCourse(ctx: Context, id: number) {
    await member(ctx);
    const rows = await query(`${PRODUCT_WITH_OFFER} WHERE p.id = $1 AND p.published`, [id]);
    const p = rows[0];
    await ctx.reply(p ? `${p.titleEn} — ${p.kind} #${p.id}\n${price(p)}` : "No such course.", {
      reply_markup: { inline_keyboard: [[{ text: "Buy", callback_data: `buy ${id}` }]] },
    });
  }

  bot.command("start", async (ctx) => {
    const m = await member(ctx);
    await ctx.reply(`Welcome back, ${m?.displayName ?? "friend"}!`);
  });
  bot.command("help", async (ctx) => {
    await member(ctx);
    await ctx.reply("/courses — the catalog\n/course <id> — details\n/mycourses — your library\n/orders — your orders");
  });
  bot.command("courses", async (ctx) => {
    await member(ctx);
    const rows = await query(`${PRODUCT_WITH_OFFER} WHERE p.published ORDER BY p.id LIMIT 20`, []);
    await ctx.reply(["Catalog", ...rows.map((p) => `#${p.id} ${p.titleEn} (${p.kind}) — ${price(p)}`)].join("\n"), {
      reply_markup: {
        inline_keyboard: rows.slice(0, 8).map((p) => [{ text: `#${p.id}`, callback_data: `course ${p.id}` }]),
      },
    });
  });
  bot.command("course", (ctx) => showCourse(ctx, Number(ctx.match) || 0));
  bot.callbackQuery(/^course (\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showCourse(ctx, Number(ctx.match[1]));
  });
  bot.command("mycourses", async (ctx) => {
    const m = await member(ctx);
    const rows = await query(
      `SELECT e."productId", e."endsAt", p."titleEn" FROM "Entitlement" e JOIN "Product" p ON p.id = e."productId"
        WHERE e."memberId" = $1 AND e."revokedAt" IS NULL AND e."startsAt" <= now()
          AND (e."endsAt" IS NULL OR e."endsAt" > now() OR e."graceUntil" > now())
        ORDER BY e."productId"`,
      [m?.id ?? 0],
    );
    await ctx.reply(
      rows.length ? ["Your library", ...rows.map((e) => `#${e.productId} ${e.titleEn}`)].join("\n") : "Nothing yet.",
    );
  });
  bot.command("orders", async (ctx) => {
    const m = await member(ctx);
    const rows = await query(
      `SELECT o.id, o.amount, o.currency, o.status, o."createdAt", p."titleEn" FROM "Order" o
        JOIN "Product" p ON p.id = o."productId" WHERE o."memberId" = $1 ORDER BY o.id DESC LIMIT 20`,
      [m?.id ?? 0],
    );
    await ctx.reply(
      rows.length
        ? ["Your orders", ...rows.map((o) => `#${o.id} ${o.titleEn} — ${price(o)} — ${o.status}`)].join("\n")
        : "No orders yet.",
    );
  });
  bot.catch((error) => process.stderr.write(`baseline: ${String(error.error)}\n`));
  bot.botInfo = await bot.api.getMe();

  if (options.mode === "webhook") {
    const callback = webhookCallback(bot, "http", { secretToken: options.secret });
    const server = createServer((req, res) => void callback(req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    await bot.api.setWebhook("https://example.invalid/telegram", { secret_token: options.secret });
    return {
      webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      stop: () =>
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  }
  await bot.api.deleteWebhook();
  const runner = run(bot, { runner: { fetch: { timeout: 30 }, silent: true } });
  return { webhookUrl: null, stop: () => runner.stop() };
}
