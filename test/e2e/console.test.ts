/**
 * The console chat end to end, as a newcomer meets it: `npm start`'s entry point in a child process, lines piped into
 * stdin, and assertions on what a person reads on stdout. Each test is one scripted session on its own fresh
 * database (spawns are expensive, so each session covers many steps).
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { type ConsoleRun, runConsole, type Transcript, transcriptOf } from "../support/console-session.js";
import { createTestDatabaseEnv } from "../support/database.js";

const SESSION_TIMEOUT_MS = 120_000;

async function freshDatabase(): Promise<Record<string, string>> {
  const database = await createTestDatabaseEnv();
  onTestFinished(() => database.cleanup());
  return database.env;
}

/** Runs a script and checks it ended the way a clean session ends: exit code 0, every line answered, no error log. */
async function converse(lines: string[], env: Record<string, string>): Promise<Transcript> {
  const run: ConsoleRun = await runConsole(lines, env);
  const context = `--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
  expect(run.code, context).toBe(0);
  // pino levels 50 (error) and 60 (fatal): a reply may look fine while a background job failed.
  expect(run.stderr, context).not.toMatch(/"level":(50|60)/);
  const transcript = transcriptOf(run.stdout);
  expect(
    transcript.turns.map((turn) => turn.input),
    context,
  ).toEqual(lines.filter((line) => line.trim() !== ""));
  return transcript;
}

describe("console chat, piped like a newcomer would", () => {
  it(
    "an English member browses, buys with a coupon, gets confirmed into the channel, and is refunded out again",
    async () => {
      const t = await converse(
        [
          "/start",
          "/courses",
          "1",
          "/buy 1 WELCOME10",
          "/mycourses",
          "/channel",
          "/as creator",
          "/confirm",
          "/confirm 1",
          "/as member",
          "/channel",
          "/mycourses",
          "/orders",
          "/refund 1 too fast for me",
          "/as creator",
          "/refunds",
          "1",
          "/channel",
          "/as member",
          "/mycourses",
          "/orders",
        ],
        await freshDatabase(),
      );

      expect(t.preamble).toContain('you are "member"');
      expect(t.reply("/start")).toContain("Welcome to Lyceum, Member!");

      const catalog = t.reply("/courses");
      expect(catalog).toContain("Catalog");
      for (const item of [
        "1. Python for Data Analysis — Course, $49.00",
        "2. Prompt Engineering Masterclass",
        "3. How I Grew to 10,000 Members — Article, $9.00",
        "4. Live Q&A: Shipping Side Projects",
        "5. Inner Circle membership — Course, $15.00/month",
        "6. Data & AI bundle — Bundle, $79.00",
      ]) {
        expect(catalog).toContain(item);
      }
      expect(catalog).toContain("[1] #1 details");

      // Typing "1" presses the first button of the catalog: the details of course #1.
      const details = t.reply("1", 1, "member");
      expect(details).toContain("Python for Data Analysis — Course #1");
      expect(details).toContain("Lessons (3)");
      expect(details).toContain("[1] Buy — $49.00");

      const order = t.reply("/buy 1 WELCOME10");
      expect(order).toContain("Order #1 — Python for Data Analysis");
      expect(order).toContain("To pay: $44.10");
      expect(order).toContain("Coupon WELCOME10: $49.00 → $44.10");

      expect(t.reply("/mycourses", 1)).toContain("You don't own anything yet.");
      expect(t.reply("/channel", 1)).toContain("#members-lounge: (empty)");

      const pending = t.reply("/confirm", 1, "creator");
      expect(pending).toContain("Orders awaiting confirmation");
      expect(pending).toContain("#1 Python for Data Analysis — $44.10 — Member");
      expect(pending).toContain("[1] Confirm #1");

      const confirmed = t.reply("/confirm 1");
      expect(confirmed).toContain("Order #1 confirmed");
      expect(confirmed).toContain("📨 to member: ✅ Payment received for order #1.");
      expect(confirmed).toContain("[#members-lounge] member joined the channel");
      expect(confirmed).toContain("📨 to member: 🔓 You're in: #members-lounge");

      expect(t.reply("/channel", 2)).toContain("#members-lounge: member");
      const library = t.reply("/mycourses", 2);
      expect(library).toContain("Your library");
      expect(library).toContain("1. Python for Data Analysis — yours for good");
      expect(library).toContain("🔓 #members-lounge");
      expect(t.reply("/orders", 1)).toContain("#1 Python for Data Analysis — $44.10 — paid");

      const requested = t.reply("/refund 1 too fast for me");
      expect(requested).toContain("Refund requested for order #1.");
      expect(requested).toContain("📨 to creator: ↩️ Refund request #1 for order #1.");

      const refunds = t.reply("/refunds");
      expect(refunds).toContain(
        "Request #1: order #1, Python for Data Analysis, $44.10, by Member — “too fast for me”",
      );
      expect(refunds).toContain("[1] Approve #1   [2] Deny #1");

      // Typing "1" as the creator presses "Approve #1".
      const approved = t.reply("1", 1, "creator");
      expect(approved).toContain("Refund for order #1 recorded; access closed.");
      expect(approved).toContain("[#members-lounge] member was removed from the channel");
      expect(approved).toContain("📨 to member: Order #1 has been refunded");

      expect(t.reply("/channel", 3)).toContain("#members-lounge: (empty)");
      expect(t.reply("/mycourses", 3)).toContain("You don't own anything yet.");
      expect(t.reply("/orders", 2)).toContain("#1 Python for Data Analysis — $44.10 — refunded");
    },
    SESSION_TIMEOUT_MS,
  );

  it(
    "a Chinese member (LANG=zh_CN.UTF-8) gets the same path in Chinese and can switch to English",
    async () => {
      const t = await converse(
        [
          "/start",
          "/courses",
          "2",
          "/buy 2",
          "/orders",
          "/as creator",
          "/confirm 1",
          "/as member",
          "/mycourses",
          "/channel",
          "/language en",
          "/courses",
          "/mycourses",
        ],
        { ...(await freshDatabase()), LANG: "zh_CN.UTF-8" },
      );

      expect(t.reply("/start")).toContain("欢迎来到 Lyceum，Member！");

      const catalog = t.reply("/courses", 1);
      expect(catalog).toContain("课程目录");
      expect(catalog).toContain("1. Python 数据分析入门 — 课程，US$49.00");
      expect(catalog).toContain("2. 提示词工程大师课 — 课程，¥199.00");
      expect(catalog).toContain("[2] #2 详情");
      expect(catalog).not.toContain("Catalog");

      const details = t.reply("2", 1, "member");
      expect(details).toContain("提示词工程大师课 — 课程 #2");
      expect(details).toContain("[1] 购买 — ¥199.00");

      const order = t.reply("/buy 2");
      expect(order).toContain("订单 #1 — 提示词工程大师课");
      expect(order).toContain("应付：¥199.00");
      expect(t.reply("/orders")).toContain("#1 提示词工程大师课 — ¥199.00 — 待付款");

      const confirmed = t.reply("/confirm 1");
      expect(confirmed).toContain("订单 #1 已确认");
      expect(confirmed).toContain("📨 发给 member：✅ 已收到订单 #1 的付款");
      expect(confirmed).toContain("[#members-lounge] member 加入了频道");
      expect(confirmed).toContain("📨 发给 member：🔓 你已获准进入：#members-lounge");

      const library = t.reply("/mycourses", 1);
      expect(library).toContain("我的内容");
      expect(library).toContain("2. 提示词工程大师课 — 永久拥有");
      expect(t.reply("/channel")).toContain("#members-lounge: member");

      expect(t.reply("/language en")).toContain("Language: English.");
      const english = t.reply("/courses", 2);
      expect(english).toContain("Catalog");
      expect(english).toContain("2. Prompt Engineering Masterclass — Course, CN¥199.00");
      expect(english).not.toContain("课程目录");
      expect(t.reply("/mycourses", 2)).toContain("2. Prompt Engineering Masterclass — yours for good");
    },
    SESSION_TIMEOUT_MS,
  );

  it(
    "refuses creator commands to members, explains bad input, and guards orders",
    async () => {
      const onlyCreator = [
        "/confirm 1",
        "/grant member 1",
        "/gate #sneaky 1",
        "/addcourse",
        "/addcourse 5 usd | Sneaky Course | 偷偷",
        "/refunds",
        "/approve 1",
        "/revoke member 1",
      ];
      const t = await converse(
        [
          "/buy 1",
          "/buy 1",
          ...onlyCreator,
          "/orders",
          "/mycourses",
          "/channel",
          "/courses",
          "9",
          "hello there",
          "/orders",
          "1",
          "/frobnicate",
          "/buy abc",
          "/buy 999",
          "/course",
          "/course 999",
          "/as creator",
          "/buy 3",
          "/confirm 2",
          "/confirm",
          "/as member",
          "/orders",
        ],
        await freshDatabase(),
      );

      // Buying the same product twice while unpaid gives back the same order, not a second one.
      expect(t.reply("/buy 1", 1)).toContain("Order #1 — Python for Data Analysis");
      expect(t.reply("/buy 1", 2)).toContain("Order #1 — Python for Data Analysis");

      for (const line of onlyCreator) {
        expect(t.reply(line).trim(), line).toBe("Only the creator can do that.");
      }
      // … and nothing they tried happened.
      expect(t.reply("/orders", 1)).toContain("#1 Python for Data Analysis — $49.00 — awaiting payment");
      expect(t.reply("/orders", 1)).not.toContain("#2");
      expect(t.reply("/mycourses")).toContain("You don't own anything yet.");
      expect(t.reply("/channel").trim()).toBe("#members-lounge: (empty)");
      const catalog = t.reply("/courses");
      expect(catalog).not.toContain("Sneaky");
      expect(catalog).not.toContain("7.");

      const hint = "Send a command, for example /courses. /help lists them all.";
      // The catalog offered six choices: 9 is not one of them.
      expect(t.reply("9").trim()).toBe(hint);
      expect(t.reply("hello there").trim()).toBe(hint);
      // /orders shows no buttons, so "1" must not press a choice left over from an earlier reply.
      expect(t.reply("1").trim()).toBe(hint);

      expect(t.reply("/frobnicate")).toContain("I don't know /frobnicate. Send /help to see what I can do.");
      expect(t.reply("/buy abc").trim()).toBe("Usage: /buy <id> [coupon]");
      expect(t.reply("/buy 999")).toContain("There is no course #999.");
      expect(t.reply("/course").trim()).toBe("Usage: /course <id>");
      expect(t.reply("/course 999")).toContain("There is no course #999.");

      expect(t.reply("/buy 3")).toContain("Order #2 — How I Grew to 10,000 Members");
      expect(t.reply("/confirm 2")).toContain("Order #2 is your own: another creator or the owner must confirm it.");
      const stillPending = t.reply("/confirm", 1, "creator");
      expect(stillPending).toContain("#1 Python for Data Analysis — $49.00 — Member");
      expect(stillPending).toContain("#2 How I Grew to 10,000 Members — $9.00 — Creator");
      expect(t.reply("/orders", 3)).toContain("#1 Python for Data Analysis — $49.00 — awaiting payment");
    },
    SESSION_TIMEOUT_MS,
  );

  it(
    "the creator adds a course step by step, gates a channel with it, and grants and revokes it by hand",
    async () => {
      const t = await converse(
        [
          "/start",
          "/as creator",
          "/addcourse",
          "Test Driven Bots",
          "测试驱动机器人",
          "25 usd",
          "/gate #vip 7",
          "/grant member 7",
          "/channel",
          "/as member",
          "/courses",
          "/mycourses",
          "/as creator",
          "/revoke member 7",
          "/channel",
          "/as member",
          "/mycourses",
        ],
        await freshDatabase(),
      );

      expect(t.reply("/addcourse")).toContain("What is its English title?");
      expect(t.reply("Test Driven Bots")).toContain("Its Chinese title?");
      expect(t.reply("测试驱动机器人")).toContain("Its price");
      expect(t.reply("25 usd")).toContain("Course #7 Test Driven Bots created at $25.00.");

      expect(t.reply("/gate #vip 7")).toContain("Channel #vip now opens for: #7 Test Driven Bots.");

      const granted = t.reply("/grant member 7");
      expect(granted).toContain("Member now has Test Driven Bots.");
      expect(granted).toContain("[#vip] member joined the channel");
      const channels = t.reply("/channel", 1);
      expect(channels).toContain("#vip: member");
      // Course #7 is not bound to the lounge: the grant must not open it.
      expect(channels).toContain("#members-lounge: (empty)");

      expect(t.reply("/courses")).toContain("7. Test Driven Bots — Course, $25.00");
      const library = t.reply("/mycourses", 1);
      expect(library).toContain("7. Test Driven Bots — yours for good");
      expect(library).toContain("🔓 #vip");

      const revoked = t.reply("/revoke member 7");
      expect(revoked).toContain("Member no longer has Test Driven Bots");
      expect(revoked).toContain("[#vip] member was removed from the channel");
      expect(t.reply("/channel", 2)).toContain("#vip: (empty)");
      expect(t.reply("/mycourses", 2)).toContain("You don't own anything yet.");
    },
    SESSION_TIMEOUT_MS,
  );

  it(
    "a restart keeps purchases, lets entitled members back into the channel, and does not seed twice",
    async () => {
      const env = await freshDatabase();
      const first = await converse(
        [
          "/as alice",
          "/buy 1",
          "/as creator",
          "/confirm 1",
          "/as member",
          "/buy 1",
          "/as creator",
          "/confirm 2",
          "/channel",
        ],
        env,
      );
      expect(first.reply("/channel")).toContain("#members-lounge: alice, member");

      const second = await converse(["/mycourses", "/channel", "/courses"], env);
      // The console's channels live in memory, so they start empty: the start-up sweep puts the members back —
      // you by name, the others as one count (a simulated community would print hundreds of lines).
      expect(second.preamble).toContain("[#members-lounge] member joined the channel");
      expect(second.preamble).toContain("[#members-lounge] 1 other member let back in (/channel lists them)");
      expect(second.preamble).not.toContain("alice joined");
      expect(second.reply("/mycourses")).toContain("1. Python for Data Analysis — yours for good");
      expect(second.reply("/channel")).toContain("#members-lounge: alice, member");
      const catalog = second.reply("/courses");
      expect(catalog).toContain("6. Data & AI bundle");
      expect(catalog).not.toContain("7.");
      expect(catalog.match(/Python for Data Analysis/g)).toHaveLength(1);
    },
    SESSION_TIMEOUT_MS * 2,
  );
});
