/**
 * A minimal, fast fake Bot API for the commands benchmark: it must never be the bottleneck, so it stores nothing
 * but counters. It answers getMe, setMyCommands, deleteWebhook, setWebhook, answerCallbackQuery and sendMessage
 * (every other method: `true`), hands queued updates out through long-polling getUpdates, and reports each
 * sendMessage's chat id to `onReply` the moment it arrives. Replies that are Lyceum's apology for a failed update are
 * counted apart ("sendMessage: something went wrong"), so a run that fails fast cannot pass for a fast run.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "grammy/types";
import { messages } from "../core/i18n/index.js";

export const BENCH_TOKEN = "123456:bench-commands-token";

/** Lyceum's apology for a failed update: replies carrying it are counted, so a fast run of errors shows as one. */
const APOLOGY = messages("en").errors.INTERNAL({});

export interface CommandsFake {
  apiRoot: string;
  /** Polling mode: queue an update for the next getUpdates. */
  push(update: Update): void;
  onReply: ((chatId: number, at: number) => void) | null;
  counts: Record<string, number>;
  close(): Promise<void>;
}

interface Waiter {
  limit: number;
  respond: (updates: Update[]) => void;
}

export async function startCommandsFake(): Promise<CommandsFake> {
  let queue: Update[] = [];
  let waiter: Waiter | null = null;
  let messageId = 0;
  const counts: Record<string, number> = {};
  const fake: CommandsFake = {
    apiRoot: "",
    onReply: null,
    counts,
    push(update) {
      queue.push(update);
      if (waiter) {
        const w = waiter;
        waiter = null;
        w.respond(queue.slice(0, w.limit));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const send = (res: ServerResponse, result: unknown) => {
    const body = JSON.stringify({ ok: true, result });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const method = req.url?.slice(req.url.lastIndexOf("/") + 1) ?? "";
    counts[method] = (counts[method] ?? 0) + 1;
    const params = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
    switch (method) {
      case "sendMessage": {
        const chatId = Number(params.chat_id);
        fake.onReply?.(chatId, performance.now());
        if (typeof params.text === "string" && params.text.includes(APOLOGY)) {
          counts["sendMessage: something went wrong"] = (counts["sendMessage: something went wrong"] ?? 0) + 1;
        }
        send(res, {
          message_id: ++messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: "private", first_name: "m" },
          text: "",
        });
        return;
      }
      case "getMe":
        send(res, {
          id: 1,
          is_bot: true,
          first_name: "Bench",
          username: "bench_bot",
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        });
        return;
      case "getUpdates": {
        const offset = Number(params.offset ?? 0);
        const limit = Number(params.limit ?? 100);
        if (offset) {
          let drop = 0;
          while (drop < queue.length && queue[drop]!.update_id < offset) drop += 1;
          if (drop) queue = queue.slice(drop);
        }
        if (queue.length) return send(res, queue.slice(0, limit));
        // Long polling: answer when an update comes, or empty after the timeout.
        const timer = setTimeout(
          () => {
            if (waiter?.respond === respond) waiter = null;
            respond([]);
          },
          Number(params.timeout ?? 0) * 1000,
        );
        const respond = (updates: Update[]) => {
          clearTimeout(timer);
          send(res, updates);
        };
        waiter?.respond([]);
        waiter = { limit, respond };
        return;
      }
      default:
        send(res, true);
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
