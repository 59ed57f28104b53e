/** The analysers of the knowledge index: English stemming and stop words, Chinese segmentation, mixed text. */
import { describe, expect, it } from "vitest";
import { analyzeText, isMostlyChinese } from "../../core/assistant/analyze-text.js";
import { parseKnowledgeDocument } from "../../core/assistant/parse-knowledge-document.js";
import { splitMarkdown } from "../../core/assistant/split-markdown.js";

describe("English analysis", () => {
  it.each([
    ["Earthquakes", "earthquake"],
    ["renewing", "renewal"],
    ["Payments", "payment"],
    ["subscriptions", "subscription"],
  ])("%s and %s meet on one stem", (a, b) => {
    expect(analyzeText(a)).toEqual(analyzeText(b));
  });

  it("drops stop words, folds accents and keeps numbers whole", () => {
    expect(analyzeText("What is the price of Beyoncé's 2008 tour?")).toEqual(["price", "beyonc", "2008", "tour"]);
  });
});

describe("Chinese analysis", () => {
  it.each(["付费", "续费", "数据库", "二维码"])("keeps the domain word %s whole", (word) => {
    expect(analyzeText(`如何${word}的问题`)).toContain(word);
  });

  it("adds the sub-words and character bigrams of a long word", () => {
    const terms = analyzeText("数据库");
    expect(terms).toEqual(expect.arrayContaining(["数据", "数据库", "~数据", "~据库"]));
  });

  it("cuts mixed text into its scripts, digits and Latin words apart from the Chinese around them", () => {
    const terms = analyzeText("在2000年用Stripe付费");
    expect(terms).toEqual(expect.arrayContaining(["2000", "stripe", "付费"]));
    expect(terms.some((term) => /[a-z0-9]/.test(term) && /\p{Script=Han}/u.test(term))).toBe(false);
  });

  it("tells the language of a text", () => {
    expect(isMostlyChinese("如何续费 Stripe 会员")).toBe(true);
    expect(isMostlyChinese("How do I renew 会员?")).toBe(false);
  });
});

describe("splitting Markdown", () => {
  it("keeps the heading path of each passage and ignores # inside code", () => {
    const passages = splitMarkdown("# Course\nIntro\n## Payments\nPay\n```\n# not a heading\n```\n### Stars\nXTR");
    expect(passages.map((p) => p.headingPath.join(" > "))).toEqual([
      "Course",
      "Course > Payments",
      "Course > Payments > Stars",
    ]);
    expect(passages[1]?.text).toContain("# not a heading");
  });

  it("makes every ## section of an imported document a passage named by its heading", () => {
    const doc = parseKnowledgeDocument(
      "# iPod\nAbout\n## s003-00\nFirst\n### Detail\nMore\n## s003-01\nSecond",
      "3.md",
    );
    expect(doc.title).toBe("iPod");
    expect(doc.passages.map((p) => p.passageId)).toEqual(["iPod", "s003-00", "s003-01"]);
    expect(doc.passages[1]?.content).toContain("More");
  });
});
