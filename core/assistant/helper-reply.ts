/**
 * How the helper's answer reads in chat, in the question's language: the answer with its [n] citations, the sources
 * as numbered lines and buttons (a lesson source is the `lesson <course> <n>` command, checked again when pressed),
 * lessons the asker may not read named with a Buy button, or the honest "I don't know" naming who was asked. Every
 * text from the model or the material goes through the catalog's escaping: it is shown, never formatted.
 */
import { formatMoney } from "../commerce/pricing.js";
import type { Button, Reply, ReplyMessage } from "../conversation/reply.js";
import { localized, messages } from "../i18n/index.js";
import { truncateText } from "../text.js";
import type { HelperAnswer } from "./compose-helper-answer.js";
import type { LockedPassage, ReadablePassage } from "./helper-passage.js";

const pick = (language: "en" | "zh", text: { en: string; zh: string }) => localized(language, text.en, text.zh);

function sourceLine(language: "en" | "zh", passage: ReadablePassage): string {
  const m = messages(language).assistant;
  const { target } = passage;
  if (target.kind === "lesson") {
    return m.sourceLesson({
      n: passage.number,
      course: pick(language, target.courseTitle),
      number: target.lessonNumber,
      title: pick(language, target.lessonTitle),
    });
  }
  return m.sourceOther({ n: passage.number, title: pick(language, passage.label) });
}

function sourceButton(language: "en" | "zh", passage: ReadablePassage): Button | null {
  const m = messages(language).assistant;
  const { target } = passage;
  if (target.kind === "lesson") {
    const title = truncateText(pick(language, target.lessonTitle), 30, "…");
    return {
      label: m.buttonSource({ n: passage.number, title }),
      action: `lesson ${target.courseId} ${target.lessonNumber}`,
    };
  }
  if (target.kind === "product") {
    const title = truncateText(pick(language, passage.label), 30, "…");
    return { label: m.buttonSource({ n: passage.number, title }), action: `course ${target.productId}` };
  }
  return null;
}

function lockedLines(language: "en" | "zh", locked: LockedPassage[]): { lines: string[]; buttons: Button[][] } {
  const m = messages(language).assistant;
  const lines: string[] = [];
  const buttons: Button[][] = [];
  const buying = new Set<number>();
  for (const passage of locked) {
    const params = {
      course: pick(language, passage.courseTitle),
      number: passage.lessonNumber,
      title: pick(language, passage.lessonTitle),
    };
    lines.push(passage.reason === "NOT_RELEASED" ? m.lockedLater(params) : m.lockedLine(params));
    // Opening is checked for whoever presses: an owner reads it, anyone else is offered the way in.
    const lesson = { ...params, title: truncateText(params.title, 30, "…") };
    buttons.push([{ label: m.buttonLesson(lesson), action: `lesson ${passage.courseId} ${passage.lessonNumber}` }]);
    if (!passage.buy || buying.has(passage.buy.productId)) continue;
    buying.add(passage.buy.productId);
    const course = truncateText(params.course, 30, "…");
    const { offer } = passage.buy;
    const price =
      offer && (offer.amount > 0 ? formatMoney(offer.amount, offer.currency, language) : messages(language).free);
    const label = price ? m.buttonBuy({ course, price }) : m.buttonRenew({ course });
    buttons.push([{ label, action: `buy ${passage.buy.productId}` }]);
  }
  return { lines, buttons };
}

/**
 * @example await gateway.send(account, helperReply(answer, { creator: "Cora" }))
 */
export function helperReply(answer: HelperAnswer, options: { creator: string | null }): Reply {
  const { language } = answer;
  const m = messages(language).assistant;
  const messagesOut: ReplyMessage[] = [];
  if (answer.kind === "answered") {
    const text = [
      answer.via === "model" ? m.answer({ body: answer.body }) : m.quoted({ body: answer.body }),
      "",
      m.sourcesTitle,
      ...answer.cited.map((passage) => sourceLine(language, passage)),
    ];
    const buttons = answer.cited.flatMap((passage) => {
      const button = sourceButton(language, passage);
      return button ? [[button]] : [];
    });
    const locked = lockedLines(language, answer.locked);
    if (locked.lines.length) text.push("", m.lockedAlso, ...locked.lines);
    messagesOut.push({ text: text.join("\n"), buttons: [...buttons, ...locked.buttons] });
  } else if (answer.kind === "locked") {
    const locked = lockedLines(language, answer.locked);
    messagesOut.push({ text: [m.lockedOnly, ...locked.lines].join("\n"), buttons: locked.buttons });
  } else {
    const text = [m.dontKnow({ creator: options.creator ?? m.theCreator })];
    const locked = lockedLines(language, answer.locked);
    if (locked.lines.length) text.push("", m.lockedAlso, ...locked.lines);
    messagesOut.push({ text: text.join("\n"), buttons: locked.buttons });
  }
  return { messages: messagesOut, locale: language };
}

/**
 * The reply with Helpful / Not helpful under it, for the answer stored as `answerId`: added when the answer is posted
 * (a draft gets them only once approved), in the reply's language.
 *
 * @example await gateway.postInThread(thread, withVoteButtons(reply, answerId))
 */
export function withVoteButtons(reply: Reply, answerId: number): Reply {
  const m = messages(reply.locale ?? "en").qa;
  const row: Button[] = [
    { label: m.buttonHelpful, action: `vote ${answerId} up` },
    { label: m.buttonNotHelpful, action: `vote ${answerId} down` },
  ];
  const last = reply.messages.length - 1;
  return {
    ...reply,
    messages: reply.messages.map((message, index) =>
      index === last ? { ...message, buttons: [...(message.buttons ?? []), row] } : message,
    ),
  };
}
