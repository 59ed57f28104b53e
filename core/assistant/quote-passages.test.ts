import { describe, expect, it } from "vitest";
import { quotePassages, sentencesOf } from "./quote-passages.js";

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

describe("quoting the passages that speak to the question", () => {
  it("leaves out a later passage that shares only a question word with the question", () => {
    const body = quotePassages(
      "怎么评估提示词？",
      [
        { number: 1, text: "每次修改提示词后，都要用一组测试用例评估它。" },
        { number: 2, text: "文中都附上了数据，以及如果重来我会怎么做。" },
      ],
      { maxChars: 1500 },
    );
    expect(body).toBe("“每次修改提示词后，都要用一组测试用例评估它。” [1]");
  });

  it("quotes the best passage even when no sentence shares a term, but no later one that shares none", () => {
    const passages = [
      { number: 1, text: "Keep a set of cases and run them after each edit. Compare the results." },
      { number: 2, text: "Here is what I did in my first year." },
    ];
    expect(quotePassages("How should I check a prompt?", passages, { maxChars: 1500 })).toBe(
      "“Keep a set of cases and run them after each edit. … Compare the results.” [1]",
    );
    // A later passage that does share a term is quoted after it.
    const shared = [...passages, { number: 3, text: "Check every prompt against the same cases." }];
    expect(quotePassages("How should I check a prompt?", shared, { maxChars: 1500 })).toContain("[3]");
  });
});
