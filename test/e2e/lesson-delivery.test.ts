/**
 * A long lesson with an image and a file, delivered by each adapter's real send path against the platform fakes:
 * every message within the platform's limit and well formed, the heading first, the image through the platform's
 * media method where the text refers to it, the unmentioned file after the text, the buttons under the last message;
 * on Telegram the photo is uploaded once and its file_id reused. (The /lesson command is written elsewhere: these
 * tests hand the adapter a lesson reply, as the gateway receives notices.)
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsoleGateway } from "../../bots/console/console-gateway.js";
import type { Database } from "../../core/context.js";
import type { AttachmentRef, Reply } from "../../core/conversation/reply.js";
import { attachmentStore } from "../../core/learning/attachments.js";
import { parseTelegramHtml } from "../fakes/telegram/telegram-html.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { createDiscordHarness, type DiscordHarness } from "../support/discord-harness.js";
import { createTelegramHarness, type TelegramHarness } from "../support/telegram-harness.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
const PDF = new TextEncoder().encode("%PDF-1.4 notes");

/** A lesson of ~12,000 characters: paragraphs, a long code block, the chart in the middle. */
function lessonMarkdown(): string {
  const paragraph = (n: number) =>
    `Paragraph ${n}: ${"数据库 **index** and `query` [docs](https://example.com/docs) & <stuff> ".repeat(12)}`;
  const code = Array.from({ length: 80 }, (_, i) => `rows_${i} = fetch("<${i}>")`).join("\n");
  return [
    "# Indexes",
    ...Array.from({ length: 6 }, (_, i) => paragraph(i)),
    `\`\`\`python\n${code}\n\`\`\``,
    "![Query plan](chart.png)",
    ...Array.from({ length: 6 }, (_, i) => paragraph(i + 6)),
  ].join("\n\n");
}

/** A lesson with a photo and a document in the database; the reply that shows it. */
async function lessonReply(prisma: Database): Promise<{ reply: Reply; chartId: number }> {
  const product = await prisma.product.findFirstOrThrow({ orderBy: { id: "asc" } });
  const lesson = await prisma.lesson.create({
    data: { productId: product.id, position: 900, slug: "900-indexes", titleEn: "Indexes", titleZh: "索引" },
  });
  const chart = await prisma.lessonAttachment.create({
    data: { lessonId: lesson.id, position: 1, kind: "PHOTO", fileName: "chart.png", mimeType: "image/png", data: PNG },
  });
  const notes = await prisma.lessonAttachment.create({
    data: {
      lessonId: lesson.id,
      position: 2,
      kind: "DOCUMENT",
      fileName: "notes.pdf",
      mimeType: "application/pdf",
      caption: "Notes",
      data: PDF,
    },
  });
  const attachments: AttachmentRef[] = [
    { id: chart.id, kind: "photo", fileName: "chart.png" },
    { id: notes.id, kind: "document", fileName: "notes.pdf", caption: "Notes" },
  ];
  const message = {
    text: "**Lesson 1: Indexes**",
    markdown: lessonMarkdown(),
    attachments,
    buttons: [[{ label: "Next", action: "lesson 1 2" }]],
  };
  return { reply: { messages: [message] }, chartId: chart.id };
}

describe.each(["polling", "telegraf"] as const)("a lesson on Telegram (%s)", (carrier) => {
  let h: TelegramHarness;
  beforeAll(async () => {
    h = await createTelegramHarness(carrier);
  }, 60_000);
  afterAll(() => h.close());

  it("arrives in order within the limits, the photo uploaded once, the buttons on the last message", async () => {
    const { reply, chartId } = await lessonReply(h.db.prisma);
    const member = h.fake.user(7001, "Mia", { language_code: "en" });
    const account = {
      accountId: 1,
      platform: "TELEGRAM" as const,
      externalId: String(member.id),
      chatId: String(member.id),
    };
    const result = await h.ctx.gateways.TELEGRAM!.send(account, reply);
    expect(result, JSON.stringify({ result, refusals: h.fake.refusals })).toMatchObject({ ok: true });

    const sent = h.fake.calls.filter((c) => Number(c.params.chat_id) === member.id);
    expect(h.fake.refusals).toEqual([]);
    expect(sent.map((c) => c.method).filter((m, i, all) => m !== all[i - 1])).toEqual([
      "sendMessage",
      "sendPhoto",
      "sendMessage",
      "sendDocument",
    ]);
    const texts = sent.filter((c) => c.method === "sendMessage").map((c) => String(c.params.text));
    expect(parseTelegramHtml(texts[0]!)).toBe("Lesson 1: Indexes");
    expect(texts.length).toBeGreaterThan(3);
    for (const text of texts) {
      expect(text.length).toBeLessThanOrEqual(4096);
      expect(() => parseTelegramHtml(text)).not.toThrow();
    }
    expect(texts.join("")).toContain('<pre><code class="language-python">');
    const photo = sent.find((c) => c.method === "sendPhoto")!.params;
    expect(photo.photo).toMatchObject({ upload: "chart.png", size: PNG.length });
    expect(photo.caption).toBe("Query plan");
    const document = sent.find((c) => c.method === "sendDocument")!.params;
    expect(document.document).toMatchObject({ upload: "notes.pdf", size: PDF.length });
    expect(sent.at(-1)!.params.reply_markup).toBeDefined();
    expect(sent.slice(0, -1).every((c) => c.params.reply_markup === undefined)).toBe(true);

    // The file id Telegram gave back is kept, and the next open sends it instead of the bytes.
    const stored = await h.db.prisma.lessonAttachment.findUniqueOrThrow({ where: { id: chartId } });
    expect(stored.telegramFileId).toBeTruthy();
    expect(h.fake.files.has(stored.telegramFileId!)).toBe(true);
    const before = h.fake.calls.length;
    expect(await h.ctx.gateways.TELEGRAM!.send(account, reply)).toMatchObject({ ok: true });
    const again = h.fake.calls.slice(before).find((c) => c.method === "sendPhoto")!;
    expect(again.params.photo).toBe(stored.telegramFileId);
  });
});

