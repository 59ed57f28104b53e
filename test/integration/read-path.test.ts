/**
 * The conversation's hot path: a command that only reads writes nothing, and the catalog is served from memory yet
 * follows every change made anywhere (another process, an import, SQL by hand).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeEntitlementWhere } from "../../core/access/entitlement-window.js";
import { holdsProduct } from "../../core/access/holds-product.js";
import { memberOrders } from "../../core/commerce/member-orders.js";
import { courseProgress } from "../../core/learning/course-progress.js";
import { memberLibrary } from "../../core/learning/member-library.js";
import { readerStanding } from "../../core/learning/reader-standing.js";
import { openDatabase } from "../../prisma/database.js";
import { createHarness, type Harness } from "../support/harness.js";

describe("the read path", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  /** Statement-level triggers record every write (even one that changes no row) to the tables a command touches. */
  async function recordWrites() {
    await h.db.prisma.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS "test_writes" ("tbl" text, "op" text)`);
    await h.db.prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION "test_record_write"() RETURNS trigger AS $$
      BEGIN INSERT INTO "test_writes" VALUES (TG_TABLE_NAME, TG_OP); RETURN NULL; END; $$ LANGUAGE plpgsql`);
    for (const table of ["Member", "PlatformAccount", "ConversationState", "Order", "Product"]) {
      await h.db.prisma.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "test_writes_${table}" ON "${table}"`);
      await h.db.prisma.$executeRawUnsafe(
        `CREATE TRIGGER "test_writes_${table}" AFTER INSERT OR UPDATE OR DELETE ON "${table}" FOR EACH STATEMENT EXECUTE FUNCTION "test_record_write"()`,
      );
    }
    await h.db.prisma.$executeRawUnsafe(`DELETE FROM "test_writes"`);
  }
  const writes = () => h.db.prisma.$queryRawUnsafe<{ tbl: string; op: string }[]>(`SELECT * FROM "test_writes"`);

  it("commands that only read write nothing (no unconditional deletes, last-seen at most once a minute)", async () => {
    await h.say("rita", "/start"); // first contact creates the member
    await recordWrites();
    for (const line of ["/help", "/courses", "/course 1", "/mycourses", "/orders", "/courses python"]) {
      await h.say("rita", line);
    }
    expect(await writes()).toEqual([]);
    h.clock.advanceDays(1);
    await h.say("rita", "/help");
    await h.jobs.idle();
    // The last-seen time is written after the reply, once.
    await expect.poll(async () => (await writes()).map((w) => `${w.tbl} ${w.op}`)).toEqual(["Member UPDATE"]);
  });

  it("the cached catalog follows a change made by another process at once", async () => {
    expect(await h.say("sara", "/courses")).toContain("Python for Data Analysis");
    const rename = `UPDATE "Product" SET "titleEn" = 'Python, Renamed' WHERE "titleEn" = 'Python for Data Analysis'`;
    const url = await connectionString();
    if (url) {
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      await other.query(rename);
      await other.end();
    } else await h.db.prisma.$executeRawUnsafe(rename);
    expect(await h.say("sara", "/courses")).toContain("Python, Renamed");
    await h.db.prisma.$executeRawUnsafe(`UPDATE "Product" SET "published" = false WHERE "titleEn" = 'Python, Renamed'`);
    const after = await h.say("sara", "/courses");
    expect(after).not.toContain("Python, Renamed");
    expect(await h.say("sara", "/course 1")).toContain("There is no");
  });

  it.skipIf(!process.env.DATABASE_URL)(
    "lean statements are prepared once per connection, unless the URL says a pooler cannot keep them",
    async () => {
      const url = (await connectionString())!;
      const LIST = `SELECT "name" FROM pg_prepared_statements ORDER BY "name"`;
      for (const [suffix, expected] of [
        ["", ["lyceum_1"]],
        ["?pgbouncer=true", []],
      ] as const) {
        const db = await openDatabase({ url: `${url}${suffix}`, migrate: false });
        try {
          // One at a time, the pool hands out its one open connection: the statement sees itself prepared there.
          await db.sql.query(LIST);
          const names = (await db.sql.query<{ name: string }>(LIST)).map((row) => row.name);
          expect(names, suffix || "default").toEqual(expected);
        } finally {
          await db.close();
        }
      }
    },
  );

  /** Another connection to the same database (the embedded one has only ours: then our own client stands in). */
  async function connectionString(): Promise<string | undefined> {
    if (h.db.kind !== "postgres") return undefined;
    const rows = await h.db.prisma.$queryRawUnsafe<{ db: string }[]>(`SELECT current_database() AS db`);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${rows[0]!.db}`;
    return url.toString();
  }
});

