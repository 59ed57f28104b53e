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
    const params = { name: "x", id: 1, order: 2, gate: "g", days: 3, refund: 4, code: "C", title: "t", price: "$1" };
    const render = (v: unknown) => (typeof v === "function" ? String(v(params)) : String(v));
    const flat = (o: object): unknown[] =>
      Object.values(o).flatMap((v) => (v && typeof v === "object" ? flat(v) : [v]));
    const zhTexts = flat(zh)
      .map(render)
      .filter((t) => t.length > 12 && !t.startsWith("/") && !t.includes("Choose your language"));
    const withHan = zhTexts.filter((t) => /\p{Script=Han}/u.test(t));
    expect(withHan.length / zhTexts.length).toBeGreaterThan(0.95);
  });
});