describe("a lesson on Discord", () => {
  let d: DiscordHarness;
  beforeAll(async () => {
    d = await createDiscordHarness({ stripe: false });
  }, 60_000);
  afterAll(() => d.close());

  it("arrives as DMs within 2000 characters, fences balanced, the image attached, buttons on the last", async () => {
    const { reply } = await lessonReply(d.h.ctx.prisma);
    const member = d.member("mia");
    await d.run(member, "help"); // the bot has met the member (the fake has no user look-up)
    const account = { accountId: 1, platform: "DISCORD" as const, externalId: member.id };
    const result = await d.h.ctx.gateways.DISCORD!.send(account, reply);
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });

    const dms = d.discord.sent.filter((m) => m.channel_id === d.discord.sent.at(-1)!.channel_id);
    expect(dms.length).toBeGreaterThan(6);
    expect(dms[0]!.content).toBe("**Lesson 1: Indexes**");
    for (const message of dms) {
      expect([...message.content].length).toBeLessThanOrEqual(2000);
      expect((message.content.match(/```/g) ?? []).length % 2).toBe(0);
    }
    const withFiles = dms.filter((m) => m.attachments.length > 0);
    expect(withFiles.map((m) => (m.attachments[0] as { filename: string }).filename)).toEqual([
      "chart.png",
      "notes.pdf",
    ]);
    expect(withFiles[0]!.content).toBe("Query plan");
    // The chart comes after the code block and before the paragraphs that follow it.
    const chartAt = dms.indexOf(withFiles[0]!);
    expect(dms.slice(0, chartAt).some((m) => m.content.includes("```python"))).toBe(true);
    expect(dms.slice(chartAt + 1).some((m) => m.content.includes("Paragraph 11"))).toBe(true);
    expect(dms.at(-1)!.components.length).toBe(1);
    expect(dms.slice(0, -1).every((m) => m.components.length === 0)).toBe(true);
  });
});

describe("a lesson on the console", () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    const { seedDemoCatalog } = await import("../../prisma/seed.js");
    await seedDemoCatalog(db.prisma, new Date());
    dir = await mkdtemp(path.join(tmpdir(), "lyceum-lesson-files-"));
  }, 60_000);
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the lesson as plain text and the path of each file it wrote", async () => {
    const { reply, chartId } = await lessonReply(db.prisma);
    const printed: string[] = [];
    const gateway = new ConsoleGateway(
      (text) => printed.push(text),
      () => "mia",
    );
    gateway.lessonFiles = { store: attachmentStore({ prisma: db.prisma }), dir };
    expect(await gateway.send({ accountId: 1, platform: "CONSOLE", externalId: "mia" }, reply)).toEqual({ ok: true });
    const output = printed.join("\n");
    const chartPath = path.join(dir, `${chartId}-chart.png`);
    expect(output).toContain(`🖼 Query plan — ${chartPath}`);
    expect(output).toMatch(/📎 Notes — .*notes\.pdf/);
    expect(output).not.toMatch(/<\/?(b|pre|code)>|\*\*index\*\*/);
    expect(output.indexOf("Paragraph 5")).toBeLessThan(output.indexOf(chartPath));
    expect(output.indexOf(chartPath)).toBeLessThan(output.indexOf("Paragraph 6"));
    expect(output.trimEnd().endsWith("[1] Next")).toBe(true);
    expect(new Uint8Array(await readFile(chartPath))).toEqual(PNG);
  });
});
