/**
 * A lesson's images and files on the console: written once under the data folder (`<dir>/<id>-<name>`), so the
 * terminal can show where to open them; render.ts prints the path where the lesson refers to each file.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Reply, ReplyMessage } from "../../core/conversation/reply.js";
import type { AttachmentStore } from "../../core/learning/attachments.js";

/** Where lesson files go and where they come from. */
export interface ConsoleLessonFiles {
  store: AttachmentStore;
  dir: string;
}

/** Saves every file the reply's lessons carry; the paths by attachment id (files without bytes are left out). */
export async function saveLessonFiles(reply: Reply, files: ConsoleLessonFiles | null): Promise<Map<number, string>> {
  const saved = new Map<number, string>();
  if (!files) return saved;
  for (const message of reply.messages) {
    for (const ref of message.markdown === undefined ? [] : (message.attachments ?? [])) {
      const file = await files.store.load(ref.id);
      if (!file?.data) continue;
      const name = `${file.id}-${file.fileName.replace(/^.*[\\/]/, "").replace(/[^\w.-]+/g, "_")}`;
      const target = path.resolve(files.dir, name);
      if (!existsSync(target)) {
        await mkdir(files.dir, { recursive: true });
        await writeFile(target, file.data);
      }
      saved.set(ref.id, target);
    }
  }
  return saved;
}

/**
 * Saves the files a reply carries as bytes (a member's data export) next to the lesson files (`<data>/exports/`), or
 * under the system's temporary folder without a data folder, readable by this user only; the paths by message.
 */
export async function saveReplyDocuments(
  reply: Reply,
  files: ConsoleLessonFiles | null,
): Promise<Map<ReplyMessage, string>> {
  const saved = new Map<ReplyMessage, string>();
  const dir = files ? path.resolve(files.dir, "..", "exports") : path.join(tmpdir(), "lyceum-exports");
  for (const message of reply.messages) {
    if (!message.document) continue;
    const target = path.resolve(dir, message.document.fileName.replace(/^.*[\\/]/, "").replace(/[^\w.-]+/g, "_"));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(target, message.document.data, { mode: 0o600 });
    saved.set(message, target);
  }
  return saved;
}
