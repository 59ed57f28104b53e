/**
 * The conversation's hot path: a command that only reads writes nothing, and the catalog is served from memory yet
 * follows every change made anywhere (another process, an import, SQL by hand).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
