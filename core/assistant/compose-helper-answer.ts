/**
 * The answer helper's decision for one question, before anything is stored or sent: retrieve; abstain when the
 * material does not answer; otherwise keep apart what the asker may not read, and answer from what they may — with
 * the model when one is configured (checked citations, bounded time), else, or when the model fails, by quoting the
 * best sentences. Paywalled text never reaches the model or the answer: only LockedPassage pointers do.
 */
import type { Role } from "../../prisma/generated/enums.js";
import type { CoreContext } from "../context.js";
import { answerRequest } from "./answer-prompt.js";
import { assistantSettings } from "./assistant-settings.js";
import { checkCitations } from "./check-citations.js";
import { inQuestionLanguage, type LockedPassage, type ReadablePassage } from "./helper-passage.js";
import { type AnswerLanguage, questionLanguage } from "./question-language.js";
import { quotePassages } from "./quote-passages.js";
import { retrievePassages } from "./retrieve-passages.js";
import { splitPassagesByAccess } from "./split-passages-by-access.js";

/** Passages retrieved per question: the model and the quotes see at most this many. */
const PASSAGES_PER_QUESTION = 4;

/** `tokens`: what the model spent on it (prompt + completion), 0 when no model was asked. */
export type HelperAnswer = (
  | {
      kind: "answered";
      language: AnswerLanguage;
      /** The answer's text with its [n] citations: the model's, or quotes of the passages. */
      body: string;
      via: "model" | "retrieval";
      /** The readable passages the body cites, by number. */
      cited: ReadablePassage[];
      locked: LockedPassage[];
    }
  /** The material covers it, but only in lessons the asker may not read: pointers and Buy buttons, no text. */
  | { kind: "locked"; language: AnswerLanguage; locked: LockedPassage[] }
  /** The material does not answer it (retrieval abstained, or the model said so): "I don't know", escalated. */
  | { kind: "abstained"; language: AnswerLanguage; reason: "RETRIEVAL" | "MODEL"; locked: LockedPassage[] }
) & { tokens?: number };

/** The model's answer cut to the limit at a sentence end when one is near. */
function capLength(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars - 1);
  const end = Math.max(cut.lastIndexOf(". "), cut.lastIndexOf("。"), cut.lastIndexOf("\n"));
  return end > maxChars / 2 ? cut.slice(0, end + 1) : `${cut}…`;
}

/** Rejects after `ms`, so a model that hangs cannot hold the answer longer than the setting says. */
function withinTime<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * @example const answer = await composeHelperAnswer(ctx, { member, question: "How do joins match rows?" })
 */
export async function composeHelperAnswer(
  ctx: CoreContext,
  options: {
    member: { id: number; role: Role };
    question: string;
    /** False when the day's token budget is spent: the helper quotes the material instead of asking the model. */
    useModel?: boolean;
  },
): Promise<HelperAnswer> {
  const settings = assistantSettings(ctx);
  const language = questionLanguage(options.question);
  const retrieved = await retrievePassages({
    prisma: ctx.prisma,
    question: options.question,
    embeddings: settings.embeddings,
    encoder: settings.sentenceEncoder,
    limit: PASSAGES_PER_QUESTION,
  });
  if (retrieved.abstained) return { kind: "abstained", language, reason: "RETRIEVAL", locked: [] };
  const { readable, locked } = await splitPassagesByAccess(ctx, {
    member: options.member,
    passages: retrieved.passages,
  });
  if (readable.length === 0) {
    return locked.length
      ? { kind: "locked", language, locked }
      : { kind: "abstained", language, reason: "RETRIEVAL", locked: [] };
  }

  const model = options.useModel === false ? null : settings.languageModel;
  let tokens = 0;
  if (model) {
    const request = answerRequest({
      question: options.question,
      passages: readable.map((passage) => ({
        number: passage.number,
        title: passage.label[language],
        section: passage.section,
        text: passage.text,
      })),
      language,
      maxTokens: settings.maxAnswerTokens,
      timeoutMs: settings.modelTimeoutMs,
    });
    try {
      const completion = await withinTime(model.complete(request), settings.modelTimeoutMs);
      ctx.log.info({ model: model.model, ...completion.usage }, "answer helper used the model");
      tokens = completion.usage.promptTokens + completion.usage.completionTokens;
      const checked = checkCitations(completion.text, { passages: readable.length, language });
      if (checked.ok) {
        return {
          kind: "answered",
          language,
          body: capLength(checked.text, settings.maxAnswerChars),
          via: "model",
          cited: readable.filter((passage) => checked.cited.includes(passage.number)),
          locked,
          tokens,
        };
      }
      // Said it does not know, or cited nothing it was given: an honest abstention beats an uncited claim.
      if (checked.reason !== "WRONG_LANGUAGE") return { kind: "abstained", language, reason: "MODEL", locked, tokens };
      ctx.log.warn({ model: model.model }, "the model answered in another language; answering from retrieval");
    } catch (error) {
      // Only the kind of failure is logged: an SDK error can carry request details.
      ctx.log.warn(
        { model: model.model, reason: error instanceof Error ? error.name : "unknown" },
        "the model did not answer; answering from retrieval",
      );
    }
  }
  // Quoted, a bilingual lesson is cited once, in the question's language (the model above reads both and answers in
  // the question's language anyway).
  const quotable = inQuestionLanguage(readable, language);
  const body = quotePassages(options.question, quotable, { maxChars: settings.maxAnswerChars });
  const quoted = quotable.filter((passage) => body.includes(`[${passage.number}]`));
  if (quoted.length === 0) return { kind: "abstained", language, reason: "RETRIEVAL", locked, tokens };
  return { kind: "answered", language, body, via: "retrieval", cited: quoted, locked, tokens };
}
