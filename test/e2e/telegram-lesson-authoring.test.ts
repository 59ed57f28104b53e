/**
 * A creator writes a lesson on Telegram, end to end through the fake Bot API: answers as messages, a photo and a
 * document sent from the creator's phone (updates with `photo` sizes and a `document`), /done, an edit, unpublish and
 * publish; a member reads it with the creator's photo sent again by its file_id (nothing uploaded), and is refused
 * the authoring commands.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/telegram/bot-api-fake.js";
import { PIXEL_PNG } from "../support/content-folders.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";

describe("telegram: a lesson written in chat", () => {
  let h: TelegramHarness;
  let ada: FakeUser;
  let mallory: FakeUser;
  const course = "prompt-engineering";
  let courseId: number;

  beforeAll(async () => {
    h = await createTelegramHarness();
    ada = h.fake.user(3001, "Ada", { language_code: "en" });
    mallory = h.fake.user(3666, "Mallory", { language_code: "en" });
    await h.say(ada, "/start");
    await h.say(mallory, "/start");
    courseId = (await h.db.prisma.product.findUniqueOrThrow({ where: { slug: course } })).id;
    await h.say(h.creator, `/grant #${await h.memberIdOf(ada)} ${courseId}`);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  const lastTextTo = (user: FakeUser) => h.fake.textsTo(user.id).at(-1) ?? "";

  it("adds a lesson with a photo and a file; the member sees it only once published, with the photo by file_id", async () => {
    const lessons = await h.db.prisma.lesson.count({ where: { productId: courseId } });
    const number = lessons + 1;
    await h.say(h.creator, `/addlesson ${course}`);
    expect(lastTextTo(h.creator)).toContain("English title");
    await h.say(h.creator, "Few-shot pitfalls");
    await h.say(h.creator, "-");
    await h.say(h.creator, "Examples steer **style** more than you think.");
    expect(lastTextTo(h.creator)).toContain(`Lesson ${number}`);
    expect(lastTextTo(h.creator)).toContain("saved as a draft");

    const photo = h.fake.sendFile(h.creator, { kind: "photo", bytes: PIXEL_PNG, caption: "Before and after" });
    await h.settle(photo.updateId);
    expect(lastTextTo(h.creator)).toContain("File 1 attached");
    const pdf = h.fake.sendFile(h.creator, {
      kind: "document",
      bytes: Buffer.from("%PDF-1.4"),
      fileName: "checklist.pdf",
      mimeType: "application/pdf",
    });
    await h.settle(pdf.updateId);
    expect(lastTextTo(h.creator)).toContain("File 2 attached");

    await h.say(ada, `/lesson ${course} ${number}`);
    expect(lastTextTo(ada)).toContain(`has no lesson ${number}`);

    await h.say(h.creator, "/done");
    expect(lastTextTo(h.creator)).toContain("is published");

    const photosBefore = h.fake.callsOf("sendPhoto").length;
    await h.say(ada, `/lesson ${course} ${number}`);
    expect(h.fake.transcript(ada.id)).toContain("Examples steer");
    const sentPhotos = h.fake.callsOf("sendPhoto").slice(photosBefore);
    expect(sentPhotos.map((p) => [Number(p.chat_id), p.photo])).toEqual([[ada.id, photo.fileId]]);
    const sentDocuments = h.fake.callsOf("sendDocument").filter((p) => Number(p.chat_id) === ada.id);
    expect(sentDocuments.map((p) => p.document)).toEqual([pdf.fileId]);
    const stored = await h.db.prisma.lessonAttachment.findMany({
      where: { lesson: { productId: courseId, titleEn: "Few-shot pitfalls" } },
      orderBy: { position: "asc" },
    });
    expect(stored.map((a) => [a.kind, a.fileName, a.mimeType, a.telegramFileId])).toEqual([
      ["PHOTO", "photo-1.jpg", "image/jpeg", photo.fileId],
      ["DOCUMENT", "checklist.pdf", "application/pdf", pdf.fileId],
    ]);

    await h.say(h.creator, `/editlesson ${course} ${number} text Examples steer tone and length.`);
    expect(lastTextTo(h.creator)).toContain("Members see the change now");
    await h.say(ada, `/lesson ${course} ${number}`);
    expect(h.fake.textsTo(ada.id).join("\n")).toContain("Examples steer tone and length.");

    await h.say(h.creator, `/unpublish ${course} ${number}`);
    await h.say(ada, `/lesson ${course} ${number}`);
    expect(lastTextTo(ada)).toContain(`has no lesson ${number}`);
    await h.say(h.creator, `/publish ${course} ${number}`);
    await h.say(ada, `/lesson ${course} ${number}`);
    expect(h.fake.transcript(ada.id).split("Few-shot pitfalls").length).toBeGreaterThan(2);
  });

  it("refuses a member's authoring commands and takes a member's photo for no command", async () => {
    for (const line of [`/addlesson ${course}`, `/editlesson ${course} 1 text Hacked`, `/publish ${course} 1`]) {
      await h.say(mallory, line);
      expect(lastTextTo(mallory), line).toBe("Only the creator can do that.");
    }
    const sent = h.fake.sendFile(mallory, { kind: "photo", bytes: PIXEL_PNG });
    await h.settle(sent.updateId);
    expect(lastTextTo(mallory)).toContain("Send a command");
    expect(await h.db.prisma.lessonAttachment.count({ where: { telegramFileId: sent.fileId } })).toBe(0);
  });
});