describe("the course page's one-statement standing", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("agrees with holdsProduct for every kind of entitlement window, bundles included, and reads lessons done", async () => {
    const now = h.clock.now();
    const day = 86_400_000;
    const at = (days: number) => new Date(now.getTime() + days * day);
    // Product 1 is a course inside bundle 6 (the demo catalog).
    const windows: {
      productId: number;
      startsAt: Date;
      endsAt: Date | null;
      graceUntil?: Date | null;
      revokedAt?: Date | null;
    }[] = [
      { productId: 1, startsAt: at(-1), endsAt: null },
      { productId: 1, startsAt: at(1), endsAt: null },
      { productId: 1, startsAt: at(-10), endsAt: at(-1) },
      { productId: 1, startsAt: at(-10), endsAt: at(-1), graceUntil: at(1) },
      { productId: 1, startsAt: at(-10), endsAt: at(-2), graceUntil: at(-1) },
      { productId: 1, startsAt: at(-10), endsAt: at(5), revokedAt: at(-1) },
      { productId: 6, startsAt: at(-1), endsAt: at(30) },
      { productId: 6, startsAt: at(-40), endsAt: at(-10) },
      { productId: 2, startsAt: at(-1), endsAt: null },
    ];
    for (const [index, window] of windows.entries()) {
      await h.say(`standing${index}`, "/start");
      const memberId = await h.memberId(`standing${index}`);
      await h.db.prisma.entitlement.create({ data: { memberId, source: "GRANT", graceUntil: null, ...window } });
      const lean = await readerStanding(h.ctx, { memberId, productId: 1 });
      expect(lean.holds, `window ${index}`).toBe(await holdsProduct(h.ctx, { memberId, productId: 1 }));
    }
    expect((await readerStanding(h.ctx, { memberId: await h.memberId("standing0"), productId: 1 })).holds).toBe(true);
    expect((await readerStanding(h.ctx, { memberId: await h.memberId("standing6"), productId: 1 })).holds).toBe(true);
    expect((await readerStanding(h.ctx, { memberId: await h.memberId("standing2"), productId: 1 })).holds).toBe(false);

    const reader = await h.memberId("standing0");
    const lessons = await h.db.prisma.lesson.findMany({ where: { productId: 1 }, orderBy: { position: "asc" } });
    await h.db.prisma.lessonProgress.create({ data: { memberId: reader, lessonId: lessons[0]!.id, completedAt: now } });
    await h.db.prisma.lessonProgress.create({ data: { memberId: reader, lessonId: lessons[1]!.id } }); // opened only
    expect([...(await readerStanding(h.ctx, { memberId: reader, productId: 1 })).completed]).toEqual([lessons[0]!.id]);
    expect(await h.say("standing0", "/course 1")).toContain("1/3 ✓");
  });
});

