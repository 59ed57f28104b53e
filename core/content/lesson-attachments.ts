/**
 * The files a lesson carries: images its Markdown shows (`![chart](chart.png)`) and files its front matter lists
 * (`attachments:`), read from the course folder with their bytes and sha256.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { ContentProblem } from "./front-matter.js";

/** Telegram takes photos up to 10 MB and documents up to 50 MB from a bot; rows this big also bloat backups. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export interface AttachmentFile {
  /** Path relative to the course folder, with `/` (`chart.png`, `files/data.csv`). */
  fileName: string;
  kind: "PHOTO" | "DOCUMENT";
  mimeType: string;
  caption: string;
  data: Uint8Array<ArrayBuffer>;
  sha256: string;
}

/** What a lesson asks for: a file name, the caption, and the line that asked (for problems). */
export interface AttachmentReference {
  target: string;
  caption: string;
  file: string;
  line: number;
}

const MIME_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".svg": "image/svg+xml",
  ".pdf": "application/pdf",
  ".zip": "application/zip",
  ".csv": "text/csv",
  ".txt": "text/plain",
  ".json": "application/json",
  ".ipynb": "application/x-ipynb+json",
  ".py": "text/x-python",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  ".mp3": "audio/mpeg",
  ".mp4": "video/mp4",
};
/** Sent as photos; everything else (GIF and SVG too, which photo methods flatten or refuse) goes as a document. */
const PHOTO_EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".webp"]);

/**
 * How a file is sent, judged by its name as the folder import judges it: the console's `/attach <path>` uses it too.
 *
 * @example fileKindOf("chart.png") // { kind: "photo", mimeType: "image/png" }
 */
export function fileKindOf(fileName: string): { kind: "photo" | "document"; mimeType: string } {
  const extension = path.extname(fileName).toLowerCase();
  return {
    kind: PHOTO_EXTENSIONS.has(extension) ? "photo" : "document",
    mimeType: MIME_TYPES[extension] ?? "application/octet-stream",
  };
}

/**
 * Image references in Markdown outside code (a `![x](y.png)` inside a code block is an example, not a picture),
 * skipping links to the web. Lines are counted from `firstLine`.
 */
export function imageReferences(markdown: string, file: string, firstLine: number): AttachmentReference[] {
  // Blank out code but keep every newline, so offsets still give the right line.
  const blank = (match: string) => match.replace(/[^\n]/g, " ");
  const prose = markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?(?:^\1[ \t]*$|(?![\s\S]))/gm, blank)
    .replace(/`[^`\n]*`/g, blank);
  const references: AttachmentReference[] = [];
  for (const match of prose.matchAll(/!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = match[2] ?? "";
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("/") || target.startsWith("#")) continue;
    const line = firstLine + (prose.slice(0, match.index).match(/\n/g)?.length ?? 0);
    references.push({ target: safeDecode(target), caption: (match[1] ?? "").trim(), file, line });
  }
  return references;
}

function safeDecode(target: string): string {
  try {
    return decodeURI(target);
  } catch {
    return target;
  }
}

/**
 * Reads the referenced files once each (first reference wins for the caption, unless a later one is from the
 * front matter list, which says so explicitly), refusing paths that leave the course folder, missing files and
 * oversized ones.
 */
export function readAttachments(
  courseDir: string,
  references: Array<AttachmentReference & { explicit: boolean }>,
  problems: ContentProblem[],
): AttachmentFile[] {
  const byName = new Map<string, AttachmentFile>();
  for (const reference of references) {
    const absolute = path.resolve(courseDir, reference.target);
    const relative = path.relative(courseDir, absolute);
    if (!relative || relative.startsWith("..") || path.isAbsolute(relative)) {
      problems.push({ ...where(reference), reason: `${reference.target} is outside the course folder` });
      continue;
    }
    const fileName = relative.split(path.sep).join("/");
    const known = byName.get(fileName);
    if (known) {
      if (reference.explicit && reference.caption) known.caption = reference.caption;
      continue;
    }
    let size: number;
    try {
      const stat = statSync(absolute);
      if (!stat.isFile()) throw new Error("not a file");
      size = stat.size;
    } catch {
      problems.push({ ...where(reference), reason: `${reference.target} does not exist in the course folder` });
      continue;
    }
    if (size > MAX_ATTACHMENT_BYTES) {
      problems.push({ ...where(reference), reason: `${reference.target} is larger than 20 MB` });
      continue;
    }
    const data = new Uint8Array(readFileSync(absolute));
    const extension = path.extname(fileName).toLowerCase();
    byName.set(fileName, {
      fileName,
      kind: PHOTO_EXTENSIONS.has(extension) ? "PHOTO" : "DOCUMENT",
      mimeType: MIME_TYPES[extension] ?? "application/octet-stream",
      caption: reference.caption,
      data,
      sha256: createHash("sha256").update(data).digest("hex"),
    });
  }
  return [...byName.values()];
}

const where = (reference: AttachmentReference) => ({ file: reference.file, line: reference.line });
