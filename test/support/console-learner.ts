/**
 * The console chat for the learning journeys, in process: the real chat loop (bots/console/console-chat.ts), the real
 * console gateway and renderer, lesson files written under a temporary folder, on the use-case harness's database
 * and jobs. Lines go in one at a time, and each resolves once its reply was printed and its background work settled
 * (the loop calls `settle` after every line), so a test reads one turn at a time the way a person at the terminal
 * does. Buttons are pressed by typing their number, as a person does.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { runConsoleChat } from "../../bots/console/console-chat.js";
import { ConsoleGateway } from "../../bots/console/console-gateway.js";
import { consoleTexts } from "../../bots/console/console-texts.js";
import { attachmentStore } from "../../core/learning/attachments.js";
import type { Harness } from "./harness.js";
import type { LearnerDriver } from "./learning-journey.js";

export interface ConsoleChat {
  /** Where the console wrote lesson files. */
  filesDir: string;
  /** Types a line as the current user; resolves with everything printed in answer. */
  type(line: string): Promise<string>;
  /** A member at the console (`/as <name>` before each of their turns). */
  learner(name: string): LearnerDriver;
  close(): Promise<void>;
}

/** `  [1] Mark done   [2] Next ▶` → ["Mark done", "Next ▶"] with their numbers, from the last button lines. */
function choicesIn(output: string): { n: string; label: string }[] {
  const choices: { n: string; label: string }[] = [];
  for (const line of output.split("\n")) {
    if (!/^ {2}\[\d+\] /.test(line)) continue;
    for (const cell of line.trim().split(/ {3}(?=\[\d+\] )/)) {
      const match = /^\[(\d+)\] (.*)$/.exec(cell);
      if (match) choices.push({ n: match[1]!, label: match[2]!.replace(/ → .*$/, "") });
    }
  }
  return choices;
}

export async function startConsoleChat(h: Harness): Promise<ConsoleChat> {
  const filesDir = await mkdtemp(path.join(tmpdir(), "lyceum-console-lessons-"));
  const printed: string[] = [];
  const print = (text: string) => printed.push(text);
  const user = { current: "member" };
  const gateway = new ConsoleGateway(print, () => user.current, false, consoleTexts.en);
  gateway.lessonFiles = { store: attachmentStore(h.ctx), dir: filesDir };
  h.ctx.gateways.CONSOLE = gateway;
  const input = new PassThrough();
  let turnSettled: (() => void) | null = null;
  const loop = runConsoleChat({
    ctx: h.ctx,
    gateway,
    input,
    print,
    settle: async () => {
      await h.jobs.idle();
      turnSettled?.();
    },
    sweep: () => h.sweep(),
    user,
    languageCode: "en",
    color: false,
    interactive: false,
    texts: consoleTexts.en,
  });

  const type = async (line: string) => {
    const mark = printed.length;
    const settled = new Promise<void>((resolve) => {
      turnSettled = resolve;
    });
    input.write(`${line}\n`);
    await settled;
    turnSettled = null;
    return printed.slice(mark).join("\n");
  };

  return {
    filesDir,
    type,
    learner(name) {
      let last = "";
      const as = async (line: string) => {
        if (user.current !== name) await type(`/as ${name}`);
        last = await type(line);
        return last;
      };
      const media: { caption: string; fileName: string }[] = [];
      const collect = (output: string) => {
        for (const match of output.matchAll(/^(?:🖼|📎) (?:(.*) — )?(\/\S+)$/gm)) {
          media.push({ caption: match[1] ?? "", fileName: match[2]! });
        }
        return output;
      };
      return {
        async buy(productId) {
          await as(`/buy ${productId}`);
          const order = await h.db.prisma.order.findFirstOrThrow({
            where: { member: { accounts: { some: { platform: "CONSOLE", externalId: name } } } },
            orderBy: { id: "desc" },
          });
          await type("/as creator");
          const confirmed = await type(`/confirm ${order.id}`);
          if (!confirmed.includes(`#${order.id}`)) throw new Error(`the creator could not confirm:\n${confirmed}`);
        },
        async command(command, args = []) {
          return collect(await as([`/${command}`, ...args].join(" ")));
        },
        async press(label) {
          const choice = choicesIn(last).find((c) => c.label === label);
          if (!choice) throw new Error(`no choice "${label}" in the last reply:\n${last}`);
          return collect(await as(choice.n));
        },
        buttons() {
          return choicesIn(last).map((c) => c.label);
        },
        media() {
          return [...media];
        },
      };
    },
    async close() {
      input.end();
      await loop;
      await rm(filesDir, { recursive: true, force: true });
    },
  };
}