describe("/mycourses and /orders in one statement each", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("the library agrees with the entitlement rule and courseProgress, and lists only this platform's chats", async () => {
    const now = h.clock.now();
    const day = 86_400_000;
    const at = (days: number) => new Date(now.getTime() + days * day);
    await h.say("lib", "/start");
    const memberId = await h.memberId("lib");
    const grants = [
      { productId: 1, startsAt: at(-10), endsAt: at(5) },
      { productId: 1, startsAt: at(-1), endsAt: null }, // a second, longer one for the same course: shown once, forever
      { productId: 2, startsAt: at(-10), endsAt: at(-1), graceUntil: at(2) }, // renewal failed, in grace
      { productId: 3, startsAt: at(-10), endsAt: at(-1) }, // ended
      { productId: 4, startsAt: at(1), endsAt: null }, // not started
      { productId: 5, startsAt: at(-5), endsAt: at(5), revokedAt: at(-1) }, // revoked
      { productId: 6, startsAt: at(-1), endsAt: at(30) },
    ];
    for (const grant of grants) {
      await h.db.prisma.entitlement.create({ data: { memberId, source: "GRANT", graceUntil: null, ...grant } });
    }
    const lessons = await h.db.prisma.lesson.findMany({ where: { productId: 1 }, orderBy: { position: "asc" } });
    await h.db.prisma.lessonProgress.create({ data: { memberId, lessonId: lessons[0]!.id, completedAt: now } });
    await h.db.prisma.lessonProgress.create({ data: { memberId, lessonId: lessons[1]!.id } }); // opened only
    const console = await h.db.prisma.gate.create({
      data: { platform: "CONSOLE", externalId: "c1", title: "Course chat", inviteLink: "https://example.test/join" },
    });
    const other = await h.db.prisma.gate.create({
      data: { platform: "TELEGRAM", externalId: "-1001", title: "TG only" },
    });
    const unrelated = await h.db.prisma.gate.create({
      data: { platform: "CONSOLE", externalId: "c3", title: "Ended" },
    });
    await h.db.prisma.gateProduct.createMany({
      data: [
        { gateId: console.id, productId: 1 },
        { gateId: other.id, productId: 1 },
        { gateId: unrelated.id, productId: 3 },
      ],
    });

    const library = await memberLibrary(h.ctx, { memberId, platform: "CONSOLE", now });
    const active = await h.db.prisma.entitlement.findMany({ where: { memberId, ...activeEntitlementWhere(now) } });
    const ids = [...new Set(active.map((e) => e.productId))].sort((a, b) => a - b);
    expect(library.items.map((item) => item.productId)).toEqual(ids);
    expect(ids).toEqual([1, 2, 6]);
    expect(library.items[0]!.endsAt).toBeNull();
    expect(library.items[1]!.graceUntil?.toISOString()).toBe(at(2).toISOString());
    const progress = await courseProgress(h.ctx, { memberId, courseIds: ids });
    for (const item of library.items) {
      const expected = progress.get(item.productId);
      expect(item.progress, `product ${item.productId}`).toEqual(
        expected ? { done: expected.done, total: expected.total } : null,
      );
    }
    expect(library.items[0]!.progress?.done).toBe(1);
    const gates = await h.db.prisma.gate.findMany({
      where: { platform: "CONSOLE", products: { some: { productId: { in: ids } } } },
      orderBy: { id: "asc" },
    });
    expect(library.gates).toEqual(gates.map((g) => ({ title: g.title, inviteLink: g.inviteLink })));
    expect(library.gates).toContainEqual({ title: "Course chat", inviteLink: "https://example.test/join" });
    expect(library.gates.map((g) => g.title)).not.toContain("TG only");
    expect(library.gates.map((g) => g.title)).not.toContain("Ended");

    const shown = await h.say("lib", "/mycourses");
    expect(shown).toContain("yours for good");
    expect(shown).toContain("renewal failed, access kept until");
    expect(shown).toContain(`1/${progress.get(1)!.total} ✓`);
    expect(shown).toContain("Course chat: https://example.test/join");
    expect(shown).not.toContain("TG only");
    expect(shown.split("Python for Data Analysis").length - 1).toBe(1); // two entitlements, one line
  });

  it("the orders list agrees with the Prisma query it replaces: newest first, with the product's titles", async () => {
    await h.say("buyer", "/start");
    const memberId = await h.memberId("buyer");
    await h.say("buyer", "/buy 1");
    await h.say("buyer", "/buy 2");
    const lean = await memberOrders(h.ctx, { memberId, take: 20 });
    const prisma = await h.db.prisma.order.findMany({
      where: { memberId },
      include: { product: true },
      orderBy: { id: "desc" },
    });
    expect(lean.length).toBeGreaterThanOrEqual(2);
    expect(lean).toEqual(
      prisma.map((o) => ({
        id: o.id,
        productId: o.productId,
        status: o.status,
        amount: o.amount,
        currency: o.currency,
        createdAt: o.createdAt,
        product: { titleEn: o.product.titleEn, titleZh: o.product.titleZh },
      })),
    );
    expect((await memberOrders(h.ctx, { memberId, take: 1 })).map((o) => o.id)).toEqual([prisma[0]!.id]);
    const shown = await h.say("buyer", "/orders", "zh");
    expect(shown).toContain(`#${prisma[0]!.id}`);
  });
});
