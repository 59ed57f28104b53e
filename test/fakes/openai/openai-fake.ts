/**
 * A local OpenAI-compatible server for tests: chat completions (`POST /v1/chat/completions`), embeddings
 * (`POST /v1/embeddings`, the same deterministic vectors as embeddings-fake.ts) and moderation (`POST
 * /v1/moderations`: flags any input holding one of `flaggedTerms`, under the category `harassment`). It records every chat request it
 * received (the prompts the model would have read) and can play a model that is down (HTTP 500), slow (answers
 * after a delay) or scripted (a function of the request).
 *
 * By default it answers like a well-behaved model: it reads the JSON between <data> and </data>, takes the first
 * sentence of passage 1 and cites it as [1], in Chinese when the system prompt asks for Chinese.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { embeddingsAnswer } from "./embeddings-fake.js";

export interface ChatRequestRecord {
  model: string;
  messages: { role: string; content: string }[];
  /** Whatever else the client sent (tools would show up here: the helper never sends any). */
  body: Record<string, unknown>;
}

/** The data block the helper puts in the user message. */
export interface PromptData {
  question: string;
  passages: { number: number; title: string; section: string; text: string }[];
}

export type ChatScript = (request: ChatRequestRecord, data: PromptData | null) => string;

export interface FakeOpenAiServer {
  baseUrl: string;
  /** Every chat request received, in order. */
  chats: ChatRequestRecord[];
  /** Every embeddings input received, in order. */
  embeddingInputs: string[];
  /** "down": 500 to everything; "slow": answers after `slowMs`. */
  mode: "ok" | "down" | "slow";
  slowMs: number;
  /** Replaces the default answer; null restores it. */
  script: ChatScript | null;
  /** Every moderation input received, in order. */
  moderationInputs: string[];
  /** Inputs containing any of these (case-insensitively) are flagged by /v1/moderations. */
  flaggedTerms: string[];
  /** Everything any chat request carried (system and user messages), for "never in a prompt" checks. */
  promptText(): string;
  /** Back to a fresh server's state (answering, default script, nothing recorded, nothing flagged): between tests. */
  reset(): void;
  close(): Promise<void>;
}

/** The <data> JSON of a helper prompt, or null when there is none. */
export function promptData(request: ChatRequestRecord): PromptData | null {
  const user = request.messages.find((message) => message.role === "user")?.content ?? "";
  const match = /<data>\n([\s\S]*)\n<\/data>/.exec(user);
  return match ? (JSON.parse(match[1]!) as PromptData) : null;
}

/** What a careful model would say: passage 1's first sentence, cited, in the language the system prompt asks for. */
export const defaultChatScript: ChatScript = (request, data) => {
  const first = data?.passages[0];
  if (!first) return "NO_ANSWER";
  const sentence = first.text.split(/(?<=[.!?。！？])\s*/)[0]?.trim() ?? first.text;
  const system = request.messages.find((message) => message.role === "system")?.content ?? "";
  return system.includes("Simplified Chinese")
    ? `根据课程资料：${sentence} [${first.number}]`
    : `According to the material: ${sentence} [${first.number}]`;
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => resolve(body));
  });
}

function json(response: ServerResponse, status: number, payload: unknown): void {
  if (response.destroyed) return;
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(payload));
}

export async function startFakeOpenAiServer(): Promise<FakeOpenAiServer> {
  const state = {
    chats: [] as ChatRequestRecord[],
    embeddingInputs: [] as string[],
    moderationInputs: [] as string[],
    flaggedTerms: [] as string[],
    mode: "ok" as FakeOpenAiServer["mode"],
    slowMs: 5_000,
    script: null as ChatScript | null,
  };
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    if (state.mode === "down") {
      json(response, 500, { error: { message: "the model is down", type: "server_error" } });
      return;
    }
    const payload = JSON.parse(body || "{}") as Record<string, unknown>;
    if (request.method === "POST" && request.url?.endsWith("/embeddings")) {
      const answer = embeddingsAnswer(payload);
      state.embeddingInputs.push(...answer.inputs);
      json(response, 200, answer.body);
      return;
    }
    if (request.method === "POST" && request.url?.endsWith("/moderations")) {
      const input = payload.input as string | string[];
      const inputs = Array.isArray(input) ? input : [input];
      state.moderationInputs.push(...inputs);
      const results = inputs.map((text) => {
        const flagged = state.flaggedTerms.some((term) => text.toLowerCase().includes(term.toLowerCase()));
        return {
          flagged,
          categories: { harassment: flagged, violence: false },
          category_scores: { harassment: flagged ? 0.98 : 0.01, violence: 0.01 },
        };
      });
      json(response, 200, { id: `modr-${state.moderationInputs.length}`, model: payload.model, results });
      return;
    }
    if (request.method !== "POST" || !request.url?.endsWith("/chat/completions")) {
      json(response, 404, { error: { message: "not found", type: "invalid_request_error" } });
      return;
    }
    const record: ChatRequestRecord = {
      model: String(payload.model),
      messages: (payload.messages as { role: string; content: string }[]) ?? [],
      body: payload,
    };
    state.chats.push(record);
    const text = (state.script ?? defaultChatScript)(record, promptData(record));
    const answer = () =>
      json(response, 200, {
        id: `chatcmpl-${state.chats.length}`,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: record.model,
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
      });
    if (state.mode === "slow") {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, state.slowMs);
      timers.add(timer);
      return;
    }
    answer();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get chats() {
      return state.chats;
    },
    get embeddingInputs() {
      return state.embeddingInputs;
    },
    get moderationInputs() {
      return state.moderationInputs;
    },
    get flaggedTerms() {
      return state.flaggedTerms;
    },
    set flaggedTerms(value) {
      state.flaggedTerms = value;
    },
    get mode() {
      return state.mode;
    },
    set mode(value) {
      state.mode = value;
    },
    get slowMs() {
      return state.slowMs;
    },
    set slowMs(value) {
      state.slowMs = value;
    },
    get script() {
      return state.script;
    },
    set script(value) {
      state.script = value;
    },
    reset() {
      state.chats.length = 0;
      state.embeddingInputs.length = 0;
      state.moderationInputs.length = 0;
      state.flaggedTerms = [];
      state.mode = "ok";
      state.slowMs = 5_000;
      state.script = null;
    },
    promptText() {
      return state.chats.flatMap((chat) => chat.messages.map((message) => message.content)).join("\n");
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
