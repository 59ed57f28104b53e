/**
 * The evidence retrieval ranks and abstains on, over generated material: sentences, answer types, prefix matches,
 * and the question's content words measured on one scale in both languages.
 */
import { describe, expect, it } from "vitest";
import { abstentionFeatures } from "../../core/assistant/abstention-features.js";
import { analyzeText } from "../../core/assistant/analyze-text.js";
import { buildLexicalIndex, prefixTerm } from "../../core/assistant/lexical-index.js";
import { questionLanguage } from "../../core/assistant/question-language.js";
import { questionUnits, unitCoverage } from "../../core/assistant/question-units.js";
import { ABSTAIN_FEATURE_NAMES, rerankScore, retrievalModelFor } from "../../core/assistant/retrieval-model.js";

/** The re-ranker the product uses for this question without a sentence-encoder vector. */
const weightsFor = (question: string) => retrievalModelFor(questionLanguage(question), false).rerank;

import { FEATURE_NAMES, scoreCandidates, weighQuery } from "../../core/assistant/score-candidates.js";
import { answerType, sentenceEvidence, splitSentences } from "../../core/assistant/sentence-evidence.js";
import { indexedChunk as chunk } from "../support/indexed-chunk.js";

const feature = (name: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(name);

describe("sentences", () => {
  it("splits English and Chinese text into sentences, keeping abbreviations of numbers whole", () => {
    expect(splitSentences("The tour began in 2008. It ended in Paris! Why? 3.5 million came.")).toEqual([
      "The tour began in 2008.",
      "It ended in Paris!",
      "Why?",
      "3.5 million came.",
    ]);
    expect(splitSentences("会员到期前七天会收到提醒。可以用二维码付费！")).toEqual([
      "会员到期前七天会收到提醒。",
      "可以用二维码付费！",
    ]);
  });

  it.each([
    ["When did the tour start?", "year"],
    ["In what year was it founded?", "year"],
    ["How many people came?", "number"],
    ["Who founded the company?", "person"],
    ["What colour is the logo?", "other"],
    ["他是哪一年出生的？", "year"],
    ["一共有多少名乘客？", "number"],
    ["成公英是谁的将领？", "person"],
  ])("reads the answer type of %s as %s", (question, type) => {
    expect(answerType(question)).toBe(type);
  });

  it("prefers the passage that holds the question's words in one sentence over one that scatters them", () => {
    const together = chunk(
      1,
      "together",
      "The band played in Houston. The refund policy changed in 2011 after complaints. Tickets sold out.",
    );
    const scattered = chunk(
      2,
      "scattered",
      "The refund desk opened early. Many fans waited outside. The policy on merchandise changed in spring.",
    );
    const terms = analyzeText("When did the refund policy change?");
    const idf = terms.map(() => 1);
    const one = sentenceEvidence(together, terms, idf, terms.length, "year");
    const other = sentenceEvidence(scattered, terms, idf, terms.length, "year");
    expect(one.sentence).toBe(1);
    expect(other.sentence).toBeLessThan(1);
    expect(one.typeMatch).toBe(1);
    expect(other.typeMatch).toBe(0);
  });
});

describe("prefix matching", () => {
  it("lets derivations the stemmer keeps apart meet in the prefix field", () => {
    const [compete] = analyzeText("compete");
    const [competitions] = analyzeText("competitions");
    expect(compete).not.toBe(competitions);
    expect(prefixTerm(compete as string)).toBe(prefixTerm(competitions as string));
    expect(prefixTerm("~四川")).toBe("~四川");
    expect(prefixTerm("2008")).toBe("2008");
  });

  it("ranks the passage that uses the question's word in another form above one that does not", () => {
    const index = buildLexicalIndex([
      chunk(1, "marriage", "Her marriage to the singer took place in a small chapel in 2008."),
      chunk(2, "chapel", "The small chapel hosts a singer every week and was restored in 2008."),
    ]);
    const question = "Who did she marry in the chapel?";
    const query = weighQuery(index, analyzeText(question), question);
    const { candidates } = scoreCandidates(index, query);
    const byPassage = new Map(candidates.map((c) => [index.chunks[c.position]?.passageId, c]));
    const prefix = feature("prefixCoverage");
    const plain = feature("coverage");
    expect(byPassage.get("marriage")?.features[prefix]).toBeGreaterThan(
      byPassage.get("chapel")?.features[prefix] as number,
    );
    expect(byPassage.get("marriage")?.features[plain]).toBe(byPassage.get("chapel")?.features[plain]);
  });
});

describe("content words of a question", () => {
  const index = buildLexicalIndex([
    chunk(1, "t000", "成公英是金城人，东汉末群雄韩遂的信任将领。韩遂失败后，成公英跟随韩遂投靠羌人。"),
    chunk(2, "t001", "温泉关位于希腊，是一处狭窄的沿海通道，以温泉闻名。"),
    chunk(3, "s000", "The earthquake struck Sichuan in May 2008 and rescue teams arrived within days."),
  ]);

  it("leaves out Chinese interrogatives and straddling bigrams, so an answerable question is fully covered", () => {
    const units = questionUnits(index, analyzeText("韩遂为什么要投靠羌人？"));
    expect(units.terms).not.toContain("为什么");
    expect(units.terms.some((term) => term.startsWith("~"))).toBe(false);
    expect(units.unseenShare).toBe(0);
    expect(unitCoverage(units, new Set(index.chunks[0]?.terms))).toBe(1);
    expect(unitCoverage(units, new Set(index.chunks[1]?.terms))).toBe(0);
  });

  it("counts a question about a name the material never uses as unseen, in either language", () => {
    expect(questionUnits(index, analyzeText("米开朗基罗画了什么？")).unseenShare).toBeGreaterThan(0.5);
    expect(questionUnits(index, analyzeText("Who painted the Sistine Chapel?")).unseenShare).toBe(1);
    expect(questionUnits(index, analyzeText("When was the Sichuan earthquake?")).unseenShare).toBe(0);
  });

  it("gives an answerable question higher coverage features than an unanswerable one of the other language", () => {
    const features = (question: string) => {
      const analysed = analyzeText(question);
      const query = weighQuery(index, analysed, question);
      const reranked = scoreCandidates(index, query)
        .candidates.map((candidate) => ({ candidate, score: rerankScore(candidate.features, weightsFor(question)) }))
        .sort((a, b) => b.score - a.score);
      return abstentionFeatures(index, reranked, questionUnits(index, analysed));
    };
    const coverage = 3; // ABSTAIN_FEATURE_NAMES: unitCoverage
    expect(features("成公英是谁的将领？")[coverage]).toBe(1);
    expect(features("When was the Sichuan earthquake?")[coverage]).toBe(1);
    expect(features("温泉关的国王是谁？")[coverage]).toBeLessThan(1);
    expect(features("Which rescue teams came from Japan?")[coverage]).toBeLessThan(1);
  });

  it("tells whether the question names what the best passage's lesson is about, in either language", () => {
    const titled = buildLexicalIndex([
      chunk(1, "launch", "It was released in October 2001 and sold millions in its first years.", "iPod"),
      chunk(2, "eruption", "The volcano erupted in May 1980 after weeks of small earthquakes.", "Mount St. Helens"),
      chunk(3, "quake", "二〇〇八年五月，地震造成了严重的破坏。", "四川地震"),
    ]);
    const features = (question: string) => {
      const analysed = analyzeText(question);
      const reranked = scoreCandidates(titled, weighQuery(titled, analysed, question))
        .candidates.map((candidate) => ({ candidate, score: rerankScore(candidate.features, weightsFor(question)) }))
        .sort((a, b) => b.score - a.score);
      return abstentionFeatures(titled, reranked, questionUnits(titled, analysed));
    };
    const title = ABSTAIN_FEATURE_NAMES.indexOf("titleCoverage");
    expect(features("When was the iPod released?")[title]).toBeGreaterThan(0.3);
    expect(features("When was it released, and how many were sold?")[title]).toBe(0);
    expect(features("四川地震是哪一年发生的？")[title]).toBeGreaterThan(0.3);
    expect(features("破坏是哪一年发生的？")[title]).toBe(0);
  });
});
