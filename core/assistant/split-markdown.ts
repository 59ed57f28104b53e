/**
 * Cuts Markdown into passages for the knowledge index: by heading first (each passage remembers the headings above
 * it), then by paragraph when a section is long, so a citation points at the part of a lesson that answers.
 */

export interface MarkdownPassage {
  /** Headings above the passage, outermost first (without the `#` marks). */
  headingPath: string[];
  text: string;
}

/** Sections longer than this are cut between paragraphs: long passages dilute BM25 and read badly when quoted. */
export const PASSAGE_MAX_CHARS = 1_500;

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;

/** Paragraphs of a section packed into passages of at most PASSAGE_MAX_CHARS (a longer paragraph stays whole). */
function packParagraphs(text: string): string[] {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);
  const passages: string[] = [];
  let current = "";
  for (const paragraph of paragraphs) {
    if (current && current.length + paragraph.length + 2 > PASSAGE_MAX_CHARS) {
      passages.push(current);
      current = paragraph;
    } else {
      current = current ? `${current}\n\n${paragraph}` : paragraph;
    }
  }
  if (current) passages.push(current);
  return passages;
}

/**
 * Passages of a Markdown text. Fenced code blocks are kept with their section (a `#` inside them is no heading).
 * `depth` limits which headings start a new section: 2 makes `### ` sub-headings part of their `## ` section.
 *
 * @example splitMarkdown("# Setup\nIntro\n## Payments\nPay with Stars") // two passages, the second under Setup > Payments
 */
export function splitMarkdown(markdown: string, options: { depth?: number } = {}): MarkdownPassage[] {
  const depth = options.depth ?? 6;
  const passages: MarkdownPassage[] = [];
  const path: string[] = [];
  let lines: string[] = [];
  let inFence = false;
  const flush = () => {
    for (const text of packParagraphs(lines.join("\n"))) passages.push({ headingPath: [...path], text });
    lines = [];
  };
  for (const line of markdown.replace(/\r\n?/g, "\n").split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING.exec(line);
    if (heading && (heading[1] as string).length <= depth) {
      flush();
      const level = (heading[1] as string).length;
      path.length = Math.min(path.length, level - 1);
      while (path.length < level - 1) path.push("");
      path.push((heading[2] as string).trim());
    } else {
      lines.push(line);
    }
  }
  flush();
  // Levels skipped (a `###` right under `#`) leave empty slots: drop them.
  return passages.map((passage) => ({ ...passage, headingPath: passage.headingPath.filter(Boolean) }));
}
