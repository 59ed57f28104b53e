/**
 * /addcourse: one line (`/addcourse 49 usd | Title | 标题`) or guided, one question at a time. The guided flow keeps
 * its answers in ConversationState so a restart in the middle loses nothing.
 */
import { AppError } from "../../app-error.js";
import { createCourse } from "../../catalog/create-course.js";
import { parseAmount } from "../../commerce/pricing.js";
import { truncateText } from "../../text.js";
import type { Command, FlowInput, FlowState, Session } from "../command.js";
import { offerPrice, productTitle } from "../format.js";
import { type Reply, textReply } from "../reply.js";

export const ADD_COURSE_FLOW = "addcourse";

interface PriceTerms {
  amount: number;
  currency: string;
  recurring: boolean;
}

export function parsePrice(text: string): PriceTerms | null {
  const match = /^\s*(\d[\d.,]*)\s*([A-Za-z]{3})\s*(monthly|month|月付|每月)?\s*$/i.exec(text);
  if (!match) return null;
  const currency = match[2]!.toLowerCase();
  const amount = parseAmount(match[1]!, currency);
  return amount === null ? null : { amount, currency, recurring: Boolean(match[3]) };
}

async function create(session: Session, titleEn: string, titleZh: string, price: PriceTerms): Promise<Reply> {
  const { ctx, m, locale, member } = session;
  const course = await createCourse(ctx, { staffMemberId: member.id, titleEn, titleZh, ...price });
  return textReply(
    m.addCourseCreated({
      id: course.id,
      title: productTitle(locale, course),
      price: offerPrice(locale, course.offers[0]),
    }),
    [[{ label: m.buttonDetails({ id: course.id }), action: `course ${course.id}` }]],
  );
}

export const addCourseCommand: Command = {
  name: "addcourse",
  staffOnly: true,
  async run(session, _args, raw) {
    const { ctx, m, account } = session;
    if (raw.trim()) {
      const [priceText = "", titleEn = "", titleZh = ""] = raw.split("|").map((s) => s.trim());
      const price = parsePrice(priceText);
      if (!price || !(titleEn || titleZh)) throw new AppError("BAD_ARGUMENTS", { usage: m.usage.addcourse ?? "" });
      return create(session, titleEn, titleZh, price);
    }
    await ctx.prisma.conversationState.upsert({
      where: { accountId: account.id },
      create: { accountId: account.id, flow: ADD_COURSE_FLOW, step: "titleEn", data: {} },
      update: { flow: ADD_COURSE_FLOW, step: "titleEn", data: {} },
    });
    return textReply(m.addCourseAskTitleEn);
  },
  flow: { name: ADD_COURSE_FLOW, continue: continueAddCourse },
};

/** The next answer in the guided flow; a file is no answer here, so the step's question is asked again. */
async function continueAddCourse(session: Session, state: FlowState, input: FlowInput): Promise<Reply> {
  const { ctx, m, account } = session;
  const { step } = state;
  const data = state.data as Record<string, string>;
  if (input.kind !== "text") {
    return textReply(
      step === "titleEn" ? m.addCourseAskTitleEn : step === "titleZh" ? m.addCourseAskTitleZh : m.addCourseAskPrice,
    );
  }
  const answer = truncateText(input.text.trim(), 200);
  const save = (next: string, values: Record<string, string>) =>
    ctx.prisma.conversationState.update({ where: { accountId: account.id }, data: { step: next, data: values } });
  if (step === "titleEn") {
    if (!answer) return textReply(m.addCourseAskTitleEn);
    await save("titleZh", { titleEn: answer });
    return textReply(m.addCourseAskTitleZh);
  }
  if (step === "titleZh") {
    await save("price", { ...data, titleZh: answer === "-" || !answer ? (data.titleEn ?? "") : answer });
    return textReply(m.addCourseAskPrice);
  }
  const price = parsePrice(answer);
  if (!price) return textReply(m.addCourseBadPrice);
  const result = await create(session, data.titleEn ?? "", data.titleZh ?? "", price);
  await ctx.prisma.conversationState.delete({ where: { accountId: account.id } });
  return result;
}
