import { describe, expect, it } from "vitest";
import { applyCoupon, formatMoney, parseAmount } from "./pricing.js";

describe("applyCoupon", () => {
  it.each([
    [4900, "usd", null, 4900],
    [4900, "usd", { percentOff: 10, amountOff: null, currency: null }, 4410],
    [4900, "usd", { percentOff: 100, amountOff: null, currency: null }, 0],
    [4900, "usd", { percentOff: null, amountOff: 1000, currency: "usd" }, 3900],
    [4900, "usd", { percentOff: null, amountOff: 9000, currency: "usd" }, 0],
    [4900, "cny", { percentOff: null, amountOff: 1000, currency: "usd" }, 4900],
  ])("%i %s with %o → %i", (amount, currency, coupon, expected) => {
    expect(applyCoupon(amount, currency, coupon)).toBe(expected);
  });
});

describe("formatMoney and parseAmount", () => {
  it("formats per locale and currency", () => {
    expect(formatMoney(4900, "usd", "en")).toBe("$49.00");
    expect(formatMoney(19900, "cny", "zh")).toBe("¥199.00");
    expect(formatMoney(500, "jpy", "en")).toBe("¥500");
    expect(formatMoney(250, "XTR", "en")).toBe("⭐250");
  });
  it.each([
    ["49", "usd", 4900],
    ["49.9", "usd", 4990],
    ["19,99", "eur", 1999],
    ["500", "jpy", 500],
    ["5.5", "jpy", null],
    ["abc", "usd", null],
    ["-3", "usd", null],
  ])("parses %s %s", (text, currency, expected) => {
    expect(parseAmount(text, currency)).toBe(expected);
  });
});
