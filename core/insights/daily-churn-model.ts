/**
 * The churn model of the day: trained at most once a day per process and kept in `modelFile` (when set) so a
 * restart or another worker the same day reuses it instead of training again. Two workers training at once
 * both get the same model (training is seeded), so the race costs time, never consistency.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { CoreContext } from "../context.js";
import { trainCommunityChurnModel } from "./assess-churn-risk.js";
import { type ChurnModel, parseChurnModel } from "./churn-model.js";
import type { ChurnSettings } from "./churn-settings.js";
import type { CommunityHistory } from "./load-member-history.js";

export interface DailyChurnModel {
  /** The UTC day it was trained for (`2024-06-30`). */
  day: string;
  /** What ChurnScore.modelVersion records: kind, day and a hash of the model. */
  version: string;
  model: ChurnModel;
}

/** Per database client: tests open several databases in one process. */
const inMemory = new WeakMap<object, DailyChurnModel>();

/** The UTC day of a moment, `YYYY-MM-DD`. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * The model for `asOf`'s day: from memory, else from `settings.modelFile`, else trained on `history` now.
 *
 * @example const { model, version } = await dailyChurnModel(ctx, { history, asOf, settings })
 */
export async function dailyChurnModel(
  ctx: CoreContext,
  options: { history: CommunityHistory; asOf: Date; settings: ChurnSettings },
): Promise<DailyChurnModel> {
  const { history, asOf, settings } = options;
  const day = utcDay(asOf);
  const cached = inMemory.get(ctx.prisma);
  if (cached?.day === day) return cached;
  const stored = settings.modelFile ? await readStored(ctx, settings.modelFile, day) : null;
  if (stored) {
    inMemory.set(ctx.prisma, stored);
    return stored;
  }
  const started = performance.now();
  const model = trainCommunityChurnModel(history, asOf.getTime(), settings);
  const json = JSON.stringify(model);
  const trained: DailyChurnModel = {
    day,
    version: `${model.kind}-${day}-${createHash("sha256").update(json).digest("hex").slice(0, 8)}`,
    model,
  };
  ctx.log.info(
    {
      kind: model.kind,
      members: model.training.members,
      churnRate: model.training.churnRate,
      validation: model.training.validation,
      ms: Math.round(performance.now() - started),
    },
    "churn model trained",
  );
  inMemory.set(ctx.prisma, trained);
  if (settings.modelFile) {
    // Written beside and renamed over: a reader never sees half a file.
    await mkdir(path.dirname(settings.modelFile), { recursive: true });
    const temporary = `${settings.modelFile}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ day, version: trained.version, model: json }));
    await rename(temporary, settings.modelFile);
  }
  return trained;
}

async function readStored(ctx: CoreContext, file: string, day: string): Promise<DailyChurnModel | null> {
  try {
    const stored = JSON.parse(await readFile(file, "utf8")) as { day: string; version: string; model: string };
    if (stored.day !== day) return null;
    return { day, version: stored.version, model: parseChurnModel(stored.model) };
  } catch (error) {
    // Missing on a first run; unreadable after a crash or an upgrade: trained again either way.
    if ((error as { code?: string }).code !== "ENOENT")
      ctx.log.warn({ file, err: error instanceof Error ? error.message : String(error) }, "churn model not reused");
    return null;
  }
}
