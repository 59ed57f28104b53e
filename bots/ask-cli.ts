/**
 * `npm run ask -- --batch questions.csv --out answers.csv [--no-abstain]`: the evaluation command. Reads
 * `question_id,question`, writes `question_id,rank,passage_id` for the passages it would cite (best first, up to 3),
 * and no row for a question it abstains on; `--no-abstain` cites even then, to measure the ranking alone.
 * `npm run ask -- "<question>"` prints the citations for one question.
 *
 * Exit codes: 0 done, 2 usage, 1 failed.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { retrievePassages } from "../core/assistant/retrieve-passages.js";
import { formatCsvRow, parseCsv } from "./csv.js";
import { openCommandDatabase } from "./knowledge-database.js";
import { openAiEmbeddingsFromEnv } from "./openai-embeddings.js";
import { sentenceEncoderFromEnv } from "./sentence-encoder.js";

const usage =
  'usage: npm run ask -- --batch questions.csv --out answers.csv [--no-abstain]   |   npm run ask -- "<question>"';
const args = process.argv.slice(2);
const optionValue = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const noAbstain = args.includes("--no-abstain");
const batch = optionValue("--batch");
const out = optionValue("--out");
const single = args.filter((arg) => !arg.startsWith("--")).join(" ");

if (batch ? !out || !existsSync(batch) : !single) {
  process.stderr.write(batch && !existsSync(batch) ? `No file at ${batch}.\n` : `${usage}\n`);
  process.exit(2);
}

const db = await openCommandDatabase();
const embeddings = openAiEmbeddingsFromEnv(process.env);
const encoder = sentenceEncoderFromEnv(process.env);
try {
  if (batch && out) {
    const rows = parseCsv(readFileSync(batch, "utf8"));
    let text = formatCsvRow(["question_id", "rank", "passage_id"]);
    let abstained = 0;
    for (const row of rows) {
      const result = await retrievePassages({
        prisma: db.prisma,
        question: row.question ?? "",
        embeddings,
        encoder,
        noAbstain,
      });
      if (result.abstained) abstained += 1;
      result.passages.forEach((passage, i) => {
        text += formatCsvRow([row.question_id ?? "", i + 1, passage.chunk.passageId]);
      });
    }
    writeFileSync(out, text);
    console.log(`${rows.length} questions, ${abstained} abstained; citations written to ${out}`);
  } else {
    const result = await retrievePassages({ prisma: db.prisma, question: single, embeddings, encoder, noAbstain });
    console.log(
      result.abstained
        ? `I don't know (answerable: ${result.answerable.toFixed(2)})`
        : `answerable: ${result.answerable.toFixed(2)}`,
    );
    result.passages.forEach((passage, i) => {
      const where = [passage.chunk.title, passage.chunk.headingPath].filter(Boolean).join(" > ");
      console.log(`[${i + 1}] ${passage.chunk.passageId} (${where})\n    ${passage.chunk.content.slice(0, 200)}`);
    });
  }
} catch (error) {
  process.stderr.write(`ask failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await encoder?.close();
  await db.close();
}
