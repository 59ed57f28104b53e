/**
 * The wallet and invitations in the console chat, as `npm start` runs it: a member tops up, the creator confirms the
 * payment by hand, the member pays a course from the balance with the button /buy offers, asks for a refund that
 * goes back to the wallet, and looks at /invite; the creator corrects a balance. One piped session on a fresh database.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { runConsole, transcriptOf } from "../support/console-session.js";
import { createTestDatabaseEnv } from "../support/database.js";

describe("wallet in the console", () => {
  it("top up by hand, pay from the wallet, refund to the wallet, /invite, a creator's correction", async () => {
    const database = await createTestDatabaseEnv();
    onTestFinished(() => database.cleanup());
    const lines = [
      "/start",
      "/wallet",
      "/wallet topup 60",
      "/as creator",
      "/confirm 1",
      "/as member",
      "/wallet",
      "/buy 1",
      "1",
      "/mycourses",
      "/refund 2 wrong course",
      "/as creator",
      "/approve 1",
      "/wallet adjust @member -1 usd rounding",
      "/wallet adjust @member -500 usd too much",
      "/as member",
      "/wallet",
      "/invite",
      "/wallet adjust @member 5 usd me",
    ];
    const run = await runConsole(lines, database.env);
    const context = `--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    expect(run.code, context).toBe(0);
    expect(run.stderr, context).not.toMatch(/"level":(50|60)/);
    const t = transcriptOf(run.stdout);

    expect(t.reply("/wallet", 1)).toContain("Your wallet is empty");
    const topUp = t.reply("/wallet topup 60");
    expect(topUp).toContain("Top-up #1: $60.00 to your wallet.");
    const confirmed = t.reply("/confirm 1");
    expect(confirmed).toContain("Top-up #1 confirmed: the member's wallet is credited");
    expect(confirmed).toContain("Top-up #1 received: $60.00. Wallet balance: $60.00.");
    expect(t.reply("/wallet", 2)).toContain("Balance: $60.00");

    const order = t.reply("/buy 1");
    expect(order).toContain("Order #2 — Python for Data Analysis");
    expect(order).toContain("[1] Pay from wallet (balance $60.00)");
    expect(t.reply("1", 1, "member")).toContain("Order #2 paid from your wallet: $49.00. Balance now $11.00.");
    expect(t.reply("/mycourses")).toContain("Python for Data Analysis");

    expect(t.reply("/approve 1")).toContain("Order #2 refunded to the member's wallet; access closed.");
    expect(t.reply("/wallet adjust @member -1 usd rounding")).toContain("corrected by −$1.00: balance now $59.00");
    expect(t.reply("/wallet adjust @member -500 usd too much")).toContain("may not take it below zero");

    const wallet = t.reply("/wallet", 3);
    expect(wallet).toContain("Balance: $59.00");
    expect(wallet).toContain("correction −$1.00 · rounding");
    expect(wallet).toContain("refund +$49.00 · order #2");
    expect(wallet).toContain("purchase −$49.00 · order #2");
    expect(wallet).toContain("top-up +$60.00 · order #1");

    const invite = t.reply("/invite");
    expect(invite).toContain("Your invite code:");
    expect(invite).toContain("Joined through your link: 0");
    expect(t.reply("/wallet adjust @member 5 usd me")).toContain("Only the creator can do that.");
  }, 120_000);
});
