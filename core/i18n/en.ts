/**
 * Every member-facing text in English. `zh.ts` must provide the same keys (the type checker enforces it).
 * Markup: `**bold**` and `` `code` `` only; adapters escape the rest.
 */
import type { ErrorCode } from "../app-error.js";

type P = Record<string, string | number>;

export const en = {
  languageName: "English",
  // --- Start and help
  welcome: (p: P) =>
    `Welcome to **Lyceum**, ${p.name}! Here you can browse and buy courses, articles and live sessions, and open what you bought.\n\n/courses — the catalog\n/mycourses — what you own\n/help — every command`,
  welcomeBack: (p: P) =>
    `Welcome back, ${p.name}. /courses for the catalog, /mycourses for your library, /help for everything.`,
  referralRecorded: "You joined through a friend's invitation: thank you both!",
  helpMember:
    "**Commands**\n/courses [tag or words] — browse or search the catalog\n/course <id> — details of one course\n/buy <id> [coupon] — buy it\n/mycourses — your library and paid channels\n/orders — your orders\n/refund <order> [reason] — ask for a refund\n/language [en|zh] — 中文 / English\n/profile — your profile and invite code",
  helpStaff:
    "**Creator commands**\n/confirm [order] — confirm a manual payment (no order: list those waiting)\n/refunds — refund requests, to approve or deny\n/grant <member> <product> [days] — give access\n/revoke <member> <product> — take access away\n/addcourse — add a course (guided), or /addcourse <price> <currency> [monthly] | <English title> | <中文标题>\n/gate <channel> <product ids…> — bind a paid channel to products; /gate alone lists them\n/role <member> creator|moderator|member — appoint a creator or moderator (owner only)\n/cancel — stop a guided step",
  unknownCommand: (p: P) => `I don't know /${p.name}. Send /help to see what I can do.`,
  notACommand: "Send a command, for example /courses. /help lists them all.",
  cancelled: "Stopped. Nothing was saved.",
  nothingToCancel: "There is nothing to stop.",
  // --- Catalog
  kind: { COURSE: "Course", ARTICLE: "Article", LIVE_SESSION: "Live session", BUNDLE: "Bundle" } as Record<
    string,
    string
  >,
  catalogTitle: "**Catalog**",
  catalogSearchTitle: (p: P) => `**Results for “${p.query}”**`,
  catalogEmpty: "Nothing in the catalog matches. Try /courses without words.",
  catalogTags: (p: P) => `Tags: ${p.tags}`,
  catalogLine: (p: P) => `**${p.id}.** ${p.title} — ${p.kind}, ${p.price}`,
  catalogHint: "Details: /course <id>. Buy: /buy <id>.",
  free: "free",
  perMonth: "/month",
  perYear: "/year",
  accessDays: (p: P) => `${p.days} days of access`,
  lifetimeAccess: "lifetime access",
  trialDays: (p: P) => `${p.days}-day free trial`,
  lessons: (p: P) => `**Lessons** (${p.count})`,
  startsAt: (p: P) => `Starts ${p.when}`,
  owned: "✅ You own this.",
  buttonBuy: (p: P) => `Buy — ${p.price}`,
  buttonDetails: (p: P) => `#${p.id} details`,
  buttonOpen: "Open",
  buttonCatalog: "Catalog",
  // --- Buying
  orderCreated: (p: P) => `**Order #${p.order}** — ${p.title}\nTo pay: ${p.price}`,
  orderCouponApplied: (p: P) => `Coupon ${p.code}: ${p.list} → ${p.price}`,
  payByStripe: "Pay securely by card, Alipay or WeChat Pay with the button below.",
  buttonPayStripe: "Pay now",
  payManually: (p: P) =>
    `Pay by hand: ${p.instructions}\nThe creator confirms your payment and your access opens by itself.`,
  payManuallyDefault:
    "Send the amount to the creator and mention your order number. The creator confirms your payment and your access opens by itself.",
  orderFree: (p: P) => `**${p.title}** is yours. /mycourses to open it.`,
  // --- Library and orders
  libraryTitle: "**Your library**",
  libraryEmpty: "You don't own anything yet. /courses to browse.",
  libraryLine: (p: P) => `**${p.id}.** ${p.title} — ${p.until}`,
  until: (p: P) => `until ${p.date}`,
  graceUntil: (p: P) => `renewal failed, access kept until ${p.date}`,
  forever: "yours for good",
  gateLine: (p: P) => `🔓 ${p.title}${p.link ? `: ${p.link}` : ""}`,
  ordersTitle: "**Your orders**",
  ordersEmpty: "You have no orders yet.",
  orderLine: (p: P) => `#${p.order} ${p.title} — ${p.price} — ${p.status} (${p.date})`,
  orderStatus: {
    PENDING: "awaiting payment",
    PAID: "paid",
    CANCELED: "canceled",
    REFUNDED: "refunded",
    DISPUTED: "disputed",
  } as Record<string, string>,
  // --- Refunds
  refundRequested: (p: P) => `Refund requested for order #${p.order}. The creator will answer soon.`,
  refundsTitle: "**Refund requests**",
  refundsEmpty: "No refund requests are waiting.",
  refundLine: (p: P) =>
    `Request #${p.refund}: order #${p.order}, ${p.title}, ${p.price}, by ${p.member}${p.reason ? ` — “${p.reason}”` : ""}`,
  buttonApprove: (p: P) => `Approve #${p.refund}`,
  buttonDeny: (p: P) => `Deny #${p.refund}`,
  refundDoneManual: (p: P) =>
    `Refund for order #${p.order} recorded; access closed. Return the money to the member by hand.`,
  refundSentToProvider: (p: P) => `Refund for order #${p.order} sent to Stripe; access closes when Stripe confirms.`,
  refundDeniedStaff: (p: P) => `Refund for order #${p.order} denied; the member has been told.`,
  refundAlreadyDecided: (p: P) => `That request was already decided (${p.status}).`,
  // --- Profile and language
  languageChosen: "Language: English. 切换到中文：/language zh",
  chooseLanguage: "Choose your language / 选择语言",
  profile: (p: P) =>
    `**${p.name}** (member #${p.id})\nRole: ${p.role}\nLanguage: ${p.language}\nMember since ${p.since}\nYour invite code: \`${p.code}\`${p.link ? `\nInvite link: ${p.link}` : ""}`,
  role: { OWNER: "owner", CREATOR: "creator", MODERATOR: "moderator", MEMBER: "member" } as Record<string, string>,
  // --- Creator: orders and access
  pendingTitle: "**Orders awaiting confirmation**",
  pendingEmpty: "No orders are waiting for confirmation.",
  pendingLine: (p: P) => `#${p.order} ${p.title} — ${p.price} — ${p.member} (${p.date})`,
  buttonConfirm: (p: P) => `Confirm #${p.order}`,
  confirmed: (p: P) => `Order #${p.order} confirmed: the member has access now.`,
  confirmAlreadyPaid: (p: P) => `Order #${p.order} was already paid; nothing changed.`,
  confirmNotPending: (p: P) => `Order #${p.order} is not awaiting payment (canceled or refunded); nothing changed.`,
  granted: (p: P) => `${p.member} now has ${p.title}${p.days ? ` for ${p.days} days` : ""}.`,
  revoked: (p: P) => `${p.member} no longer has ${p.title} (${p.count} entitlement(s) closed).`,
  nothingToRevoke: (p: P) => `${p.member} had no active access to ${p.title}.`,
  gateBound: (p: P) =>
    `Channel ${p.gate} now opens for: ${p.products}. Let in ${p.granted}, removed ${p.revoked}${p.failed ? `, ${p.failed} failed (see the alert)` : ""}.`,
  gatesTitle: "**Paid channels**",
  gatesEmpty: "No paid channels yet. /gate <channel> <product ids…> binds one.",
  gateLineStaff: (p: P) => `${p.platform} ${p.gate} — ${p.products} — ${p.members} member(s) inside`,
  roleSet: (p: P) => `${p.member} is now a ${p.role}.`,
  // --- Creator: add course
  addCourseAskTitleEn: "New course. What is its **English title**? (/cancel to stop)",
  addCourseAskTitleZh: "Its **Chinese title**? Send - to reuse the English one.",
  addCourseAskPrice: "Its **price**, like `49 usd`, `199 cny` or `19 usd monthly`.",
  addCourseBadPrice: "That is not a price. Write it like `49 usd` or `19 usd monthly`.",
  addCourseCreated: (p: P) => `Course **#${p.id} ${p.title}** created at ${p.price}. Members see it in /courses.`,
  // --- Errors (member-safe, no internals)
  errors: {
    UNKNOWN_COMMAND: (p: P) => `I don't know /${p.name}. Send /help.`,
    BAD_ARGUMENTS: (p: P) => (p.usage ? `Usage: ${p.usage}` : "That doesn't look right. Send /help."),
    FORBIDDEN: (_p: P) => "Only the creator can do that.",
    NOT_FOUND: (_p: P) => "Not found.",
    PRODUCT_NOT_FOUND: (p: P) => `There is no course #${p.id}. /courses lists them.`,
    ORDER_NOT_FOUND: (p: P) => `Order #${p.id} was not found. /orders lists yours.`,
    MEMBER_NOT_FOUND: (p: P) => `No member matches ${p.id}.`,
    REFUND_NOT_FOUND: (p: P) => `There is no refund request #${p.id}.`,
    NOT_PAYABLE: (p: P) => `#${p.id} can't be bought right now.`,
    ALREADY_OWNED: (p: P) => `You already own #${p.id}. /mycourses to open it.`,
    COUPON_INVALID: (p: P) => `The coupon ${p.code} is not valid for this (expired, used up or for another course).`,
    OWN_ORDER: (p: P) => `Order #${p.id} is your own: another creator or the owner must confirm it.`,
    REFUND_NOT_ALLOWED: (p: P) => `Order #${p.id} can't be refunded (only paid orders can).`,
    REFUND_ALREADY_REQUESTED: (p: P) => `A refund for order #${p.id} is already being handled.`,
    PROVIDER_UNAVAILABLE: (_p: P) =>
      "The payment service is not answering right now. Nothing was charged; please try again in a minute.",
    INVALID_ACTION: (_p: P) => "That button is no longer valid. Send the command again.",
    INTERNAL: (_p: P) => "Something went wrong on our side. Nothing was lost; please try again.",
  } satisfies Record<ErrorCode, (p: P) => string>,
  usage: {
    course: "/course <id>",
    buy: "/buy <id> [coupon]",
    refund: "/refund <order> [reason]",
    language: "/language en | zh",
    confirm: "/confirm <order>",
    approve: "/approve <refund request>",
    deny: "/deny <refund request>",
    grant: "/grant <member id or @username> <product id> [days]",
    revoke: "/revoke <member id or @username> <product id>",
    gate: "/gate <channel> <product id> [more ids…]",
    role: "/role <member id or @username> creator | moderator | member",
    addcourse: "/addcourse <price> <currency> [monthly] | <English title> | <中文标题>",
  } as Record<string, string>,
  // --- Notices (sent later, through the outbox)
  notices: {
    paymentReceived: (p: P) => `✅ Payment received for order #${p.order}. It's yours: /mycourses`,
    paymentFailed: (p: P) =>
      `Payment for order #${p.order} did not go through. Nothing was charged; /buy again when you are ready.`,
    accessGranted: (p: P) => `🔓 You're in: **${p.gate}**${p.link ? `\nJoin here: ${p.link}` : ""}`,
    accessRevoked: (p: P) => `Your access to **${p.gate}** has ended. /courses to renew.`,
    refundApproved: (p: P) => `Your refund for order #${p.order} was approved; the money is on its way.`,
    refundDenied: (p: P) => `Your refund request for order #${p.order} was declined. Reply here if you have questions.`,
    refundCompleted: (p: P) => `Order #${p.order} has been refunded and its access closed.`,
    renewalFailed: (p: P) =>
      `Your renewal payment failed. You keep access for ${p.days} more days while the payment is retried; please check your card.`,
    staffNewOrder: (p: P) =>
      `🛒 New order #${p.order}: ${p.title}, ${p.price}, by ${p.member}. When paid: /confirm ${p.order}`,
    staffRefundRequested: (p: P) => `↩️ Refund request #${p.refund} for order #${p.order}. /refunds to decide.`,
    staffDispute: (p: P) => `⚠️ A payment for order #${p.order} is disputed; its access was closed.`,
    staffGateProblem: (p: P) => `⚠️ I could not change who is in ${p.gate}: ${p.detail}`,
  },
  dateFormat: "en-US",
};

export type Messages = typeof en;
