/**
 * The conversation's hot path: a command that only reads writes nothing, and the catalog is served from memory yet
 * follows every change made anywhere (another process, an import, SQL by hand).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holdsProduct } from "../../core/access/holds-product.js";
import { readerStanding } from "../../core/learning/reader-standing.js";
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
