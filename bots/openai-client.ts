/**
 * One OpenAI SDK client per adapter, created on its first request: importing `openai` costs about 140 ms of start-up
 * (measured with `npm run bench:startup`), paid now only by a process that sends a request to a model, and never by
 * one without OPENAI_* settings.
 *
 * @example const client = lazyOpenAi({ apiKey, timeout: 10_000, maxRetries: 0 }); (await client()).moderations…
 */
import type OpenAI from "openai";

export function lazyOpenAi(options: {
  apiKey: string;
  baseURL?: string;
  timeout: number;
  maxRetries: number;
}): () => Promise<OpenAI> {
  let client: Promise<OpenAI> | null = null;
  return () => {
    if (!client) {
      const created = import("openai").then(({ default: OpenAI }) => new OpenAI(options));
      // A failed import is tried again by the next request rather than remembered.
      created.catch(() => {
        if (client === created) client = null;
      });
      client = created;
    }
    return client;
  };
}
