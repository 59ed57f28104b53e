/**
 * Every member-facing text in English. `zh.ts` must provide the same keys (the type checker enforces it).
 * Markup: `**bold**` and `` `code` `` only; adapters escape the rest.
 */
import type { ErrorCode } from "../app-error.js";
import { discussionEn, moderationEn, moderationPendingEn } from "./discussion-en.js";
import { reputationEn, reviewNoticesEn, reviewsEn } from "./reviews-en.js";
import { walletEn, walletNoticesEn } from "./wallet-en.js";

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
    "**Commands**\n/courses [tag or words] — browse or search the catalog\n/course <id> — details of one course\n/buy <id> [coupon] — buy it\n/trial <id> — start a free trial, where a course has one\n/mycourses — your library and paid channels\n/learn — continue where you left off\n/foryou — recommendations picked for you\n/lesson <course> [n] — open a lesson (course id or name)\n/live — upcoming live sessions, in your time zone\n/comments <course> <n> — a lesson's discussion; /comment <course> <n> <text>, /replyto <comment> <text>, /report <comment> [reason]\n/ask <question> — an answer from the course material, with its sources\n/orders — your orders\n/refund <order> [reason] — ask for a refund\n/wallet — your balance and history; /wallet topup [amount] to add money\n/invite — your invite link and referral credit\n/language [en|zh] — 中文 / English\n/profile — your profile and invite code\n/link [code] — link your Telegram and Discord accounts\n/billing — manage your subscription\n/mydata — a copy of your data; /erase — erase it\n/paysupport — help with a payment; /terms — terms of sale\n/settings — announcements, offers, quiet hours (/optout, /optin, /quiet, /timezone)\n/review <course> <1-5> [text] — rate a course (again: edit; … remove)\n/reviews <course> — its reviews\n/top — members with the most reputation",
  helpStaff:
    "**Creator commands**\n/confirm [order] — confirm a manual payment (no order: list those waiting)\n/refunds — refund requests, to approve or deny\n/wallet adjust <member> <amount> <currency> <note> — correct a member's wallet balance\n/grant <member> <product> [days] — give access\n/revoke <member> <product> — take access away\n/addcourse — add a course (guided), or /addcourse <price> <currency> [monthly] | <English title> | <中文标题>\n/addlesson <course> — write a lesson (guided; photos and files too)\n/editlesson <course> <n> title|title_zh|text|text_zh [value] — change it; … free on|off for a free preview\n/publish, /unpublish <course> [n] — show or hide a course or one lesson\n/gate <channel> <product ids…> — bind a paid channel to products; /gate alone lists them\n/role <member> creator|moderator|member — appoint a creator or moderator (owner only)\n/broadcast <text> — an announcement to everyone or a segment, previewed before it is sent\n/reconcile [days] — check payments, refunds and disputes against Stripe now and repair differences\n/experiments — A/B tests and their results; /experiments new price <product> <price A> <price B>, /experiments stop <key> [A|B]\n/atrisk — members most likely to leave, with why; nudge them or offer a coupon\n/helper auto|draft|off — how the answer helper works in a Q&A place (run it there; /helper lists them)\n/unanswered — questions nobody has answered\n/moderation — flagged and reported items to approve or remove (moderators too)\n/cancel — stop a guided step\n/reply <review id> <text> — answer a review in public",
  unknownCommand: (p: P) => `I don't know /${p.name}. Send /help to see what I can do.`,
  notACommand: "Send a command, for example /courses. /help lists them all.",
  cancelled: "Stopped. Nothing was saved.",
  nothingToCancel: "There is nothing to stop.",
  /** Short descriptions for platform command menus (Telegram setMyCommands, Discord slash commands). */
  commandDescriptions: {
    review: "Rate a course 1–5 (edit or remove it)",
    reviews: "A course's reviews",
    helpful: "Mark a review helpful",
    reply: "Reply to a review",
    top: "Members with the most reputation",
    start: "Welcome and what you can do",
    trial: "Start a free trial",
    settings: "Your message settings",
    optout: "Stop announcements or offers",
    optin: "Get announcements or offers again",
    quiet: "Quiet hours for messages",
    timezone: "Your time zone",
    broadcast: "Write and send an announcement",
    experiments: "A/B tests and their results",
    atrisk: "Members at risk of leaving",
    help: "Every command",
    courses: "Browse or search the catalog",
    course: "Details of one course",
    buy: "Buy a course",
    mycourses: "Your library and paid channels",
    orders: "Your orders",
    refund: "Ask for a refund",
    language: "English / 中文",
    profile: "Your profile and invite code",
    link: "Link your Telegram and Discord accounts",
    cancel: "Stop a guided step",
    confirm: "Confirm a manual payment",
    refunds: "Refund requests",
    approve: "Approve a refund",
    deny: "Deny a refund",
    grant: "Give a member access",
    revoke: "Take access away",
    addcourse: "Add a course",
    gate: "Bind a paid channel to products",
    role: "Appoint a creator or moderator",
    reconcile: "Check payments against Stripe now",
    learn: "Continue where you left off",
    lesson: "Open a lesson",
    done: "Mark a lesson done",
    addlesson: "Write a lesson in chat",
    editlesson: "Change a lesson",
    publish: "Publish a course or a lesson",
    unpublish: "Hide a course or a lesson from members",
    attach: "Attach a file to the lesson you are writing",
    live: "Upcoming live sessions",
    join: "Join a live session you bought",
    ask: "Ask about the course material",
    helper: "How the answer helper works in a Q&A place",
    unanswered: "Questions nobody has answered",
    vote: "Mark an answer helpful or not",
    draft: "Approve, edit or reject a draft answer",
    foryou: "Recommendations picked for you",
    rec: "Open a recommendation",
    mydata: "A copy of your data",
    erase: "Erase your data",
    billing: "Manage your subscription",
    paysupport: "Help with a payment",
    terms: "Terms of sale",
    wallet: "Your wallet: balance, top-up, history",
    invite: "Your invite link and referral credit",
    comments: "A lesson's discussion",
    comment: "Comment on a lesson",
    replyto: "Reply to a comment",
    report: "Report a comment, answer or review",
    moderation: "The moderation queue",
  } as Record<string, string>,
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
  payByStars: "Pay with Telegram Stars: tap the invoice below.",
  buttonPayByCard: "Pay by card instead",
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
  refundDoneStars: (p: P) => `Order #${p.order} refunded in Stars; access closed.`,
  refundSentToProvider: (p: P) => `Refund for order #${p.order} sent to Stripe; access closes when Stripe confirms.`,
  starsBusy: "The shop is very busy right now and nothing was charged. Please tap Pay again in a moment.",
  refundDoneStripe: (p: P) => `Order #${p.order} refunded through Stripe; access closed.`,
  subscriptionCanceledNow: "Its subscription is cancelled at Stripe: no further charges.",
  subscriptionCancelsAtPeriodEnd: (p: P) =>
    `Its subscription will not renew at Stripe (it ends ${p.date}): no further charges.`,
  subscriptionCancelFailed:
    "⚠️ Stripe did not cancel the subscription: cancel it in the Stripe Dashboard, or it will charge again.",
  // --- Reconciling with Stripe
  reconcileOff: "Stripe is not configured: there is nothing to reconcile.",
  reconcileDone: (p: P) =>
    `Checked ${p.checked} Stripe checkout(s) with activity in the last ${p.days} day(s): ${p.changed} repaired${p.failed ? `, ${p.failed} could not be read (Stripe did not answer; the next run tries again)` : ""}.`,
  reconcileLine: (p: P) => `#${p.order}: ${p.changes}`,
  reconcileChange: {
    "payment-recorded": "payment recorded",
    "refund-recorded": "refund recorded",
    dispute: "dispute updated",
    status: "status changed",
    "access-granted": "access opened",
    "access-revoked": "access closed",
    "access-extended": "access dates corrected",
  } as Record<string, string>,
  reconcileForeign: (p: P) => `${p.count} payment(s) through a checkout we did not create were recorded apart.`,
  refundDeniedStaff: (p: P) => `Refund for order #${p.order} denied; the member has been told.`,
  refundAlreadyDecided: (p: P) => `That request was already decided (${p.status}).`,
  // --- Profile and language
  linkCode: (p: P) =>
    `Your link code: \`${p.code}\` (valid ${p.minutes} minutes, once). On your other platform, send /link ${p.code} — both accounts will then share one library.`,
  linked: "Linked! Your accounts now share one library, orders and channels.",
  alreadyLinked: "These accounts are already linked.",
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
  gateLineAwaiting: "   ↳ waiting for your choice about the people already inside: /gate with keep or remove",
  gateLineIntruders: (p: P) => `   ↳ removed without access: ${p.count} (latest: ${p.member})`,
  gateAskListed: (p: P) =>
    `**${p.gate}** is already held by ${p.count} people without an entitlement (administrators and your team not counted). Keep them, or take it from them? Nothing changes until you choose; from then on, anyone who gets it without access loses it.`,
  gateAskCounted: (p: P) =>
    `${p.count === "" ? `I could not ask who is in **${p.gate}**.` : `There are ${p.count} people in **${p.gate}** besides its administrators.`} This platform does not let bots list who is inside, so I cannot tell who of them has access. I can remove anyone I see inside without access from now on (recommended), or keep the people already inside. Nothing changes until you choose; anyone who joins later without access is removed either way.`,
  gateRemoveButton: "Remove those without access",
  gateRemoveFromNowButton: "Remove anyone without access",
  gateKeepButton: "Keep them",
  gateKeptListed: (p: P) =>
    `Kept ${p.count} people already inside without an entitlement. Anyone else who gets in without access is removed.`,
  gateKeptCounted:
    "People already inside are kept when I see them; anyone who joins without access is removed, and so is anyone whose access ends.",
  gateRemoveFromNow:
    "From now on anyone I see inside without access is removed (ban and unban: they can come back after buying). People who bought, administrators and your team are never touched.",
  roleSet: (p: P) => `${p.member} is now a ${p.role}.`,
  joinApproved: (p: P) => `Welcome to **${p.gate}**! Your request was approved.`,
  joinDeclined: (p: P) =>
    `Your request to join **${p.gate}** was declined: it is open to members who bought one of these. Buy one and ask again.`,
  // --- Creator: add course
  addCourseAskTitleEn: "New course. What is its **English title**? (/cancel to stop)",
  addCourseAskTitleZh: "Its **Chinese title**? Send - to reuse the English one.",
  addCourseAskPrice: "Its **price**, like `49 usd`, `199 cny` or `19 usd monthly`.",
  addCourseBadPrice: "That is not a price. Write it like `49 usd` or `19 usd monthly`.",
  addCourseCreated: (p: P) => `Course **#${p.id} ${p.title}** created at ${p.price}. Members see it in /courses.`,
  // --- Creator: lessons written in chat (/addlesson, /editlesson, /publish, /unpublish)
  authoring: {
    askTitleEn: (p: P) => `New lesson for **${p.course}**. What is its **English title**? (/cancel to stop)`,
    askTitleZh: "Its **Chinese title**? Send - to reuse the English one.",
    askText:
      "Now the lesson's **text**, in Markdown (`**bold**`, `# heading`, lists, links). Send - to leave it empty for now.",
    saved: (p: P) =>
      `Lesson ${p.number} **${p.title}** is saved as a draft: members do not see it yet.\nSend photos or files to attach (a caption stays with its file), then /done to publish it.`,
    attached: (p: P) => `📎 File ${p.count} attached. Send more, or /done to publish the lesson.`,
    sendFiles: "Send photos or files to attach, or /done to publish the lesson. (/cancel leaves it as a draft.)",
    published: (p: P) =>
      `✅ Lesson ${p.number} **${p.title}** of **${p.course}** is published: members who own the course see it now. /unpublish ${p.id} ${p.number} hides it again.`,
    askField: (p: P) => `Send the new **${p.field}** of lesson ${p.number} **${p.title}**. (/cancel to stop)`,
    edited: (p: P) => `✏️ Lesson ${p.number} **${p.title}**: ${p.field} saved.`,
    editedLive: "Members see the change now.",
    editedDraft: (p: P) => `It is a draft: /publish ${p.id} ${p.number} shows it to members.`,
    unchanged: (p: P) => `Lesson ${p.number} already says that: nothing changed.`,
    emptyTitle: "A lesson needs a title: send one, or /cancel.",
    fields: {
      title: "English title",
      title_zh: "Chinese title (- to reuse the English one)",
      text: "text, in Markdown (- to empty it)",
      text_zh: "Chinese text, in Markdown (- to remove it)",
    } as Record<string, string>,
    freeOn: (p: P) => `🎁 Lesson ${p.number} **${p.title}** is now a free preview: anyone can read it.`,
    freeOff: (p: P) => `Lesson ${p.number} **${p.title}** is no longer a free preview.`,
    lessonPublished: (p: P) => `✅ Lesson ${p.number} **${p.title}** is published: members who own the course see it.`,
    lessonHidden: (p: P) =>
      `🙈 Lesson ${p.number} **${p.title}** is hidden from members (a draft again). /publish ${p.id} ${p.number} shows it again.`,
    productPublished: (p: P) => `✅ **${p.title}** is published: members see it in /courses.`,
    productHidden: (p: P) =>
      `🙈 **${p.title}** is hidden from members: gone from /courses and its lessons closed, purchases kept. /publish ${p.id} shows it again.`,
    alreadyPublished: (p: P) => `**${p.title}** is already published.`,
    alreadyHidden: (p: P) => `**${p.title}** is already hidden from members.`,
    noSuchLesson: (p: P) =>
      `**${p.course}** has no lesson ${p.number}; it has ${p.total}, drafts included. /course ${p.id} lists them.`,
    notACourse: (p: P) => `**${p.title}** is not a course: only courses have lessons.`,
    attachHint:
      "Files go into a lesson while you write it: /addlesson <course>, then send the photo or file itself (Discord: /attach with the file; console: /attach <path>).",
  },
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
    COUPON_INVALID: (p: P) =>
      `The coupon ${p.code} is not valid for this (expired, used up, for another course or for someone else).`,
    OWN_ORDER: (p: P) => `Order #${p.id} is your own: another creator or the owner must confirm it.`,
    REFUND_NOT_ALLOWED: (p: P) => `Order #${p.id} can't be refunded (only paid orders can).`,
    REFUND_ALREADY_REQUESTED: (p: P) => `A refund for order #${p.id} is already being handled.`,
    PROVIDER_UNAVAILABLE: (_p: P) =>
      "The payment service is not answering right now. Nothing was charged; please try again in a minute.",
    INVALID_ACTION: (_p: P) => "That button is no longer valid. Send the command again.",
    LINK_CODE_INVALID: (_p: P) =>
      "That link code is not valid (wrong, used or older than 10 minutes). Send /link on your other account for a new one.",
    LINK_CODE_SAME_PLATFORM: (_p: P) =>
      "Redeem the code on your other platform (Telegram ↔ Discord), not where you made it.",
    TOP_UP_SPENT: (p: P) =>
      `Order #${p.id} is a wallet top-up the member has already spent: refunding it would leave the wallet below zero. Correct the balance first (/wallet adjust) or settle it by hand.`,
    OWN_WALLET: (_p: P) => "You can't correct your own wallet: another creator or the owner must.",
    INTERNAL: (_p: P) => "Something went wrong on our side. Nothing was lost; please try again.",
  } satisfies Record<ErrorCode, (p: P) => string>,
  usage: {
    review: "/review <course id or name> <1-5> [text] | /review <course> remove",
    reviews: "/reviews <course id or name> [page]",
    helpful: "/helpful <review id>",
    reply: "/reply <review id> <text>",
    top: "/top",
    course: "/course <id>",
    trial: "/trial <id>",
    buy: "/buy <id> [coupon]",
    refund: "/refund <order> [reason]",
    language: "/language en | zh",
    confirm: "/confirm <order>",
    approve: "/approve <refund request>",
    deny: "/deny <refund request>",
    grant: "/grant <member id or @username> <product id> [days]",
    revoke: "/revoke <member id or @username> <product id>",
    gate: "/gate <channel> <product id> [more ids…] [keep | remove]",
    role: "/role <member id or @username> creator | moderator | member",
    reconcile: "/reconcile [days, 1–90]",
    addcourse: "/addcourse <price> <currency> [monthly] | <English title> | <中文标题>",
    lesson: "/lesson <course id or name> [lesson number]",
    done: "/done <lesson id>",
    addlesson:
      "/addlesson <course id or name> — guided; or in one message: /addlesson <course> | <English title> | <中文标题> | <text>",
    editlesson:
      "/editlesson <course> <n> title | title_zh | text | text_zh [new value], or /editlesson <course> <n> free on | off",
    publish: "/publish <course> [lesson number]",
    unpublish: "/unpublish <course> [lesson number]",
    join: "/join <live session id>",
    ask: "/ask <your question>",
    helper: "/helper auto|draft|off [place id]",
    vote: "/vote <answer id> up|down",
    draft: "/draft <answer id> approve|edit|reject",
    experiments:
      "/experiments | /experiments new price <product> <price A> <price B> | /experiments stop <key> [variant to keep]",
    atrisk: "/atrisk | /atrisk nudge <member id> | /atrisk coupon <member id>",
    wallet: "/wallet | /wallet topup [amount] [currency | stars] | /wallet pay <order>",
    walletAdjust: "/wallet adjust <member id or @username> <amount, e.g. 5 or -2.50> <currency> <note>",
    comments: "/comments <course> <lesson number> [page]",
    comment: "/comment <course> <lesson number> <your comment>",
    replyto: "/replyto <comment id> <your reply>",
    report: "/report <comment id> [reason] | /report answer <id> [reason] | /report review <id> [reason]",
    moderation: "/moderation | /moderation <case> approve | remove | mute | ban",
  } as Record<string, string>,
  // --- Learning: lessons in chat
  learning: {
    heading: (p: P) => `**${p.course}**\nLesson ${p.number}/${p.total}: ${p.title}`,
    draft: "📝 Draft: members do not see it until it is published.",
    preview: "🎁 Free preview. The whole course opens when you buy it.",
    otherLanguage: "(No English text yet: here it is in Chinese.)",
    buttonPrevious: "◀ Previous",
    buttonNext: "Next ▶",
    buttonMarkDone: "Mark done",
    buttonDone: "✓ Done",
    buttonContents: "Contents",
    buttonRenew: "Renew",
    buttonBuyAgain: "Buy again",
    buttonPreview: "Read the free preview",
    buttonStartCourse: "▶ Start learning",
    buttonContinueCourse: "▶ Continue",
    buttonLearn: "▶ Continue learning",
    buttonStart: (p: P) => `Start: ${p.title}`,
    buttonContinue: (p: P) => `Continue: ${p.title}`,
    markedDone: (p: P) => `✓ Lesson ${p.number}/${p.total} done: ${p.title}\nProgress: ${p.progress}`,
    alreadyDone: (p: P) => `Lesson ${p.number}/${p.total} is already done. Progress: ${p.progress}`,
    courseFinished: (p: P) => `🎉 You finished **${p.course}**!`,
    courseNotFound: (p: P) => `There is no course ${p.course}. /learn lists yours, /courses the catalog.`,
    lessonGone: "That lesson does not exist (any more). /learn takes you back to your courses.",
    lessonNotFound: (p: P) =>
      `**${p.course}** has no lesson ${p.number}; it has ${p.total}. /course ${p.id} lists them.`,
    noLessons: (p: P) => `**${p.course}** has no lessons yet.`,
    noAccess: (p: P) => `Lesson ${p.number} of **${p.course}** is for members who bought the course.`,
    accessEnded: {
      EXPIRED: (p: P) =>
        `Your access to **${p.course}** has ended, so its lessons are closed. Renew to carry on: your progress is kept.`,
      REFUNDED: (p: P) =>
        `Your purchase of **${p.course}** was refunded, so its lessons are closed. Buy it again to come back: your progress is kept.`,
      REVOKED: (p: P) =>
        `Your access to **${p.course}** was withdrawn, so its lessons are closed. Ask the creator if this is a mistake, or buy it again.`,
    } as Record<string, (p: P) => string>,
    notReleased: (p: P) =>
      `Lesson ${p.number} of **${p.course}** opens on ${p.when}. This course releases its lessons one at a time.`,
    learnTitle: "**Your courses**",
    learnLine: (p: P) => `**${p.id}.** ${p.title} — ${p.progress}`,
    learnHint: "Tap a course to continue where you left off.",
    learnEmpty: "You have no courses to learn yet. /courses to find one.",
    courseProgress: (p: P) => `Your progress: ${p.progress}`,
    previewMark: "free preview",
    draftMark: "draft",
  },
  // --- Live sessions: /live, join, the course page
  live: {
    title: "**Live sessions**",
    line: (p: P) => `**${p.id}.** ${p.title} — ${p.when}`,
    lineOpen: (p: P) => `**${p.id}.** ${p.title} — 🔴 on now (${p.when})`,
    ownedMark: "✅ you're in",
    hint: "Details and buying: /course <id>. Owners get a reminder the day before and 15 minutes before, and the join link at the start.",
    empty: "No live sessions are coming up. /courses for the catalog.",
    buttonJoin: "Join",
    buttonJoinTitle: (p: P) => `Join: ${p.title}`,
    buttonReplay: "Watch the replay",
    joinNow: (p: P) => `🔴 **${p.title}** is open. Tap Join to go in.`,
    notOwner: (p: P) => `**${p.title}** is for members who bought it. /course ${p.id} to see it.`,
    tooEarly: (p: P) =>
      `**${p.title}** starts ${p.when}. The join link opens 15 minutes before; I will send it to you here.`,
    noLink: (p: P) => `**${p.title}** has no join link yet. I will send it to you as soon as the creator adds it.`,
    ended: (p: P) => `**${p.title}** has ended.`,
    endedReplay: (p: P) => `**${p.title}** has ended. The replay is below.`,
    notFound: (p: P) => `There is no live session #${p.id}. /live lists them.`,
    pageUpcoming: "You're in: I will remind you the day before and 15 minutes before, and send the join link.",
    pageOpen: "🔴 The session is open: tap Join.",
    pageOpenNotOwner: "🔴 The session is on now.",
    pageEnded: "This session has ended.",
    pageEndedReplay: "This session has ended; the replay is below.",
  },
  // --- Notices (sent later, through the outbox)
  notices: {
    ...walletNoticesEn,
    ...reviewNoticesEn,
    staffModerationPending: moderationPendingEn,
    staffQuestionUnanswered: (p: P) =>
      `⏰ Question #${p.id} from ${p.member} has had no answer for ${p.minutes} minutes.\n“${p.question}”\n${p.link}`,
    staffQuestionFlagged: (p: P) =>
      `🚩 Question #${p.id} from ${p.member} was held back (${({ LINK: "a link from a new member", BANNED_WORD: "a banned word", FLOOD: "too many questions at once" } as Record<string, string>)[String(p.reason)] ?? p.reason}): not answered, and hidden where the bot may.\n“${p.question}”`,
    staffAnswerFlagged: (p: P) =>
      `🚩 An answer by ${p.member} to question #${p.id} was held back (${({ LINK: "a link from a new member", BANNED_WORD: "a banned word" } as Record<string, string>)[String(p.reason)] ?? p.reason}) and hidden where the bot may.\n“${p.answer}”`,
    staffTokenBudgetSpent: (p: P) =>
      `💸 The answer helper has spent today's budget of ${p.budget} model tokens. Until tomorrow (UTC) it quotes the course material instead of asking the model.`,
    staffQuestionEscalated: (p: P) =>
      `❓ Question #${p.id} from ${p.member} needs you: the course material does not answer it.\n“${p.question}”`,
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
    staffDisputeWon: (p: P) => `✅ The dispute on order #${p.order} was decided for you; its access is open again.`,
    staffDisputeLost: (p: P) => `The dispute on order #${p.order} was lost; its access stays closed.`,
    staffForeignPayment: (p: P) =>
      `⚠️ Stripe received ${p.price} through a checkout this bot did not create for order #${p.order} (a Payment Link, or a different amount). It is recorded apart and gave no access: refund it in Stripe, or /grant by hand.`,
    staffPaymentMismatch: (p: P) =>
      `⚠️ A Stars payment (${p.charge}) for order #${p.order} did not match the order; it is recorded, no access was given. Refund or /grant by hand.`,
    staffGateProblem: (p: P) => `⚠️ I could not change who is in ${p.gate}: ${p.detail}`,
    intruderRemoved: (p: P) =>
      `You were removed from **${p.gate}**: it is open to members who bought access. /courses shows what opens it; after buying you can join again.`,
    staffIntruderRemoved: (p: P) =>
      `🚫 Removed ${p.member}${p.handle ? ` (@${p.handle})` : ""} from ${p.gate}: inside without access${p.stranger ? ", and had never written to me (an old or shared invite link?)" : ""}. Others removed from ${p.gate} within the hour are not announced one by one; /gate counts them.`,
  },
  // --- Experiments: /experiments for creators (core/insights/experiment-*.ts)
  experiments: {
    title: "**Experiments**",
    empty: "No experiments yet. Start a price test: /experiments new price <product> <price A> <price B>",
    header: (p: P) => `**${p.key}** — ${p.kind}, ${p.status} since ${p.date}`,
    kindPrice: (p: P) => `price test of #${p.id} ${p.title}`,
    kindHoldout: "campaign holdout",
    kindMessage: "message test",
    running: "running",
    stopped: "stopped",
    variantLine: (p: P) =>
      `${p.variant}${p.offer ? ` (${p.offer})` : ""}: ${p.exposures} shown, ${p.conversions} converted, ${p.rate} % (95 % interval ${p.low}–${p.high} %)`,
    comparison: (p: P) =>
      `${p.variant} converts ${p.rate} % vs ${p.control} ${p.controlRate} %, difference ${p.difference} pt (${p.level} % interval ${p.low} to ${p.high})`,
    notConclusive: "not yet conclusive",
    withVerdict: (p: P) => `${p.sentence}: ${p.verdict}`,
    better: (p: P) => `conclusive: ${p.variant} converts better`,
    worse: (p: P) => `conclusive: ${p.variant} converts worse`,
    noData: (p: P) => `${p.variant} against ${p.control}: nobody on both sides yet`,
    method:
      "Differences use an always-valid sequential test (mixture SPRT): look as often as you like — “conclusive” stays wrong at most 5 % of the time however many days you check. Its interval is wider than a one-look one; that is the price of peeking safely.",
    created: (p: P) =>
      `Price test **${p.key}** started: half the members see ${p.priceA} (A), half ${p.priceB} (B), each the same price on every visit and at checkout. /experiments shows how it goes; /experiments stop ${p.key} [A|B] ends it.`,
    alreadyRunning: (p: P) => `#${p.id} already has a price test running. Stop it first: /experiments`,
    samePrice: "The two prices must differ.",
    notPayable: (p: P) => `#${p.id} has no price to test (add an offer first).`,
    stoppedDone: (p: P) =>
      p.kept ? `**${p.key}** stopped. Everyone now sees variant ${p.kept}'s price.` : `**${p.key}** stopped.`,
    notFound: (p: P) => `There is no experiment ${p.key}. /experiments lists them.`,
    notRunning: (p: P) => `**${p.key}** is already stopped.`,
    noSuchVariant: (p: P) => `**${p.key}** has no variant ${p.variant}.`,
  },
  // --- Messaging: broadcasts, reminders, member settings
  messaging: {
    broadcastUsage:
      "/broadcast <text> — write an announcement (a draft; nothing is sent yet)\n/broadcast urgent <text> — one that ignores quiet hours\n/broadcast <id> to everyone | product <id> | ending <days> | language en|zh | platform telegram|discord|console\n/broadcast <id> send | pause | resume | cancel | status",
    broadcastListTitle: "**Recent broadcasts**",
    broadcastListEmpty: "No broadcasts yet.",
    broadcastListLine: (p: P) => `#${p.id} ${p.status} — ${p.sent}/${p.total} sent — “${p.text}”`,
    broadcastDraft: (p: P) =>
      `**Broadcast #${p.id}** — draft${p.urgent ? " (urgent: ignores quiet hours)" : ""}\n\n${p.text}\n\n**To:** ${p.segment} — ${p.recipients} recipient(s), ${p.members} member(s)`,
    broadcastHint: (p: P) =>
      `Change who gets it: /broadcast ${p.id} to everyone | product <id> | ending <days> | language en|zh | platform telegram|discord\nSend it: /broadcast ${p.id} send`,
    segmentEveryone: "everyone",
    segmentProduct: (p: P) => `owners of #${p.id} ${p.title}`,
    segmentEnding: (p: P) => `members whose access ends within ${p.days} day(s)`,
    segmentLanguage: (p: P) => `members reading ${p.language}`,
    segmentPlatform: (p: P) => `members on ${p.platform}`,
    buttonSend: (p: P) => `Send to ${p.count}`,
    buttonDiscard: "Discard",
    buttonEveryone: "Everyone",
    buttonEnglish: "English readers",
    buttonChinese: "Chinese readers",
    buttonPause: "Pause",
    buttonResume: "Resume",
    buttonStatus: "Progress",
    broadcastEmpty: "Write the announcement after the command: /broadcast <text>",
    broadcastTooLong: (p: P) => `That is too long: at most ${p.max} characters.`,
    broadcastBadSegment: "I don't know that audience.",
    broadcastNotFound: (p: P) => `There is no broadcast #${p.id}.`,
    broadcastNoRecipients: (p: P) => `Broadcast #${p.id} would reach nobody; choose another audience.`,
    broadcastQueued: (p: P) =>
      `Broadcast #${p.id} is on its way to ${p.count} recipient(s), as fast as each platform allows. /broadcast ${p.id} status for progress; you get the tally when it is done.`,
    broadcastWrongState: (p: P) => `Broadcast #${p.id} is ${p.status}; that can't be done now.`,
    broadcastPaused: (p: P) => `Broadcast #${p.id} paused. /broadcast ${p.id} resume to carry on.`,
    broadcastResumed: (p: P) => `Broadcast #${p.id} resumed.`,
    broadcastCanceled: (p: P) => `Broadcast #${p.id} canceled; ${p.count} message(s) will not be sent.`,
    broadcastDiscarded: (p: P) => `Draft #${p.id} discarded.`,
    broadcastStatus: (p: P) =>
      `**Broadcast #${p.id}** — ${p.status}\nSent ${p.sent} of ${p.total}; waiting ${p.pending}; failed ${p.failed}${p.unknown ? ` (${p.unknown} with no answer from the platform: may have arrived, not resent)` : ""}; unreachable ${p.unreachable}; canceled ${p.canceled}.`,
    broadcastDone: (p: P) =>
      `📣 Broadcast #${p.id} ${p.status}: sent ${p.sent} of ${p.total}, failed ${p.failed}${p.unknown ? ` (${p.unknown} with no answer from the platform: may have arrived, not resent)` : ""}, unreachable ${p.unreachable}${p.canceled ? `, canceled ${p.canceled}` : ""}.`,
    status: {
      DRAFT: "a draft",
      QUEUED: "queued",
      SENDING: "sending",
      PAUSED: "paused",
      DONE: "done",
      CANCELED: "canceled",
    } as Record<string, string>,
    broadcastFooter: "— /optout stops announcements",
    reminderEnds: (p: P) => `⏰ Your access to **${p.title}** ends on ${p.date}. Renew with one tap to keep it.`,
    reminderRenews: (p: P) =>
      `⏰ Your subscription to **${p.title}** renews on ${p.date}. Nothing to do if you want to keep it.`,
    winBack: (p: P) =>
      `We miss you! Your access to **${p.title}** has ended. It is one tap away whenever you want it back.`,
    buttonRenew: "Renew",
    reminderTrialEnds: (p: P) =>
      `⏳ Your free trial of **${p.title}** ends on ${p.date}. Buy it to keep your access and your progress.`,
    trialEnded: (p: P) =>
      `Your free trial of **${p.title}** has ended. Your progress is kept: buy it to pick up where you left off.`,
    buttonKeepAccess: "Buy to keep it",
    buttonComeBack: "Get it back",
    lessonReleased: (p: P) => `🔓 Lesson ${p.number} of **${p.course}** is open for you: ${p.lesson}.`,
    liveReminder: (p: P) => `⏰ Reminder: **${p.title}** starts ${p.when}. I will send you the join link here.`,
    liveSoon: (p: P) => `⏰ **${p.title}** starts in 15 minutes (${p.when}). Tap Join when you are ready.`,
    liveStarted: (p: P) => `🔴 **${p.title}** is starting now. Tap Join to go in.`,
    liveReplay: (p: P) => `🎬 The replay of **${p.title}** is ready.`,
    buttonOpenLesson: "Open lesson",
    buttonJoin: "Join",
    buttonReplay: "Watch the replay",
    retentionNudge: (p: P) =>
      `👋 Your next lesson in **${p.course}** is waiting: lesson ${p.number}, ${p.lesson}. A few minutes today keeps you going.`,
    retentionNudgeCatalog: (_p: P) =>
      "👋 It has been a while! Have a look at what there is to learn: one lesson is a good start.",
    retentionCoupon: (p: P) =>
      `🎁 A little push to keep going: ${p.percent} % off **${p.title}** with the code \`${p.code}\`, until ${p.date}. One tap below uses it.`,
    retentionCouponAny: (p: P) =>
      `🎁 A little push to keep going: ${p.percent} % off any course with the code \`${p.code}\`, until ${p.date} (/buy <course> ${p.code}).`,
    firstPurchaseCoupon: (p: P) =>
      `🎁 For your first course: ${p.percent} % off **${p.title}**, which you have been looking at, with the code \`${p.code}\`, until ${p.date}. One tap below uses it.\n/optout recommendations stops these messages.`,
    buttonUseCoupon: "Use my discount",
    buttonBrowseCourses: "See the courses",
    recommendationPick: (p: P) =>
      `✨ Picked for you: **${p.title}** — ${p.reason}.\n/optout recommendations stops these messages.`,
    buttonSeeCourse: "See the course",
    // Member settings
    settings: (p: P) =>
      `**Messages**\nAnnouncements: ${p.announcements}\nRecommendations and offers: ${p.recommendations}\nQuiet hours: ${p.quiet}\nTime zone: ${p.timeZone}\n\n/optout announcements | recommendations | all — /optin … to undo\n/quiet 22 7 — no non-urgent messages from 22:00 to 7:00 (/quiet off)\n/timezone Asia/Shanghai — your time zone`,
    on: "on",
    off: "off",
    quietNone: "none",
    quietRange: (p: P) => `${p.start}:00–${p.end}:00`,
    what: {
      announcements: "announcements",
      recommendations: "recommendations and offers",
      all: "all announcements and offers",
    } as Record<string, string>,
    optedOut: (p: P) => `Done: you will no longer get ${p.what}. /optin ${p.arg} to get them again.`,
    optedIn: (p: P) => `Done: you will get ${p.what} again.`,
    quietSet: (p: P) =>
      `Quiet hours ${p.start}:00–${p.end}:00 (${p.timeZone}): non-urgent messages wait until they end.`,
    quietOff: "Quiet hours off.",
    timeZoneSet: (p: P) => `Time zone: ${p.timeZone}.`,
    usageOptout: "/optout announcements | recommendations | all",
    usageOptin: "/optin announcements | recommendations | all",
    usageQuiet: "/quiet <start hour 0-23> <end hour 0-23> [time zone] — or /quiet off",
    usageTimezone: "/timezone <zone, like Europe/Berlin or Asia/Shanghai>",
  },
  /** Telegram: group Q&A, payments that need the creator, chats the bot can no longer manage. */
  telegram: {
    questionRecorded: (p: P) =>
      `❓ Question #${p.id} recorded. Reply to it to answer; the asker (or the creator) replies /accept to the best answer.`,
    askUsage: "Ask in a group: /ask <your question>. Replies to it are answers; in a forum, every topic is a question.",
    accepted: (p: P) => `✅ Answer accepted for question #${p.id}. Thank you!`,
    acceptUsage: "Reply to an answer with /accept to mark it as the accepted one.",
    acceptForbidden:
      "Only the person who asked, or the creator, can accept an answer (or a community helper 🎖, one not their own).",
    notAnAnswer: "That message is not an answer in a question thread.",
    privateOnly: (p: P) => `Let's talk in private: ${p.link}`,
    paymentNeedsReview:
      "Your Stars arrived, but they did not match an open order. Nothing is lost: the creator has been told and will sort it out.",
    gateRemoved: "the bot was removed from the chat / 机器人已被移出该群组",
    gateDemoted:
      "the bot is no longer an administrator: make it one with “Invite users via link” and “Ban users” / 机器人已不是管理员：请重新设为管理员，并开启“通过链接邀请用户”和“封禁用户”权限",
    gateMissingRights: (p: P) => `the bot lacks the right(s) ${p.rights} / 机器人缺少权限：${p.rights}`,
  },
  /** Discord: slash command options, modals, forum Q&A, roles the bot cannot manage (details are bilingual). */
  discord: {
    optionArgs: "What comes after the command",
    optionId: "Product id (see /courses)",
    optionCoupon: "Coupon code",
    optionOrder: "Order number",
    optionReason: "Reason",
    optionRequest: "Refund request number",
    optionCode: "The code /link gave you on the other platform",
    optionQuery: "A tag or words",
    optionLanguage: "Language",
    optionMember: "Member: #id or @username",
    optionProduct: "Product id",
    optionDays: "Days (empty: for good)",
    optionLookbackDays: "How many days back (default 3)",
    optionRole: "The paid role",
    optionProducts: "Product ids, separated by spaces",
    optionStart: "A course_<id> or ref_<code> start argument",
    optionFile: "The photo or file",
    optionCaption: "Its caption (optional)",
    couponButton: "🏷 Coupon",
    couponTitle: "Buy with a coupon",
    couponLabel: "Coupon code",
    refundTitle: "Ask for a refund",
    refundReasonLabel: "Why? (optional)",
    addCourseTitle: "Add a course",
    addLessonTitle: "Write a lesson",
    lessonTextLabel: "Text (Markdown)",
    priceLabel: "Price, e.g. 49 or 49.90",
    currencyLabel: "Currency: usd, eur, cny…",
    recurringLabel: "Monthly subscription? yes / no",
    titleEnLabel: "English title",
    titleZhLabel: "Chinese title",
    acceptCommand: "Accept answer",
    dmClosed: "I could not send you a direct message (your DMs are closed), so here it is:",
    guildOnly: "Use this command in the server, not in a direct message.",
    questionRecorded: (p: P) =>
      `❓ Question #${p.id} recorded. Reply in this post to answer; the asker or the creator marks the best reply: right-click it → Apps → Accept answer.`,
    accepted: (p: P) => `✅ Answer accepted for question #${p.id}; the post is marked solved.`,
    acceptForbidden:
      "Only the person who asked, or the creator, can accept an answer (or a community helper 🎖, one not their own).",
    notAnAnswer: "That message is not an answer in a Q&A post.",
    roleAboveMe: (p: P) =>
      `role @${p.role} is above my highest role @${p.mine}: drag my role above it in Server Settings → Roles / 角色 @${p.role} 高于我的最高角色 @${p.mine}：请在“服务器设置 → 身份组”中把我的角色拖到它上面`,
    missingManageRoles: (p: P) =>
      `I lack the Manage Roles permission: give it to my role @${p.mine} in Server Settings → Roles / 我缺少“管理身份组”权限：请在“服务器设置 → 身份组”中为我的角色 @${p.mine} 开启`,
    roleManaged: (p: P) =>
      `role @${p.role} is managed by an integration and cannot be given by hand: bind another role / 角色 @${p.role} 由集成管理，无法手动授予：请绑定其他角色`,
    roleMissing: (p: P) =>
      `role ${p.role} no longer exists in the server: bind an existing role with /gate / 服务器中已没有角色 ${p.role}：请用 /gate 绑定一个现有角色`,
  },
  // --- The answer helper (core/assistant)
  assistant: {
    answer: (p: P) => `💡 **From the course material**\n\n${p.body}`,
    quoted: (p: P) => `💡 **From the course material** (quoted)\n\n${p.body}`,
    sourcesTitle: "**Sources**",
    sourceLesson: (p: P) => `[${p.n}] ${p.course}, lesson ${p.number}: ${p.title}`,
    sourceOther: (p: P) => `[${p.n}] ${p.title}`,
    buttonSource: (p: P) => `Source ${p.n}: ${p.title}`,
    lockedOnly: "This is covered in these lessons, open to those who own the course:",
    lockedAlso: "**More in these lessons, open to those who own the course:**",
    lockedLine: (p: P) => `• ${p.course}, lesson ${p.number}: ${p.title}`,
    lockedLater: (p: P) => `• ${p.course}, lesson ${p.number}: ${p.title} (it opens for you later)`,
    buttonBuy: (p: P) => `Buy ${p.course} — ${p.price}`,
    buttonRenew: (p: P) => `Renew ${p.course}`,
    buttonLesson: (p: P) => `Open lesson ${p.number}: ${p.title}`,
    dontKnow: (p: P) =>
      `🤔 I don't know: the course material doesn't answer this. I've asked ${p.creator}, who will get back to you.`,
    theCreator: "the creator",
    askUsage: "Ask me anything about the course material: /ask <your question>",
  },
  // --- The answer helper's workflow: votes, drafts, limits, moderation, places (core/assistant/*)
  qa: {
    buttonHelpful: "👍 Helpful",
    buttonNotHelpful: "👎 Not helpful",
    voted: (p: P) => `Thanks for your vote. Helpful: ${p.up} · Not helpful: ${p.down}`,
    voteGone: "That answer is no longer there.",
    limitReached: (p: P) =>
      `You have asked ${p.limit} questions today, the daily limit: the helper answers you again tomorrow. People here can still answer this one.`,
    heldBack: "Your question was held back for review and was not answered.",
    draftHeader: (p: P) => `📝 **Draft answer** to question #${p.id} from ${p.member}:\n“${p.question}”`,
    buttonApprove: "✅ Approve",
    buttonEdit: "✏️ Edit",
    buttonReject: "🗑 Reject",
    draftApproved: (p: P) => `Approved: the answer to question #${p.id} is being posted in its thread.`,
    draftRejected: (p: P) => `Rejected: nothing is posted for question #${p.id}.`,
    draftEdited: (p: P) => `Your text is being posted as the answer to question #${p.id}.`,
    draftAskText: (p: P) => `Send the answer to question #${p.id} exactly as it should be posted. (/cancel to stop)`,
    draftGone: "That draft was already approved, edited or rejected.",
    draftNotText: "Send the answer as a text message, or /cancel.",
    reviewedAnswer: (p: P) => `💡 **Answer**\n\n${p.body}`,
    helperUsage: "/helper auto|draft|off in a Q&A group or forum, or /helper <auto|draft|off> <place id> anywhere",
    modeNames: { auto: "answers at once", draft: "drafts for your approval", off: "stays out" } as Record<
      string,
      string
    >,
    modeSet: (p: P) => `The answer helper in ${p.place}: **${p.mode}**.`,
    placesTitle: "**Q&A places** — change one with /helper <auto|draft|off> <id>:",
    placeLine: (p: P) => `#${p.id} ${p.place} — ${p.mode}`,
    placeDefault: (p: P) => `${p.mode} (the default)`,
    noPlaces: "No question has been asked in a group or forum yet. Run /helper auto|draft|off in the place itself.",
    noSuchPlace: (p: P) => `There is no Q&A place #${p.id}. /helper lists them.`,
    unansweredTitle: (p: P) => `**Open questions** (${p.count}), newest first:`,
    unansweredLine: (p: P) => `#${p.id} · ${p.when} · ${p.member}: “${p.question}”`,
    unansweredPrivate: "(asked in a private chat)",
    unansweredNone: "Every question has an answer.",
    buttonOpenQuestion: (p: P) => `Open #${p.id}`,
  },
  // --- Insights: reasons behind a churn risk score (core/insights/explain-churn-risk.ts)
  insights: {
    noEventFor: (p: P) => `no ${p.event} for ${p.days} days`,
    noActivityFor: (p: P) => `no activity for ${p.days} days`,
    activityDown: (p: P) => `activity down ${p.percent} % on the ${p.days} days before`,
    fewActiveDays: (p: P) =>
      p.active === 0
        ? `not active on any of the last ${p.days} days`
        : `active on only ${p.active} of the last ${p.days} days`,
    belowCommunity: "less active than most members of the community",
    paymentPastDue: "payment past due",
    renewalFailed: "renewal failed",
    accessEnding: (p: P) => `access ends in ${p.days} days`,
    accessEnded: "access has ended",
    lowProgress: (p: P) => `${p.percent} % of the course done`,
    noQuestions: "no questions or answers in the last 30 days",
    newMember: (p: P) => `joined only ${p.days} days ago`,
    // Recommendations: /foryou and the reasons (core/insights/recommendation-reason.ts)
    reasonBecause: (p: P) => `because you took ${p.title}`,
    reasonPopular: "popular with members",
    reasonNextLesson: (p: P) => `lesson ${p.number} is next for you`,
    reasonLookedAt: "you have been looking at it",
    forYouTitle: "**For you**",
    forYouLine: (p: P) => `${p.rank}. **${p.title}** — ${p.kind}, ${p.price}\n    ${p.reason}`,
    forYouEmpty: "Nothing new to recommend right now: you have what fits you. /courses shows the whole catalog.",
    forYouHint: "Tap one for its details. /optout recommendations stops recommendation messages (this list stays).",
    buttonForYouDetails: (p: P) => `${p.rank}. ${p.title}`,
    buttonForYouBuy: (p: P) => `Buy ${p.rank} — ${p.price}`,
    // /atrisk for creators (core/conversation/commands/creator-atrisk.ts)
    atRiskTitle: (p: P) =>
      `**Members at risk of leaving** (scored ${p.date}; risk = chance of no activity or no renewal within ${p.days} days):`,
    atRiskLine: (p: P) => `#${p.id} ${p.name} — ${p.percent} %: ${p.reasons}`,
    atRiskNoReason: "no single reason stands out",
    reasonSeparator: "; ",
    atRiskOptedOut: "(opted out of offers)",
    atRiskEmpty: "No risk scores yet: they are computed once a day for members who are active or paying.",
    atRiskHint:
      "Nudge sends the member their next lesson; Coupon gives them 20 % off for 7 days. Both at most once a day per member.",
    buttonNudge: (p: P) => `Nudge ${p.name}`,
    buttonCoupon: (p: P) => `Coupon ${p.name}`,
    nudgeQueued: (p: P) => `Nudge on its way to ${p.name} (after their quiet hours, if any).`,
    nudgeAlready: (p: P) => `${p.name} has already been nudged today.`,
    couponSent: (p: P) => `Coupon \`${p.code}\` (${p.percent} % off, 7 days, one use) on its way to ${p.name}.`,
    couponAlready: (p: P) => `${p.name} already got a coupon today: \`${p.code}\`.`,
    retentionOptedOut: (p: P) => `${p.name} opted out of offers: nothing was sent.`,
    retentionUnreachable: (p: P) => `${p.name} cannot be reached on any running platform: nothing was sent.`,
    retentionNotFound: (p: P) => `There is no member #${p.id} to message.`,
    /** What "no … for N days" names, per event type; an unknown type is shown as is. */
    eventTypes: {
      lesson_opened: "lesson opened",
      lesson_completed: "lesson completed",
      preview_opened: "preview opened",
      file_downloaded: "file downloaded",
      live_joined: "live session joined",
      question_asked: "question asked",
      order_created: "order",
      course_viewed: "course viewed",
      access: "visit",
      video: "video watched",
      problem: "exercise attempted",
      discussion: "forum post",
      wiki: "wiki page read",
      navigate: "page browsed",
      page_close: "page read",
    } as Record<string, string>,
  },
  // --- Privacy (/mydata, /erase) and billing self-service (/billing, /paysupport, /terms)
  privacy: {
    mydataSent:
      "Here is everything Lyceum keeps about you, as a JSON file. It is personal: keep it somewhere safe. /erase deletes it.",
    privateOnly: "For your privacy, send this command in a private chat with me.",
    eraseExplain:
      '**Erase your data**\nThis deletes your name, usernames and every linked platform account, your progress, activity, reviews, votes, recommendations and message history, and replaces the text of your questions, answers and lesson comments with "[erased]". Your access ends now, you leave paid channels, and running subscriptions are stopped.\n\nKept, anonymised: your orders, payments and refunds (amounts and dates), because accounting law requires it (see /terms).\n\nThis cannot be undone. Send /mydata first if you want a copy.',
    buttonContinue: "Continue",
    eraseConfirm: (p: P) =>
      `**Are you sure?** Press the button within ${p.minutes} minutes to erase everything now; /cancel keeps your data.`,
    buttonEraseNow: "Erase my data now",
    eraseExpired: "That confirmation has expired or is not valid: nothing was erased. Send /erase to start again.",
    eraseWaiting: "Nothing was erased yet. Press **Erase my data now** above, or /cancel to keep your data.",
    erased: "Your data has been erased. If you write to me again, you start as a new member. Goodbye!",
    eraseStaff:
      "An owner or creator cannot erase their data while holding the role: ask the owner to make you a member first (/role).",
    eraseUnavailable:
      "Your subscription could not be stopped at the payment provider right now, so nothing was erased. Please try again in a few minutes.",
    eraseOnlyYourself: "/erase erases only your own data and takes no name or id: nobody can erase someone else.",
  },
  billing: {
    portal:
      "**Billing**\nManage your subscription on Stripe's secure page: cancel at the end of the period (you keep access until then), change your card, download invoices. The link is valid for a short while.",
    buttonPortal: "Open the billing page",
    noSubscription:
      "You have no running subscription to manage. One-time purchases need no billing page: /orders lists them.",
    starsOnly:
      "Your subscription is paid with Telegram Stars: manage or cancel it in Telegram (Settings → My Stars → Subscriptions).",
    unavailable:
      "The billing page can't be opened right now. Please try again in a minute; /paysupport if it keeps failing.",
    paySupportTitle: "**Payment support**",
    paySupport:
      "A problem with a payment, a charge you don't recognise, or a refund? Write to us here in this chat:\n/orders — your orders and their state\n/refund <order> [reason] — ask for a refund; the creator answers here\n/billing — manage or cancel a subscription\n\nTelegram's own support cannot help with purchases made in this bot.",
    termsTitle: "**Terms of sale**",
    terms:
      "• You buy access to digital content (courses, articles, live sessions) for your own use, for the length shown with the offer; paid material may not be shared.\n• The price is shown before you pay. Subscriptions renew every period until you cancel (/billing; Stars subscriptions in Telegram) and access lasts until the end of the period paid.\n• Refunds: ask with /refund <order>; the creator decides, and a refunded purchase loses its access.\n• Your data: /mydata gives you a copy, /erase deletes it; orders, payments and refunds are kept anonymised for as long as accounting law requires (up to 10 years).\n• Help with a payment: /paysupport.",
    /** The creator's own text (PAY_SUPPORT_TEXT, TERMS_TEXT): escaped like any value, so it shows as written. */
    custom: (p: P) => `${p.text}`,
  },
  // --- Free trials (/trial)
  trial: {
    started: (p: P) =>
      `🎁 Your ${p.days}-day free trial of **${p.title}** has started. It ends on ${p.date}; buy any time to keep it.`,
    buttonStart: "Start the first lesson",
    buttonTrial: (p: P) => `Try it free for ${p.days} days`,
    onTrial: (p: P) => `🎁 Free trial until ${p.date}.`,
    noTrial: (p: P) => `#${p.id} has no free trial. /course ${p.id} shows its price.`,
    alreadyUsed: (p: P) =>
      `You have already had a free trial of #${p.id} (one per course). /buy ${p.id} to keep learning.`,
  },
  discussion: discussionEn,
  moderation: moderationEn,
  // --- Wallet and referral credit (/wallet, /invite)
  wallet: walletEn,
  reviews: reviewsEn,
  reputation: reputationEn,
  dateFormat: "en-US",
};

export type Messages = typeof en;
