/**
 * The import format of `npm run knowledge -- import <dir>`: a Markdown file is a document titled by its `# ` heading
 * (or its file name), and every `## heading` section is a passage whose id is the heading text. `###` headings stay
 * inside their section. Text before the first `##` is a passage named after the document.
 */
import path from "node:path";
import { splitMarkdown } from "./split-markdown.js";

export interface DocumentPassage {
  /** The `## ` heading text: what a citation names. */
  passageId: string;
  headingPath: string;
  content: string;
}

export interface KnowledgeDocumentText {
  title: string;
  passages: DocumentPassage[];
}

/**
 * @example parseKnowledgeDocument("# iPod\n## s003-00\nThe iPod is…", "003-ipod.md").passages[0].passageId // "s003-00"
 */
export function parseKnowledgeDocument(markdown: string, fileName: string): KnowledgeDocumentText {
  const firstTitle = /^#\s+(.+?)\s*#*\s*$/m.exec(markdown);
  const title = firstTitle ? (firstTitle[1] as string) : path.basename(fileName).replace(/\.(md|markdown)$/i, "");
  const passages = splitMarkdown(markdown, { depth: 2 }).map((passage) => {
    // The path is [title, section] under a `# ` title, [section] without one, [] or [title] before any section.
    const rest = firstTitle ? passage.headingPath.slice(1) : passage.headingPath;
    const passageId = rest[0] ?? title;
    return { passageId, headingPath: rest.join(" > "), content: passage.text };
  });
  return { title, passages };
}
