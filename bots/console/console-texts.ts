/**
 * The console adapter's own lines (who you are, the paid channel), in both languages. Everything the product itself
 * says comes from core/i18n.
 */
export const consoleTexts = {
  en: {
    banner: (user: string, interactive: boolean) =>
      `Lyceum console — you are "${user}". Try /courses, /help, or /as creator to act as the creator; /channel shows the paid channel.${interactive ? " Ctrl-D quits." : ""}`,
    openLink: (url: string) => `Open this link in a browser: ${url}`,
    asUsage: "Usage: /as <name> — for example /as creator or /as alice",
    nowYou: (name: string) => `You are now "${name}".`,
    youAre: (name: string) => `You are "${name}".`,
    noChannel: "No paid channel yet. As the creator: /gate #lounge <product id>",
    empty: "(empty)",
    swept: "Sweep done: ended access revoked, channels reconciled.",
    blocked: (name: string) => `"${name}" now blocks the bot: personal messages to them fail.`,
    unblocked: (name: string) => `"${name}" no longer blocks the bot.`,
    joined: (gate: string, name: string) => `[${gate}] ${name} joined the channel`,
    removed: (gate: string, name: string) => `[${gate}] ${name} was removed from the channel`,
    rejoined: (gate: string, count: number) =>
      `[${gate}] ${count} other ${count === 1 ? "member" : "members"} let back in (/channel lists them)`,
    to: (name: string) => `📨 to ${name}: `,
    noFile: (file: string) => `No file to send at ${file} (it must exist and be at most 20 MB).`,
  },
  zh: {
    banner: (user: string, interactive: boolean) =>
      `Lyceum 控制台 — 你现在是“${user}”。试试 /courses、/help，或用 /as creator 以创作者身份操作；/channel 查看付费频道。${interactive ? "按 Ctrl-D 退出。" : ""}`,
    openLink: (url: string) => `请在浏览器中打开此链接：${url}`,
    asUsage: "用法：/as <名字> — 例如 /as creator 或 /as alice",
    nowYou: (name: string) => `你现在是“${name}”。`,
    youAre: (name: string) => `你是“${name}”。`,
    noChannel: "还没有付费频道。以创作者身份：/gate #lounge <产品编号>",
    empty: "（空）",
    swept: "巡检完成：已到期的权限已收回，频道已同步。",
    blocked: (name: string) => `“${name}”已屏蔽机器人：发给他的私信会失败。`,
    unblocked: (name: string) => `“${name}”已取消屏蔽机器人。`,
    joined: (gate: string, name: string) => `[${gate}] ${name} 加入了频道`,
    removed: (gate: string, name: string) => `[${gate}] ${name} 已被移出频道`,
    rejoined: (gate: string, count: number) => `[${gate}] 另有 ${count} 位成员重新进入频道（/channel 查看名单）`,
    to: (name: string) => `📨 发给 ${name}：`,
    noFile: (file: string) => `${file} 没有可发送的文件（文件必须存在，且不超过 20 MB）。`,
  },
};

export type ConsoleTexts = (typeof consoleTexts)["en"];
