/**
 * Markdown files with YAML front matter, read so that every problem names its file and line: the `yaml` package
 * keeps node positions, and a zod issue's path is looked up in the parsed document to find the line it is about.
 */
import { isMap, isPair, isScalar, LineCounter, type Node, parseDocument, stringify } from "yaml";
import type { z } from "zod";

/** One thing wrong with a course folder: the file (relative to the imported folder), the line (1-based) and why. */
export interface ContentProblem {
  file: string;
  line: number;
  reason: string;
}

export interface MarkdownFile {
  /** The front matter as plain data (`{}` when the file has none). */
  data: unknown;
  /** The Markdown after the front matter, with leading blank lines and trailing white space removed. */
  body: string;
  /** Line number (1-based) in the file of the body's first line. */
  bodyLine: number;
  /** Line of a key path in the file (the closest existing parent when the key is absent; 1 without front matter). */
  lineOf(path: readonly PropertyKey[]): number;
}

const FENCE = /^---[ \t]*$/;
const CLOSING_FENCE = /^(?:---|\.\.\.)[ \t]*$/;

/**
 * Splits `---` front matter from the body and parses it. Problems (bad YAML, an unclosed front matter) are pushed
 * onto `problems`; the file is still returned so the caller can keep collecting problems of the same course.
 *
 * @example const file = parseMarkdownFile(text, "01-intro.md", problems);
 */
export function parseMarkdownFile(text: string, file: string, problems: ContentProblem[]): MarkdownFile {
  const lines = text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .split("\n");
  let yamlText = "";
  let bodyStart = 0;
  if (lines.length > 0 && FENCE.test(lines[0] ?? "")) {
    const end = lines.findIndex((line, index) => index > 0 && CLOSING_FENCE.test(line));
    if (end < 0) {
      problems.push({ file, line: 1, reason: "the front matter opened with --- is never closed with ---" });
      return emptyFile(lines.slice(1).join("\n"));
    }
    yamlText = lines.slice(1, end).join("\n");
    bodyStart = end + 1;
  }
  // Leading blank lines are layout, not content: the export writes one after the front matter.
  while (bodyStart < lines.length && lines[bodyStart]?.trim() === "") bodyStart += 1;
  const body = lines.slice(bodyStart).join("\n").trimEnd();
  const bodyLine = bodyStart + 1;
  if (!yamlText.trim()) return { data: {}, body, bodyLine, lineOf: () => 1 };

  const counter = new LineCounter();
  const document = parseDocument(yamlText, { lineCounter: counter, prettyErrors: true });
  // The YAML starts on the file's second line, after the opening ---.
  const fileLine = (offset: number) => counter.linePos(offset).line + 1;
  for (const error of document.errors) {
    problems.push({
      file,
      line: (error.linePos?.[0]?.line ?? 0) + 1,
      reason: `invalid YAML: ${error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, "")}`,
    });
  }
  if (document.errors.length) return { data: {}, body, bodyLine, lineOf: () => 1 };

  const lineOf = (path: readonly PropertyKey[]): number => {
    let node: unknown = document.contents;
    let line = document.contents?.range ? fileLine(document.contents.range[0]) : 1;
    for (const key of path) {
      if (!isMap(node) && !(node && typeof node === "object" && "items" in node)) break;
      const collection = node as { items: unknown[] };
      const next = isMap(node)
        ? collection.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key)
        : collection.items[Number(key)];
      if (!next) break;
      const range = isPair(next) ? (next.key as Node).range : (next as Node).range;
      if (range) line = fileLine(range[0]);
      node = isPair(next) ? next.value : next;
    }
    return line;
  };
  return { data: document.toJS() ?? {}, body, bodyLine, lineOf };
}

function emptyFile(body: string): MarkdownFile {
  return { data: {}, body: body.trim(), bodyLine: 2, lineOf: () => 1 };
}

/**
 * Validates front matter with a zod schema; each issue becomes a problem on the line of the field it is about.
 * Returns the parsed value, or null when there were issues.
 */
export function validateFrontMatter<Schema extends z.ZodType>(
  schema: Schema,
  markdown: MarkdownFile,
  file: string,
  problems: ContentProblem[],
): z.output<Schema> | null {
  const result = schema.safeParse(markdown.data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const unknownKeys = issue.code === "unrecognized_keys" ? issue.keys : [];
    if (unknownKeys.length) {
      for (const key of unknownKeys) {
        problems.push({ file, line: markdown.lineOf([...issue.path, key]), reason: `unknown field "${key}"` });
      }
      continue;
    }
    const field = issue.path.map(String).join(".");
    problems.push({
      file,
      line: markdown.lineOf(issue.path),
      reason: field ? `${field}: ${issue.message}` : issue.message,
    });
  }
  return null;
}

/** A Markdown file with front matter, as the export writes it (keys in the given order, absent values left out). */
export function formatMarkdownFile(data: Record<string, unknown>, body: string): string {
  const present = Object.fromEntries(Object.entries(data).filter(([, value]) => value !== undefined && value !== null));
  let front = Object.keys(present).length ? `---\n${stringify(present, { lineWidth: 0 })}---\n` : "";
  // A body that opens with a --- rule would be read back as front matter: an empty one goes first.
  if (!front && FENCE.test(body.split("\n")[0] ?? "")) front = "---\n---\n";
  if (!body) return front;
  return `${front}${front ? "\n" : ""}${body}\n`;
}
