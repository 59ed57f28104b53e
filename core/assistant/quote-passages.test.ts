import { describe, expect, it } from "vitest";
import { sentencesOf } from "./quote-passages.js";

describe("quoting lesson Markdown as plain sentences", () => {
  it("drops emphasis and code marks but keeps names with underscores and stars inside them", () => {
    const [first, second] = sentencesOf(
      'Read it with `pd.read_csv("file.csv")` and **group** with _groupby_. Then call __df.to_excel__ and a*b stays.',
    );
    expect(first).toBe('Read it with pd.read_csv("file.csv") and group with groupby.');
    expect(second).toBe("Then call df.to_excel and a*b stays.");
  });

  it("cuts English and Chinese sentences, and leaves out code blocks and images", () => {
    const text = "第一句。第二句！\n\n```python\nprint(1)\n```\n\n![chart](chart.png) Last one?";
    expect(sentencesOf(text)).toEqual(["第一句。", "第二句！", "Last one?"]);
  });
});
