/**
 * A lesson's images and files on the console: written once under the data folder (`<dir>/<id>-<name>`), so the
 * terminal can show where to open them; render.ts prints the path where the lesson refers to each file.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Reply } from "../../core/conversation/reply.js";
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
