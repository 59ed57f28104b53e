/**
 * `npm run simulate -- [--members 300] [--days 90] [--seed 1] [--truth FILE]`: fills the database with a living
 * community (members who learn, buy, renew, fail to renew, cancel, ask and answer, and some who fade away), through
 * the product's own use cases, on DATABASE_URL or the embedded database (LYCEUM_DATA_DIR/pglite), .env loaded as for
 * `npm start`. An empty catalog gets the demo catalog first. Then `npm start` shows the community in the console.
 *
 * The simulator's truth (who it made leave) is written as JSON to FILE (default: LYCEUM_DATA_DIR/simulation-truth.json,
 * `.data/` without it). Exit codes: 0 done, 2 refused (usage, embedded database in use, seed already simulated), 1 failed.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import type { SimulationSummary } from "../core/simulation/simulate-community.js";
import { openDatabase } from "../prisma/database.js";
import { runSimulation } from "./simulation-run.js";
import { loadEnvFile } from "./startup/env-file.js";
import { classifyFailure, failureLines } from "./startup/startup-error.js";
import { operatorLanguage } from "./startup/startup-texts.js";

const texts = {
  en: {
    usage: "usage: npm run simulate -- [--members 300] [--days 90] [--seed 1] [--truth FILE]",
    inUse: (dir: string) =>
      `The embedded database in ${dir} is open (postmaster.pid): stop Lyceum first, or set DATABASE_URL.`,
    already: (seed: number) =>
      `Seed ${seed} was simulated on this database already: use another --seed, or an empty database.`,
    seeded: "The catalog was empty: the demo catalog (content/demo) was imported first.",
    progress: (day: number, days: number, purchases: number, opens: number) =>
      `day ${day}/${days}: ${purchases} purchases, ${opens} lessons opened so far`,
    summary: (s: SimulationSummary) =>
      [
        `Simulated ${s.members} members (${s.stayers} stayers, ${s.leavers} leavers, ${s.goneByEnd} of them gone by the end).`,
        `Purchases: ${s.purchases} (${s.subscriptionsStarted} subscriptions), ${s.abandonedCheckouts} checkouts abandoned, ${s.priceWalkaways} put off by the price test's higher price.`,
        `Renewals: ${s.renewals} paid (${s.recoveredRenewals} after a failed charge), ${s.failedRenewals} failed, ${s.cancellations} subscriptions ended.`,
        `Learning: ${s.lessonOpens} lessons opened, ${s.previewOpens} previews, ${s.lessonCompletions} completed.`,
        `Q&A: ${s.questions} questions, ${s.answers} answers. Activity log: ${s.activityEvents} events.`,
        `Daily messages (last 4 weeks, weekly): ${s.nudgesSent} sent, ${s.nudgesHeldOut} held out, ${s.nudgesTapped} tapped, ${s.nudgePurchases} purchases after a tap.`,
      ].join("\n"),
    insights: (scored: number, recommended: number) =>
      `Churn risk scored for ${scored} current members; recommendations for ${recommended} members.`,
    truth: (file: string) => `The simulator's truth (who it made leave) is in ${file}.`,
    next: "Now run `npm start` and look around: /courses and /foryou as a member; /as creator, then /atrisk and /experiments.",
    failed: (reason: string) => `The simulation failed: ${reason}`,
  },
  zh: {
    usage: "用法：npm run simulate -- [--members 300] [--days 90] [--seed 1] [--truth 文件]",
    inUse: (dir: string) => `${dir} 中的内嵌数据库正被打开（postmaster.pid）：请先停止 Lyceum，或设置 DATABASE_URL。`,
    already: (seed: number) => `这个数据库已经模拟过种子 ${seed}：请换一个 --seed，或使用空数据库。`,
    seeded: "目录为空：已先导入演示目录（content/demo）。",
    progress: (day: number, days: number, purchases: number, opens: number) =>
      `第 ${day}/${days} 天：已购买 ${purchases} 次，已打开 ${opens} 节课`,
    summary: (s: SimulationSummary) =>
      [
        `模拟了 ${s.members} 名会员（留下 ${s.stayers} 名，离开 ${s.leavers} 名，其中 ${s.goneByEnd} 名到结束时已不再活跃）。`,
        `购买：${s.purchases} 次（其中订阅 ${s.subscriptionsStarted} 个），放弃结账 ${s.abandonedCheckouts} 次，因价格测试的较高价格放弃 ${s.priceWalkaways} 次。`,
        `续费：成功 ${s.renewals} 次（其中扣款失败后补缴 ${s.recoveredRenewals} 次），失败 ${s.failedRenewals} 次，结束订阅 ${s.cancellations} 个。`,
        `学习：打开课程 ${s.lessonOpens} 次，试看 ${s.previewOpens} 次，完成 ${s.lessonCompletions} 节。`,
        `问答：提问 ${s.questions} 个，回答 ${s.answers} 个。活动日志：${s.activityEvents} 条。`,
        `每日消息（最近 4 周，每周一次）：发送 ${s.nudgesSent} 条，留出对照 ${s.nudgesHeldOut} 人，点按 ${s.nudgesTapped} 次，点按后购买 ${s.nudgePurchases} 次。`,
      ].join("\n"),
    insights: (scored: number, recommended: number) =>
      `已为 ${scored} 名当前会员计算流失风险；已为 ${recommended} 名会员生成推荐。`,
    truth: (file: string) => `模拟器的真实答案（哪些会员被安排离开）已写入 ${file}。`,
    next: "现在运行 `npm start` 看看：以会员身份试试 /courses 和 /foryou；/as creator 之后试试 /atrisk 和 /experiments。",
    failed: (reason: string) => `模拟失败：${reason}`,
  },
};

const say = texts[operatorLanguage()];
const print = (line: string) => process.stdout.write(`${line}\n`);
const refuse = (line: string): never => {
  process.stderr.write(`${line}\n`);
  process.exit(2);
};

try {
  loadEnvFile();
} catch (error) {
  refuse(failureLines(classifyFailure(error), operatorLanguage()).join("\n"));
}

let values: { members?: string; days?: string; seed?: string; truth?: string };
try {
  ({ values } = parseArgs({
    options: {
      members: { type: "string" },
      days: { type: "string" },
      seed: { type: "string" },
      truth: { type: "string" },
    },
  }));
} catch {
  refuse(say.usage);
}
const whole = (text: string | undefined, fallback: number, min: number, max: number): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max ? value : refuse(say.usage);
};
const members = whole(values!.members, 300, 1, 100_000);
const days = whole(values!.days, 90, 1, 3_650);
const seed = whole(values!.seed, 1, 0, 2 ** 31 - 1);

const url = process.env.DATABASE_URL?.trim() || undefined;
const dataRoot = path.resolve(process.env.LYCEUM_DATA_DIR?.trim() || ".data");
const dataDir = path.join(dataRoot, "pglite");
const truthFile = path.resolve(values!.truth ?? path.join(dataRoot, "simulation-truth.json"));
if (!url && existsSync(path.join(dataDir, "postmaster.pid"))) refuse(say.inUse(dataDir));

let exitCode = 0;
try {
  const db = await openDatabase({ url, dataDir });
  try {
    const step = Math.max(1, Math.round(days / 10));
    const result = await runSimulation({
      db,
      members,
      days,
      seed,
      onDay: (day, tallies) => {
        if ((day + 1) % step === 0 && day + 1 < days) {
          print(say.progress(day + 1, days, tallies.purchases, tallies.lessonOpens));
        }
      },
    });
    if (!result.ok) {
      process.stderr.write(`${say.already(seed)}\n`);
      exitCode = 2;
    } else {
      if (result.seededDemo) print(say.seeded);
      print(say.summary(result.summary));
      print(say.insights(result.churnScored, result.recommended));
      await mkdir(path.dirname(truthFile), { recursive: true });
      await writeFile(truthFile, `${JSON.stringify({ summary: result.summary, ...result.truth }, null, 2)}\n`);
      print(say.truth(truthFile));
      print(say.next);
    }
  } finally {
    await db.close();
  }
} catch (error) {
  process.stderr.write(`${say.failed(error instanceof Error ? error.message : String(error))}\n`);
  exitCode = 1;
}
process.exit(exitCode);
