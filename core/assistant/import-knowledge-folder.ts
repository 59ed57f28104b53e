/**
 * `npm run knowledge -- import <dir>`: every Markdown file under the folder becomes a document of the knowledge
 * index, every `## heading` section a passage cited by its heading text (parse-knowledge-document.ts). Re-importing
 * is idempotent and incremental: an unchanged file is skipped by its hash, a changed one rewrites only the passages
 * that changed, and documents whose file is gone from the folder are removed.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Database } from "../context.js";
import { isMostlyChinese } from "./analyze-text.js";
import { parseKnowledgeDocument } from "./parse-knowledge-document.js";
import { PASSAGE_MAX_CHARS, splitMarkdown } from "./split-markdown.js";
import { type ChunkDraft, writeChunks } from "./write-chunks.js";

export interface ImportKnowledgeFolderResult {
  collection: string;
  documents: number;
  unchanged: number;
  updated: number;
  removed: number;
  passages: number;
}

function markdownFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith(".")) return markdownFiles(full, base);
      return entry.isFile() && /\.(md|markdown)$/i.test(entry.name) ? [path.relative(base, full)] : [];
    })
    .sort();
}

/** A long section is indexed as several chunks that cite the same passage id. */
function draftsOf(markdown: string, file: string): { title: string; drafts: ChunkDraft[] } {
  const { title, passages } = parseKnowledgeDocument(markdown, file);
  const drafts = passages.flatMap((passage) => {
    const parts =
      passage.content.length > PASSAGE_MAX_CHARS
        ? splitMarkdown(passage.content).map((p) => p.text)
        : [passage.content];
    return parts.map((content) => ({
      locale: isMostlyChinese(content) ? ("zh" as const) : ("en" as const),
      passageId: passage.passageId,
      title,
      headingPath: passage.headingPath,
      content,
    }));
  });
  return { title, drafts };
}

/**
 * @example await importKnowledgeFolder({ prisma, dir: "docs/faq" }) // { documents: 12, updated: 1, … }
 */
export async function importKnowledgeFolder(options: {
  prisma: Database;
  dir: string;
  /** Name that groups the folder's documents (default: the folder's absolute path). */
  collection?: string;
}): Promise<ImportKnowledgeFolderResult> {
  const { prisma } = options;
  const collection = options.collection ?? path.resolve(options.dir);
  const files = markdownFiles(options.dir);
  const known = new Map(
    (await prisma.knowledgeDocument.findMany({ where: { collection } })).map((doc) => [doc.path, doc]),
  );
  const result: ImportKnowledgeFolderResult = {
    collection,
    documents: files.length,
    unchanged: 0,
    updated: 0,
    removed: 0,
    passages: 0,
  };
  for (const file of files) {
    const markdown = readFileSync(path.join(options.dir, file), "utf8");
    const contentHash = createHash("sha256").update(markdown).digest("hex");
    const existing = known.get(file);
    known.delete(file);
    if (existing?.contentHash === contentHash) {
      result.unchanged += 1;
      continue;
    }
    const { title, drafts } = draftsOf(markdown, file);
    const document = existing
      ? await prisma.knowledgeDocument.update({ where: { id: existing.id }, data: { title } })
      : await prisma.knowledgeDocument.create({ data: { collection, path: file, title, contentHash: "" } });
    const written = await writeChunks({
      prisma,
      owner: { source: "DOCUMENT", documentId: document.id },
      sourceHash: contentHash,
      drafts,
    });
    // The hash is stored last: a crash half-way leaves the old hash, and the next import does the file again.
    await prisma.knowledgeDocument.update({ where: { id: document.id }, data: { contentHash } });
    result.updated += 1;
    result.passages += written.written;
  }
  if (known.size) {
    await prisma.knowledgeDocument.deleteMany({ where: { id: { in: [...known.values()].map((doc) => doc.id) } } });
    result.removed = known.size;
  }
  return result;
}
