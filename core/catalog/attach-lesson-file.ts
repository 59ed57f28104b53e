/**
 * A photo or file the creator sent in chat, attached to a lesson after its other files. Telegram files are kept by
 * their file id (Telegram stores them); bytes (a Discord upload, a console file) are stored like a folder's files.
 * Staff only.
 */
import { createHash } from "node:crypto";
import type { CoreContext } from "../context.js";
import { requireStaff } from "../identity/roles.js";
import { truncateText } from "../text.js";

/**
 * A file as an adapter hands it over. Telegram keeps files on its servers: the `telegramFileId` is enough to send it
 * again. Discord's attachment addresses are signed and expire, and the console reads a file on the creator's own
 * machine: those adapters read the bytes at once and pass `data`. Core never fetches anything itself.
 */
export interface IncomingFile {
  kind: "photo" | "document";
  /** What the platform calls it; photos often have none (core names them). */
  fileName?: string;
  mimeType?: string;
  caption?: string;
  telegramFileId?: string;
  data?: Uint8Array;
}

export interface AttachLessonFileOptions {
  staffMemberId: number;
  lessonId: number;
  file: IncomingFile;
}

/**
 * @returns the attachment's position in the lesson (1-based)
 * @example await attachLessonFile(ctx, { staffMemberId, lessonId, file: { kind: "photo", telegramFileId } })
 */
export async function attachLessonFile(ctx: CoreContext, options: AttachLessonFileOptions): Promise<number> {
  await requireStaff(ctx, options.staffMemberId);
  const { file } = options;
  if (!file.telegramFileId && !file.data) throw new Error("a file needs a Telegram file id or its bytes");
  return ctx.prisma.$transaction(async (tx) => {
    const existing = await tx.lessonAttachment.findMany({
      where: { lessonId: options.lessonId },
      select: { fileName: true, position: true },
    });
    const position = Math.max(0, ...existing.map((row) => row.position)) + 1;
    const fileName = uniqueName(
      safeName(file.fileName) || (file.kind === "photo" ? `photo-${position}.jpg` : `file-${position}`),
      new Set(existing.map((row) => row.fileName)),
    );
    await tx.lessonAttachment.create({
      data: {
        lessonId: options.lessonId,
        position,
        kind: file.kind === "photo" ? "PHOTO" : "DOCUMENT",
        fileName,
        mimeType: file.mimeType || (file.kind === "photo" ? "image/jpeg" : "application/octet-stream"),
        caption: truncateText((file.caption ?? "").trim(), 1000),
        data: file.data ? Buffer.from(file.data) : null,
        sha256: file.data ? createHash("sha256").update(file.data).digest("hex") : "",
        telegramFileId: file.telegramFileId ?? null,
      },
    });
    return position;
  });
}

/** A name as it would be in a course folder: no path, nothing an export could not write. */
function safeName(name: string | undefined): string {
  return truncateText((name ?? "").replace(/^.*[\\/]/, "").replace(/[^\w.-]+/g, "_"), 100).replace(/^[._]+/, "");
}

/** (lessonId, fileName) is unique: a second `chart.png` becomes `chart-2.png`. */
function uniqueName(name: string, taken: ReadonlySet<string>): string {
  const dot = name.lastIndexOf(".");
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  let candidate = name;
  for (let suffix = 2; taken.has(candidate); suffix++) candidate = `${stem}-${suffix}${extension}`;
  return candidate;
}
