/**
 * /billing, /paysupport and /terms: a subscriber's self-service page at the payment provider, and the two answers
 * Telegram requires of every bot that sells digital goods for Stars. The creator may replace the built-in texts
 * (PAY_SUPPORT_TEXT, TERMS_TEXT and their _ZH variants); the member's language picks which one is shown.
 */
import { openBillingPortal } from "../../commerce/open-billing-portal.js";
import type { Command, Session } from "../command.js";
import { type Reply, textReply } from "../reply.js";

export const billingCommand: Command = {
  name: "billing",
  async run(session) {
    const { ctx, m, member, locale } = session;
    const result = await openBillingPortal(ctx, { memberId: member.id, locale });
    if (result.ok) return textReply(m.billing.portal, [[{ label: m.billing.buttonPortal, url: result.url }]]);
    switch (result.reason) {
      case "NO_SUBSCRIPTION":
        return textReply(m.billing.noSubscription);
      case "STARS_ONLY":
        return textReply(m.billing.starsOnly);
      case "UNAVAILABLE":
        return textReply(m.billing.unavailable);
    }
  },
};

/** The creator's text for the member's language (the other language's when only that one is set), or the default. */
function configured(session: Session, texts: Partial<Record<"en" | "zh", string>> | undefined): string | null {
  const own = texts?.[session.locale]?.trim();
  const other = texts?.[session.locale === "zh" ? "en" : "zh"]?.trim();
  return own || other || null;
}

function answer(session: Session, title: string, builtIn: string, custom: string | null): Reply {
  // The creator's text is shown as written (the template escapes it), under the translated title.
  return textReply(`${title}\n${custom ? session.m.billing.custom({ text: custom }) : builtIn}`);
}

export const paySupportCommand: Command = {
  name: "paysupport",
  async run(session) {
    const { m, ctx } = session;
    return answer(
      session,
      m.billing.paySupportTitle,
      m.billing.paySupport,
      configured(session, ctx.config.paySupportText),
    );
  },
};

export const termsCommand: Command = {
  name: "terms",
  async run(session) {
    const { m, ctx } = session;
    return answer(session, m.billing.termsTitle, m.billing.terms, configured(session, ctx.config.termsText));
  },
};
