/**
 * The re-ranker's soft match: a question word the passage says differently counts for the closest word it has (by
 * the shipped English word vectors), exact words count in full, Chinese keeps the exact shares, and the vector file
 * round-trips through its format.
 */
import { describe, expect, it } from "vitest";
import { analyzeText } from "../../core/assistant/analyze-text.js";
import { buildLexicalIndex, type IndexedChunk } from "../../core/assistant/lexical-index.js";
import { rerankScore, retrievalModelFor } from "../../core/assistant/retrieval-model.js";
import { FEATURE_NAMES, scoreCandidates, weighQuery } from "../../core/assistant/score-candidates.js";
import { parseWordVectors, rowSimilarity, wordVectors } from "../../core/assistant/word-vectors.js";
import { indexedChunk as chunk } from "../support/indexed-chunk.js";

const at = (name: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(name);

function features(chunks: IndexedChunk[], question: string) {
  const index = buildLexicalIndex(chunks);
  const { candidates } = scoreCandidates(index, weighQuery(index, analyzeText(question), question));
  return new Map(candidates.map((c) => [index.chunks[c.position]?.passageId, c]));
}

describe("soft evidence from word vectors", () => {
  it("knows paraphrases apart from unrelated words", () => {
    const vectors = wordVectors();
    const row = (word: string) => vectors.rows.get(word) as number;
    expect(vectors.rows.size).toBe(30_000);
    expect(rowSimilarity(vectors, row("film"), row("movie"))).toBeGreaterThan(0.8);
    expect(rowSimilarity(vectors, row("film"), row("film"))).toBeCloseTo(1, 5);
    expect(rowSimilarity(vectors, row("film"), row("volcano"))).toBeLessThan(0.3);
  });

  it("credits a passage that says the question's word differently, and ranks it above one that does not", () => {
    const byId = features(
      [
        chunk(1, "paraphrase", "The library showed the movie about the harbour at dawn."),
        chunk(2, "unrelated", "The library showed the harbour tour to visitors at dawn."),
        chunk(3, "filler", "Opening hours and parking near the station."),
      ],
      "Which film did the library show?",
    );
    const paraphrase = byId.get("paraphrase")?.features as number[];
    const unrelated = byId.get("unrelated")?.features as number[];
    // Exactly, both hold "library" and "show" and nothing else of the question.
    expect(paraphrase[at("coverage")]).toBeCloseTo(unrelated[at("coverage")] as number, 10);
    expect(paraphrase[at("softCoverage")]).toBeGreaterThan(paraphrase[at("coverage")] as number);
    expect(paraphrase[at("softSentence")]).toBeGreaterThan(paraphrase[at("sentence")] as number);
    expect(unrelated[at("softCoverage")]).toBeCloseTo(unrelated[at("coverage")] as number, 10);
    const { rerank } = retrievalModelFor("en", false);
    expect(rerankScore(paraphrase, rerank)).toBeGreaterThan(rerankScore(unrelated, rerank));
  });

  it("counts exact words in full, and leaves Chinese questions their exact shares", () => {
    const english = features([chunk(1, "same", "The library showed a film.")], "Which film did the library show?");
    const same = english.get("same")?.features as number[];
    expect(same[at("softCoverage")]).toBeCloseTo(same[at("coverage")] as number, 10);
    const chinese = features(
      [chunk(1, "zh", "会员到期前七天会收到提醒。"), chunk(2, "zh2", "可以用二维码付费。")],
      "会员什么时候收到提醒？",
    );
    for (const candidate of chinese.values()) {
      expect(candidate.features[at("softCoverage")]).toBeCloseTo(candidate.features[at("coverage")] as number, 10);
      expect(candidate.features[at("softSentence")]).toBeCloseTo(candidate.features[at("sentence")] as number, 10);
    }
  });

  it("reads the file format back, and refuses a truncated or foreign file", () => {
    const words = ["alpha", "beta"];
    const text = Buffer.from(words.join("\n"));
    const header = Buffer.alloc(12);
    header.writeUInt32LE(2, 0);
    header.writeUInt32LE(3, 4);
    header.writeUInt32LE(text.length, 8);
    const body = Buffer.from(new Int8Array([127, 0, 0, 64, 64, 0]).buffer);
    const file = Buffer.concat([Buffer.from("LYWV1\n"), header, text, body]);
    const parsed = parseWordVectors(file);
    expect([...parsed.rows.keys()]).toEqual(words);
    expect(rowSimilarity(parsed, 0, 1)).toBeCloseTo(Math.SQRT1_2, 5);
    expect(() => parseWordVectors(file.subarray(0, file.length - 1))).toThrow(/truncated/);
    expect(() => parseWordVectors(Buffer.from("hello world, this is not it"))).toThrow(/not a word-vector file/);
  });
});
