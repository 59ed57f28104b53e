/**
 * A lesson's images and files as adapters send them: the bytes imported from the course folder, and the platform's
 * own id once the file was uploaded there, so a photo goes up once and every later lesson open reuses its file id.
 *
 * @example
 * const file = await loadAttachment(ctx, ref.id);             // bytes, mime type, cached ids
 * await rememberAttachmentFileId(ctx, ref.id, { telegramFileId: sent.photo.at(-1).file_id });
 */
import type { CoreContext } from "../context.js";

export interface LoadedAttachment {
  id: number;
  kind: "photo" | "document";
  fileName: string;
  mimeType: string;
  caption: string;
  /** Null when the file only exists on a platform (a creator sent it in chat). */
  data: Uint8Array | null;
  telegramFileId: string | null;
  discordUrl: string | null;
}

/** One attachment with its bytes and cached platform ids; null when it was deleted meanwhile. */
export async function loadAttachment(ctx: Pick<CoreContext, "prisma">, id: number): Promise<LoadedAttachment | null> {
  const row = await ctx.prisma.lessonAttachment.findUnique({ where: { id } });
  if (!row) return null;
  return {
    id: row.id,
    kind: row.kind === "PHOTO" ? "photo" : "document",
    fileName: row.fileName,
    mimeType: row.mimeType,
    caption: row.caption,
    data: row.data ? new Uint8Array(row.data) : null,
    telegramFileId: row.telegramFileId,
    discordUrl: row.discordUrl,
  };
}

/**
 * Keeps the id a platform gave the file when it was first uploaded. A file deleted meanwhile is no error: the next
 * open simply has nothing to send.
 */
export async function rememberAttachmentFileId(
  ctx: Pick<CoreContext, "prisma">,
  id: number,
  ids: { telegramFileId?: string; discordUrl?: string },
): Promise<void> {
  const data: { telegramFileId?: string; discordUrl?: string } = {};
  if (ids.telegramFileId) data.telegramFileId = ids.telegramFileId;
  if (ids.discordUrl) data.discordUrl = ids.discordUrl;
  if (Object.keys(data).length === 0) return;
  await ctx.prisma.lessonAttachment.updateMany({ where: { id }, data });
}

/** Both calls bound to a context: what an adapter's send path is handed (it knows no CoreContext). */
export interface AttachmentStore {
  load(id: number): Promise<LoadedAttachment | null>;
  remember(id: number, ids: { telegramFileId?: string; discordUrl?: string }): Promise<void>;
}

export function attachmentStore(ctx: Pick<CoreContext, "prisma">): AttachmentStore {
  return {
    load: (id) => loadAttachment(ctx, id),
    remember: (id, ids) => rememberAttachmentFileId(ctx, id, ids),
  };
}
