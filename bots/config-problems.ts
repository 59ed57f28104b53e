/**
 * What is wrong with a configuration, said so that a person can fix it: one problem per variable, with what was
 * given (secrets masked) and what is expected, in English and Chinese. `loadConfig` (bots/config.ts) throws a
 * ConfigError carrying every problem at once, and the entry points print them and exit with code 2.
 */
import type { z } from "zod";

export interface Bilingual {
  en: string;
  zh: string;
}

export interface ConfigProblem {
  /** The variable to fix. */
  variable: string;
  /** What was given, masked when secret; null when it was not set. */
  given: string | null;
  /** What would be accepted. */
  expected: Bilingual;
}

/** Every problem of a configuration; thrown by loadConfig. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable}: expected ${p.expected.en}`).join("; ")}`);
    this.name = "ConfigError";
  }
}

/** Variables whose value is a secret: never shown, only how long it is. */
const SECRET = /TOKEN|SECRET|KEY|PASSWORD/;

/**
 * What was given, safe to print: secrets become their length, a URL's password is hidden, long values are cut.
 *
 * @example maskValue("TELEGRAM_BOT_TOKEN", "123:abc") // "(hidden, 7 characters)"
 */
export function maskValue(variable: string, value: string | undefined): string | null {
  if (value === undefined || value.trim() === "") return null;
  if (SECRET.test(variable)) return `(hidden, ${value.length} characters)`;
  let shown = value;
  try {
    const url = new URL(value);
    if (url.password) {
      url.password = "***";
      shown = url.toString();
    }
  } catch {
    // Not a URL: shown as it is.
  }
  return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 77)}...` : shown);
}

/** What a variable accepts when the schema alone does not say it well. */
const EXPECTED: Record<string, Bilingual> = {
  DISCORD_APPLICATION_ID: {
    en: "the application's numeric id (17 to 20 digits; Developer Portal → General Information → Application ID)",
    zh: "应用的数字 ID（17 到 20 位数字；开发者门户 → General Information → Application ID）",
  },
  DISCORD_GUILD_ID: {
    en: "the server's numeric id (Developer Mode on, right-click the server → Copy Server ID)",
    zh: "服务器的数字 ID（打开开发者模式，右键服务器 → 复制服务器 ID）",
  },
  DISCORD_QA_FORUM_ID: {
    en: "the forum channel's numeric id (right-click the channel → Copy Channel ID)",
    zh: "论坛频道的数字 ID（右键频道 → 复制频道 ID）",
  },
  DISCORD_HELPER_ROLE_ID: {
    en: "the helper role's numeric id (Server Settings → Roles, right-click the role → Copy Role ID)",
    zh: "助手角色的数字 ID（服务器设置 → 角色，右键角色 → 复制角色 ID）",
  },
  TELEGRAM_HELPER_CHAT_ID: {
    en: "the Q&A group's numeric chat id, such as -1001234567890",
    zh: "问答群的数字 chat id，例如 -1001234567890",
  },
  TELEGRAM_WEBHOOK_SECRET: {
    en: "16 to 256 characters: letters, digits, _ and - (for example `openssl rand -hex 32`)",
    zh: "16 到 256 个字符：字母、数字、_ 和 -（例如 `openssl rand -hex 32`）",
  },
  CONSOLE_USER: { en: "1 to 32 letters, digits, _, . or -", zh: "1 到 32 个字母、数字、_、. 或 -" },
  JOB_PREFIX: { en: "1 to 64 letters, digits, _, . or -", zh: "1 到 64 个字母、数字、_、. 或 -" },
  METRICS_TOKEN: {
    en: "at least 16 characters (for example `openssl rand -hex 32`)",
    zh: "至少 16 个字符（例如 `openssl rand -hex 32`）",
  },
};

/** Unwraps defaults, optionals and transforms down to the schema that checks the value. */
function innermost(schema: z.ZodType): z.ZodType {
  type Node = { def: { type: string; innerType?: Node; in?: Node; out?: Node } };
  let current = schema as unknown as Node;
  for (let depth = 0; depth < 10; depth += 1) {
    const { def } = current;
    if ((def.type === "default" || def.type === "optional" || def.type === "nullable") && def.innerType) {
      current = def.innerType;
    } else if (def.type === "pipe" && def.in && def.out) {
      // `.transform()` after a check: the check is the input; `z.preprocess()`: the check is the output.
      current = def.in.def.type === "transform" ? def.out : def.in;
    } else break;
  }
  return current as unknown as z.ZodType;
}

/** What the schema of one variable accepts, in words. */
export function describeExpected(variable: string, schema: z.ZodType | undefined): Bilingual {
  const known = EXPECTED[variable];
  if (known) return known;
  if (!schema) return { en: "a valid value", zh: "有效的值" };
  const inner = innermost(schema) as unknown as {
    def: { type: string; checks?: { _zod: { def: { check: string; value?: number; inclusive?: boolean } } }[] };
    options?: string[];
    minValue?: number | null;
    maxValue?: number | null;
    isInt?: boolean;
  };
  if (inner.def.type === "enum" && inner.options) {
    const list = inner.options.join(", ");
    return { en: `one of: ${list}`, zh: `以下之一：${list}` };
  }
  if (inner.def.type === "number") {
    const whole = inner.isInt === true;
    const exclusiveZero = inner.def.checks?.some((c) => c._zod.def.check === "greater_than" && !c._zod.def.inclusive);
    const noun = whole ? { en: "a whole number", zh: "整数" } : { en: "a number", zh: "数字" };
    const min = inner.minValue;
    const max = inner.maxValue;
    const finite = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);
    if (exclusiveZero && !finite(max)) return { en: `${noun.en} greater than 0`, zh: `大于 0 的${noun.zh}` };
    if (finite(min) && finite(max)) {
      return { en: `${noun.en} from ${min} to ${max}`, zh: `${min} 到 ${max} 之间的${noun.zh}` };
    }
    if (finite(min)) return { en: `${noun.en} of at least ${min}`, zh: `不小于 ${min} 的${noun.zh}` };
    return noun;
  }
  return { en: "a valid value", zh: "有效的值" };
}

/** One problem per variable named in the zod issues (the first issue of each wins). */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  shape: Record<string, z.ZodType>,
  env: NodeJS.ProcessEnv,
): ConfigProblem[] {
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const variable = String(issue.path[0] ?? "");
    if (!variable || seen.has(variable)) continue;
    seen.add(variable);
    problems.push({
      variable,
      given: maskValue(variable, env[variable]),
      expected: describeExpected(variable, shape[variable]),
    });
  }
  return problems;
}

/** The settings that only make sense together, and values that parse but cannot work. */
export interface CrossFieldInput {
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  DISCORD_TOKEN?: string;
  DISCORD_APPLICATION_ID?: string;
  DISCORD_GUILD_ID?: string;
  TELEGRAM_BOT_TOKEN?: string;
  TELEGRAM_MODE?: string;
  TELEGRAM_WEBHOOK_SECRET?: string;
  TELEGRAM_API_ROOT?: string;
  PUBLIC_URL?: string;
  HTTP_PORT?: number;
  METRICS_PORT?: number;
}

/**
 * Problems between variables: the Stripe pair, the Discord trio, what webhook mode needs, a PUBLIC_URL that is not
 * a web address, and metrics on the same port as the public listener.
 */
export function crossFieldProblems(config: CrossFieldInput, env: NodeJS.ProcessEnv): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const missing = (variable: string, expected: Bilingual) =>
    problems.push({ variable, given: maskValue(variable, env[variable]), expected });

  if (config.STRIPE_SECRET_KEY && !config.STRIPE_WEBHOOK_SECRET) {
    missing("STRIPE_WEBHOOK_SECRET", {
      en: "the endpoint's signing secret (whsec_…) as well: STRIPE_SECRET_KEY is set, and Stripe needs both",
      zh: "同时填写 Webhook 端点的签名密钥（whsec_…）：已设置 STRIPE_SECRET_KEY，Stripe 需要两者都有",
    });
  }
  if (config.STRIPE_WEBHOOK_SECRET && !config.STRIPE_SECRET_KEY) {
    missing("STRIPE_SECRET_KEY", {
      en: "the secret API key (sk_…) as well: STRIPE_WEBHOOK_SECRET is set, and Stripe needs both",
      zh: "同时填写 API 密钥（sk_…）：已设置 STRIPE_WEBHOOK_SECRET，Stripe 需要两者都有",
    });
  }
  if (config.DISCORD_TOKEN) {
    for (const variable of ["DISCORD_APPLICATION_ID", "DISCORD_GUILD_ID"] as const) {
      if (config[variable] || env[variable]?.trim()) continue; // a malformed id is reported by the schema
      const what = EXPECTED[variable]!;
      missing(variable, {
        en: `${what.en}: DISCORD_TOKEN is set, and the Discord bot needs it`,
        zh: `${what.zh}：已设置 DISCORD_TOKEN，Discord 机器人需要它`,
      });
    }
  }
  let publicUrl: URL | null = null;
  if (config.PUBLIC_URL) {
    try {
      publicUrl = new URL(config.PUBLIC_URL);
      if (publicUrl.protocol !== "http:" && publicUrl.protocol !== "https:") throw new Error("not http");
    } catch {
      publicUrl = null;
      missing("PUBLIC_URL", {
        en: "a web address members' browsers reach, e.g. https://lyceum.example.com",
        zh: "会员浏览器能访问的网址，例如 https://lyceum.example.com",
      });
    }
  }
  if (config.TELEGRAM_BOT_TOKEN && config.TELEGRAM_MODE === "webhook") {
    if (!config.TELEGRAM_WEBHOOK_SECRET && !env.TELEGRAM_WEBHOOK_SECRET?.trim()) {
      missing("TELEGRAM_WEBHOOK_SECRET", {
        en: `${EXPECTED.TELEGRAM_WEBHOOK_SECRET!.en}: TELEGRAM_MODE=webhook needs it`,
        zh: `${EXPECTED.TELEGRAM_WEBHOOK_SECRET!.zh}：TELEGRAM_MODE=webhook 需要它`,
      });
    }
    if (!config.PUBLIC_URL) {
      missing("PUBLIC_URL", {
        en: "the public HTTPS address Telegram posts to (e.g. https://lyceum.example.com): TELEGRAM_MODE=webhook needs it",
        zh: "Telegram 推送更新的公网 HTTPS 地址（例如 https://lyceum.example.com）：TELEGRAM_MODE=webhook 需要它",
      });
    } else if (publicUrl && publicUrl.protocol !== "https:" && !config.TELEGRAM_API_ROOT) {
      // A self-hosted Bot API server (TELEGRAM_API_ROOT) may post to plain HTTP; Telegram's own only to HTTPS.
      missing("PUBLIC_URL", {
        en: "an https:// address: Telegram delivers webhooks over HTTPS only",
        zh: "https:// 开头的地址：Telegram 只通过 HTTPS 推送 Webhook",
      });
    }
  }
  if (config.METRICS_PORT && config.HTTP_PORT && config.METRICS_PORT === config.HTTP_PORT) {
    missing("METRICS_PORT", {
      en: "a port other than HTTP_PORT (metrics get their own listener), or unset",
      zh: "与 HTTP_PORT 不同的端口（指标有单独的监听端口），或不设置",
    });
  }
  return problems;
}
