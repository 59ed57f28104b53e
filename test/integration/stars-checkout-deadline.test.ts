/**
 * Telegram fails a Stars payment whose pre-checkout query is not answered within 10 s. When the database is too slow,
 * the answer comes from the invoices this process issued; a payload it did not issue is refused with a "try again".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkStarsCheckout } from "../../core/commerce/check-stars-checkout.js";
import { handleChatRequest } from "../../core/conversation/handle-request.js";
import type { PlatformUser } from "../../core/identity/resolve-member.js";
import { createHarness, type Harness } from "../support/harness.js";

describe("pre-checkout under a slow database", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  const payer: PlatformUser = {
    platform: "TELEGRAM",
    externalId: "700",
    displayName: "Payer",
    username: "payer",
    languageCode: "en",
    chatId: "700",
  };

  async function buyInStars() {
    const reply = await handleChatRequest(h.ctx, {
      user: payer,
      chat: { id: "700", kind: "private" },
      input: { kind: "command", name: "buy", args: ["1"], raw: "1" },
      capabilities: { starsInvoices: true },
    });
    const invoice = reply.messages.find((m) => m.invoice)?.invoice;
    if (!invoice) throw new Error("no Stars invoice");
    return invoice;
  }

  /** Every pooled connection busy for a while: what a burst of slow queries does to the next request. */
  function occupyTheDatabase(seconds: number) {
    return Promise.all(
      Array.from({ length: 12 }, () =>
        h.db.prisma.$transaction((tx) => tx.$queryRawUnsafe(`SELECT pg_sleep(${seconds})::text AS slept`)),
      ),
    );
  }

  it("answers from the database when it is quick", async () => {
    const invoice = await buyInStars();
    const answer = await checkStarsCheckout(h.ctx, {
      payload: invoice.payload,
      user: payer,
      currency: "XTR",
      totalAmount: invoice.amount,
    });
    expect(answer).toEqual({ ok: true });
    const wrongAmount = await checkStarsCheckout(h.ctx, {
      payload: invoice.payload,
      user: payer,
      currency: "XTR",
      totalAmount: invoice.amount - 1,
    });
    expect(wrongAmount.ok).toBe(false);
  });

  it("when the database cannot answer in time, an invoice it issued may be paid and anything else is refused", async () => {
    const invoice = await buyInStars();
    const warnings: string[] = [];
    const quiet = h.ctx.log;
    h.ctx.log = { ...quiet, warn: (_fields, message) => warnings.push(message ?? "") };
    const busy = occupyTheDatabase(4);
    try {
      const issued = await checkStarsCheckout(
        h.ctx,
        { payload: invoice.payload, user: payer, currency: "XTR", totalAmount: invoice.amount },
        200,
      );
      expect(issued).toEqual({ ok: true });
      const forged = await checkStarsCheckout(
        h.ctx,
        { payload: "lyceum:order:999999", user: payer, currency: "XTR", totalAmount: invoice.amount },
        200,
      );
      expect(forged).toEqual({ ok: false, message: expect.stringContaining("nothing was charged") });
      const someoneElse = await checkStarsCheckout(
        h.ctx,
        {
          payload: invoice.payload,
          user: { ...payer, externalId: "701" },
          currency: "XTR",
          totalAmount: invoice.amount,
        },
        200,
      );
      expect(someoneElse.ok).toBe(false);
      // Each answer came from the fast path, not from the database once it was free again.
      expect(warnings.filter((w) => w.includes("fast path"))).toHaveLength(3);
    } finally {
      h.ctx.log = quiet;
      await busy;
    }
  });
});
