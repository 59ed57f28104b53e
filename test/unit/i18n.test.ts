import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../core/app-error.js";
import { en } from "../../core/i18n/en.js";
import { zh } from "../../core/i18n/zh.js";

/** Every key of a catalog, flattened (`errors.FORBIDDEN`, `notices.paymentReceived`, …). */
function keys(object: object, prefix = ""): string[] {
  return Object.entries(object).flatMap(([key, value]) =>
    value && typeof value === "object" ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

describe("translations", () => {
  it("Chinese has exactly the English keys, nested ones included", () => {
    expect(keys(zh).sort()).toEqual(keys(en).sort());
  });

  it("every error code has a message in both languages", () => {
    for (const code of ERROR_CODES) {
      expect(typeof en.errors[code]).toBe("function");
      expect(typeof zh.errors[code]).toBe("function");
    }
  });

  it("Chinese texts are actually Chinese, not copies of the English", () => {
    // Lines that are only a layout of values (numbers, titles, prices) carry no words of their own.
    const LAYOUT_ONLY = new Set([
      "catalogLine",
      "libraryLine",
      "gateLine",
      "orderLine",
      "pendingLine",
      "reconcileLine",
      "usage.language",
      "dateFormat",
      "insights.forYouLine",
      "insights.buttonForYouDetails",
      "insights.atRiskLine",
      "insights.reasonSeparator",
      "experiments.withVerdict",
      "billing.custom",
      "usage.top",
      "reviews.line",
      "reviews.lineStaff",
      "reputation.topLine",
      "discussion.comment",
      "discussion.reply",
      "discussion.mirrored",
    ]);
    const params = { name: "x", id: 1, order: 2, gate: "g", days: 3, refund: 4, code: "C", title: "t", price: "$1" };
    const entries = (object: object, prefix = ""): [string, unknown][] =>
      Object.entries(object).flatMap(([key, value]) =>
        value && typeof value === "object"
          ? entries(value, `${prefix}${key}.`)
          : [[`${prefix}${key}`, value] as [string, unknown]],
      );
    const notChinese = entries(zh)
      .filter(([key]) => !LAYOUT_ONLY.has(key))
      .map(([key, value]) => [key, typeof value === "function" ? String(value(params)) : String(value)] as const)
      .filter(([, text]) => !/\p{Script=Han}/u.test(text))
      .map(([key]) => key);
    expect(notChinese).toEqual([]);
  });
});
