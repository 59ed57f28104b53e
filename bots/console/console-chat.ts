/**
 * The terminal chat: one line in, the product's reply out. Works typed or piped
 * (`printf '/courses\n/buy 1\n' | npm start`). Lines are handled one after another, and background work a line
 * started (payments turning into access, notifications) finishes before the next line, so a script reads like a
 * conversation.
 *
 * Console-only commands (they are about who is typing, not about the product):
 *   /as <name>   act as another person (`/as creator` is the owner by default)
 *   /whoami      who you are now
 *   /channel     who is inside each paid channel
 *   /sweep       run the expiry and reconciler sweep now
 *   /block, /unblock   pretend the current user blocked the bot (personal messages fail)
 *   /attach <path> [| caption]   send a file from this machine, as a photo or file sent in a chat (also `file: <path>`)
 */
import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { fileKindOf, MAX_ATTACHMENT_BYTES } from "../../core/content/lesson-attachments.js";
import type { CoreContext } from "../../core/context.js";
import { handleChatRequest } from "../../core/conversation/handle-request.js";
import { type ChatInput, type IncomingFile, parseCommand } from "../../core/conversation/request.js";
import { stripControlCharacters } from "../../core/text.js";
import type { ConsoleGateway } from "./console-gateway.js";
import { saveLessonFiles, saveReplyDocuments } from "./console-lesson.js";
import type { ConsoleTexts } from "./console-texts.js";
import { type Choice, renderForTerminal } from "./render.js";

export interface ConsoleChatOptions {
  ctx: CoreContext;
  gateway: ConsoleGateway;
  input: Readable;
  print: (text: string) => void;
  /** Waits for background jobs the last line started. */
  settle: () => Promise<void>;
  /** Runs the access sweep (expiry + reconciler). */
  sweep: () => Promise<void>;
  user: { current: string };
  languageCode: string | null;
  color: boolean;
  interactive: boolean;
  texts: ConsoleTexts;
}

export async function runConsoleChat(options: ConsoleChatOptions): Promise<void> {
  const { ctx, print, user, texts } = options;
  let choices: Choice[] = [];
  // A message pushed to you (a payment notice, a nudge) comes after the reply: its numbers are the ones on screen.
  options.gateway.onChoices = (pushed) => {
    choices = pushed;
  };
  const lines = createInterface({ input: options.input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  const prompt = () => {
    if (options.interactive) process.stdout.write(`${user.current}> `);
  };
  print(texts.banner(user.current, options.interactive));
  prompt();
  for await (const rawLine of lines) {
    // What a person typed: control characters (terminal escapes, NUL) go at the edge, before the core sees it.
    const line = stripControlCharacters(rawLine).trim();
    if (!line) {
      prompt();
      continue;
    }
    if (!options.interactive) print(`${user.current}> ${line}`);
    const handled = await consoleCommand(line, options);
    if (handled === "quit") break;
    if (!handled) {
      let input: ChatInput;
      const picked = /^\d{1,2}$/.test(line) ? choices[Number(line) - 1] : undefined;
      if (picked && "url" in picked) {
        print(texts.openLink(picked.url));
        prompt();
        continue;
      }
      const attached = fileLine(line);
      if (picked) input = { kind: "action", data: picked.action };
      else if (attached) {
        const file = await readLocalFile(attached.path, attached.caption);
        if (typeof file === "string") {
          print(texts.noFile(file));
          prompt();
          continue;
        }
        input = { kind: "file", file };
      } else input = parseCommand(line) ?? { kind: "text", text: line };
      const reply = await handleChatRequest(ctx, {
        user: {
          platform: "CONSOLE",
          externalId: user.current,
          displayName: displayName(user.current),
          username: user.current,
          languageCode: options.languageCode,
          chatId: user.current,
        },
        chat: { id: user.current, kind: "private" },
        input,
      });
      const files = await saveLessonFiles(reply, options.gateway.lessonFiles);
      const documents = await saveReplyDocuments(reply, options.gateway.lessonFiles);
      const rendered = renderForTerminal(reply, { color: options.color, files, documents });
      choices = rendered.choices;
      print(rendered.text);
    } else {
      choices = [];
    }
    await options.settle();
    prompt();
  }
  lines.close();
}

/** `/attach <path> [| caption]` or `file: <path> [| caption]`; null for any other line. */
function fileLine(line: string): { path: string; caption?: string } | null {
  const match = /^(?:\/attach(?:@\S+)?|file:)\s+(.+)$/i.exec(line);
  if (!match) return null;
  const [target = "", ...caption] = match[1]!.split("|");
  return { path: target.trim(), caption: caption.join("|").trim() || undefined };
}

/**
 * The console is the creator's own machine: the file is read here, at the edge, and handed to the core as bytes
 * (the core never reads paths). Returns the path when there is no readable file of a sendable size.
 */
async function readLocalFile(target: string, caption: string | undefined): Promise<IncomingFile | string> {
  const absolute = path.resolve(target.replace(/^~(?=\/)/, homedir()));
  const info = await stat(absolute).catch(() => null);
  if (!info?.isFile() || info.size > MAX_ATTACHMENT_BYTES) return target;
  const fileName = path.basename(absolute);
  return { ...fileKindOf(fileName), fileName, caption, data: new Uint8Array(await readFile(absolute)) };
}

function displayName(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

async function consoleCommand(line: string, options: ConsoleChatOptions): Promise<boolean | "quit"> {
  const command = parseCommand(line);
  if (!command) return false;
  const { print, user, gateway, texts } = options;
  switch (command.name) {
    case "as": {
      const name = command.args[0]?.toLowerCase();
      if (!name || !/^[\w.-]{1,32}$/.test(name)) {
        print(texts.asUsage);
      } else {
        user.current = name;
        print(texts.nowYou(name));
      }
      return true;
    }
    case "whoami":
      print(texts.youAre(user.current));
      return true;
    case "channel": {
      const gates = await options.ctx.prisma.gate.findMany({ where: { platform: "CONSOLE" }, orderBy: { id: "asc" } });
      if (gates.length === 0) print(texts.noChannel);
      for (const gate of gates) {
        const inside = [...(gateway.channels.get(gate.externalId) ?? [])].sort();
        print(`${gate.title}: ${inside.length ? inside.join(", ") : texts.empty}`);
      }
      return true;
    }
    case "sweep":
      await options.sweep();
      print(texts.swept);
      return true;
    case "block":
      gateway.blocked.add(user.current);
      print(texts.blocked(user.current));
      return true;
    case "unblock":
      gateway.blocked.delete(user.current);
      print(texts.unblocked(user.current));
      return true;
    case "quit":
    case "exit":
      return "quit";
    default:
      return false;
  }
}
