/**
 * /foryou: the member's recommendations with the reason for each, in their language, and the price they would pay;
 * and `rec`, the tracked action behind every recommendation button (in /foryou and in the daily messages): it
 * records the tap, then does what the button says (the course page, buying, the next lesson). A button naming a
 * row that is not the reader's records nothing and shows only what /course would show them anyway.
 */
import { isStaff } from "../../identity/roles.js";
import { currentRecommendations } from "../../insights/current-recommendations.js";
import { offerForMember } from "../../insights/experiment-offer-for-member.js";
import { describeRecommendationReason } from "../../insights/recommendation-reason.js";
import { recordRecommendationClick } from "../../insights/record-recommendation-click.js";
import { truncateText } from "../../text.js";
import { type Command, idArgument } from "../command.js";
import { offerPrice, productTitle } from "../format.js";
import { type Button, plainText, textReply } from "../reply.js";
import { courseCommand } from "./member-catalog.js";
import { buyCommand } from "./member-commerce.js";
import { lessonCommand } from "./member-learning.js";

export const forYouCommand: Command = {
  name: "foryou",
  async run(session) {
    const { ctx, m, locale, member } = session;
    const { items, titles } = await currentRecommendations(ctx, {
      memberId: member.id,
      catalogVersion: session.catalogVersion,
    });
    if (!items.length) return textReply(m.insights.forYouEmpty, [[{ label: m.buttonCatalog, action: "courses" }]]);
    const lines = [m.insights.forYouTitle];
    const buttons: Button[][] = [];
    for (const [index, item] of items.entries()) {
      const rank = index + 1;
      // The price this member would see on the page (a price test's variant); a list is not an exposure yet.
      const offer = await offerForMember(ctx, item.product, member.id, { expose: false });
      const price = offerPrice(locale, offer);
      const title = productTitle(locale, item.product);
      lines.push(
        m.insights.forYouLine({
          rank,
          title,
          kind: m.kind[item.product.kind] ?? item.product.kind,
          price,
          // A catalog text passed into another template: its own formatting goes, its words stay literal.
          reason: plainText(describeRecommendationReason(locale, item.reason, titles)),
        }),
      );
      const tracked = `rec ${item.recommendationId} ${item.product.id}`;
      buttons.push([
        { label: m.insights.buttonForYouDetails({ rank, title: truncateText(title, 32, "…") }), action: tracked },
        ...(offer && !isStaff(member.role)
          ? [{ label: m.insights.buttonForYouBuy({ rank, price }), action: `${tracked} buy` }]
          : []),
      ]);
    }
    lines.push("", m.insights.forYouHint);
    return textReply(lines.join("\n"), buttons);
  },
};

/** `rec <recommendation> <product> [buy [coupon]]`: a tracked tap on a recommendation. */
export const recCommand: Command = {
  name: "rec",
  async run(session, args, raw) {
    const { ctx, m, member } = session;
    const recommendationId = idArgument(args[0], m, "course");
    const productId = idArgument(args[1], m, "course");
    const row = await recordRecommendationClick(ctx, { memberId: member.id, recommendationId, productId });
    const product = String(productId);
    if (args[2] === "buy") return buyCommand.run(session, [product, ...args.slice(3, 4)], raw);
    // A retention nudge's "next lesson" opens the lesson itself, with every check /lesson makes.
    if (row?.reason.key === "nextLesson") return lessonCommand.run(session, [product, String(row.reason.number)], raw);
    return courseCommand.run(session, [product], raw);
  },
};
