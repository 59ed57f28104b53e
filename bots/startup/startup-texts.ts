/**
 * What the operator reads when Lyceum cannot start or has to stop: one line saying what to fix, in English or
 * Chinese (chosen from LANG, see operatorLanguage). Members never see these; structured logs keep the details.
 */
import type { ConfigProblem } from "../config-problems.js";

export type OperatorLanguage = "en" | "zh";

/**
 * The operator's language from the locale variables (LC_ALL, then LC_MESSAGES, then LANG): Chinese for `zh…`,
 * English otherwise.
 */
export function operatorLanguage(env: NodeJS.ProcessEnv = process.env): OperatorLanguage {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return locale.toLowerCase().startsWith("zh") ? "zh" : "en";
}

type Params = Record<string, string>;

export const startupTexts = {
  en: {
    configHeader: (p: Params) =>
      `Lyceum cannot start: ${p.count} setting(s) need fixing (environment variables or .env):`,
    configProblem: (problem: ConfigProblem) =>
      `  ${problem.variable}: ${problem.given === null ? "not set" : `given ${problem.given}`}; expected ${problem.expected.en}`,
    envFileUnreadable: (p: Params) => `Lyceum cannot read ${p.file}: ${p.reason}. Fix the file or remove it.`,
    telegramTokenInvalid: () =>
      "Telegram refused the bot token (401 Unauthorized): copy the token again from @BotFather (/mybots → API Token) into TELEGRAM_BOT_TOKEN.",
    telegramConflict: () =>
      "Another program is already receiving this bot's updates (Telegram 409 Conflict): stop the other Lyceum or bot using this TELEGRAM_BOT_TOKEN, or give this one its own bot token.",
    telegramWebhookRefused: (p: Params) =>
      `Telegram refused the webhook address ${p.url} (${p.reason}): set PUBLIC_URL to this server's public https:// address.`,
    telegramRefused: (p: Params) =>
      `Telegram refused ${p.method} at start (${p.reason}): check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT.`,
    discordTokenInvalid: () =>
      "Discord refused the bot token: reset it at https://discord.com/developers/applications → your application → Bot → Reset Token, and put it in DISCORD_TOKEN.",
    discordIntents: () =>
      "Discord refused the Server Members Intent (close code 4014, disallowed intents): turn it on at https://discord.com/developers/applications → your application → Bot → Privileged Gateway Intents, then start again.",
    discordApplicationMismatch: (p: Params) =>
      `DISCORD_APPLICATION_ID is ${p.given}, but DISCORD_TOKEN belongs to application ${p.actual}: set DISCORD_APPLICATION_ID=${p.actual}.`,
    discordRefused: (p: Params) =>
      `Discord refused ${p.step} at start (${p.reason}): check DISCORD_TOKEN, DISCORD_API_BASE and that the bot is invited to the server.`,
    databaseUnreachable: (p: Params) =>
      `Lyceum cannot use the database (${p.reason}): check DATABASE_URL (host, user, password, database name) and that PostgreSQL is running.`,
    migrationFailed: (p: Params) =>
      `Migration ${p.migration} failed and was not applied (${p.reason}): fix prisma/migrations/${p.migration}/migration.sql, or restore a backup, and start again.`,
    httpListenFailed: (p: Params) =>
      `The HTTP server cannot listen on ${p.address} (${p.reason}), and ${p.needs} depend on it: free the port or set HTTP_HOST / HTTP_PORT.`,
    needsStripe: "Stripe webhooks",
    needsTelegramWebhook: "Telegram webhooks",
    unexpected: (p: Params) =>
      `Lyceum stopped on an unexpected error: ${p.reason}. The JSON log line "lyceum stopped" (stderr) has the details.`,
  },
  zh: {
    configHeader: (p: Params) => `Lyceum 无法启动：有 ${p.count} 项设置需要修正（环境变量或 .env）：`,
    configProblem: (problem: ConfigProblem) =>
      `  ${problem.variable}：${problem.given === null ? "未设置" : `当前为 ${problem.given}`}；应为${problem.expected.zh}`,
    envFileUnreadable: (p: Params) => `Lyceum 无法读取 ${p.file}：${p.reason}。请修正或删除该文件。`,
    telegramTokenInvalid: () =>
      "Telegram 拒绝了机器人令牌（401 Unauthorized）：请从 @BotFather（/mybots → API Token）重新复制令牌到 TELEGRAM_BOT_TOKEN。",
    telegramConflict: () =>
      "已有另一个程序在接收这个机器人的更新（Telegram 409 Conflict）：请停止使用同一 TELEGRAM_BOT_TOKEN 的另一个 Lyceum 或机器人，或为本实例换一个机器人令牌。",
    telegramWebhookRefused: (p: Params) =>
      `Telegram 拒绝了 Webhook 地址 ${p.url}（${p.reason}）：请把 PUBLIC_URL 设为本服务器的公网 https:// 地址。`,
    telegramRefused: (p: Params) =>
      `启动时 Telegram 拒绝了 ${p.method}（${p.reason}）：请检查 TELEGRAM_BOT_TOKEN 和 TELEGRAM_API_ROOT。`,
    discordTokenInvalid: () =>
      "Discord 拒绝了机器人令牌：请在 https://discord.com/developers/applications → 你的应用 → Bot → Reset Token 重置令牌，并填入 DISCORD_TOKEN。",
    discordIntents: () =>
      "Discord 拒绝了 Server Members Intent（关闭码 4014，不允许的 intents）：请在 https://discord.com/developers/applications → 你的应用 → Bot → Privileged Gateway Intents 中打开它，然后重新启动。",
    discordApplicationMismatch: (p: Params) =>
      `DISCORD_APPLICATION_ID 为 ${p.given}，但 DISCORD_TOKEN 属于应用 ${p.actual}：请设置 DISCORD_APPLICATION_ID=${p.actual}。`,
    discordRefused: (p: Params) =>
      `启动时 Discord 拒绝了 ${p.step}（${p.reason}）：请检查 DISCORD_TOKEN、DISCORD_API_BASE，并确认机器人已被邀请进服务器。`,
    databaseUnreachable: (p: Params) =>
      `Lyceum 无法使用数据库（${p.reason}）：请检查 DATABASE_URL（主机、用户、密码、数据库名），并确认 PostgreSQL 正在运行。`,
    migrationFailed: (p: Params) =>
      `数据库迁移 ${p.migration} 失败，未被应用（${p.reason}）：请修正 prisma/migrations/${p.migration}/migration.sql，或恢复备份，然后重新启动。`,
    httpListenFailed: (p: Params) =>
      `HTTP 服务器无法监听 ${p.address}（${p.reason}），而 ${p.needs} 需要它：请释放该端口，或设置 HTTP_HOST / HTTP_PORT。`,
    needsStripe: "Stripe Webhook",
    needsTelegramWebhook: "Telegram Webhook",
    unexpected: (p: Params) =>
      `Lyceum 因意外错误停止：${p.reason}。详细信息见 stderr 中的 JSON 日志 "lyceum stopped"。`,
  },
} satisfies Record<OperatorLanguage, Record<string, unknown>>;

export type StartupTexts = (typeof startupTexts)["en"];
