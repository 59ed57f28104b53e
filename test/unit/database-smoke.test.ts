import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

describe("test database", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  it("starts migrated and empty, and enforces the unique keys the use cases rely on", async () => {
    expect(await db.prisma.member.count()).toBe(0);
    const member = await db.prisma.member.create({ data: { displayName: "Ada", referralCode: "R1" } });
    await db.prisma.platformAccount.create({ data: { platform: "CONSOLE", externalId: "ada", memberId: member.id } });
    await expect(
      db.prisma.platformAccount.create({ data: { platform: "CONSOLE", externalId: "ada", memberId: member.id } }),
    ).rejects.toThrow();
    await db.truncate();
    expect(await db.prisma.member.count()).toBe(0);
  });
});
