/**
 * Transactions that fail because of other transactions are run again by the database layer instead of turning into
 * "Something went wrong": a deadlock between two use cases, and a transaction that has to wait for a connection.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../../prisma/generated/client.js";
import { isRetryableTransactionError } from "../../prisma/transaction-retry.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

describe("transactions under contention", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.close());

  it("knows which failures are safe to run again", () => {
    const known = (code: string) =>
      new Prisma.PrismaClientKnownRequestError("x", { code, clientVersion: Prisma.prismaVersion.client });
    expect(isRetryableTransactionError(known("P2028"))).toBe(true);
    expect(isRetryableTransactionError(known("P2034"))).toBe(true);
    expect(isRetryableTransactionError(new Error("deadlock detected"))).toBe(true);
    expect(isRetryableTransactionError(known("P2002"))).toBe(false);
    expect(isRetryableTransactionError(new Error("relation does not exist"))).toBe(false);
  });

  it("two transactions that deadlock both complete (one is run again)", async () => {
    const a = await db.prisma.member.create({ data: { displayName: "a", referralCode: "RA" } });
    const b = await db.prisma.member.create({ data: { displayName: "b", referralCode: "RB" } });
    let bothHoldOne!: () => void;
    const barrier = new Promise<void>((resolve) => {
      let arrived = 0;
      bothHoldOne = () => {
        arrived += 1;
        if (arrived === 2) resolve();
      };
    });
    let runs = 0;
    // Each locks one row, waits until the other holds its row, then asks for the other's: a deadlock on PostgreSQL
    // (the embedded database runs one transaction at a time, so there the second simply waits).
    const crossing = (first: number, second: number, name: string) =>
      db.prisma.$transaction(async (tx) => {
        runs += 1;
        await tx.member.update({ where: { id: first }, data: { displayName: `${name}-1` } });
        if (runs <= 2) {
          bothHoldOne();
          await Promise.race([barrier, new Promise((resolve) => setTimeout(resolve, 2000))]);
        }
        await tx.member.update({ where: { id: second }, data: { timeZone: `Etc/${name}` } });
        return name;
      });
    const results = await Promise.all([crossing(a.id, b.id, "x"), crossing(b.id, a.id, "y")]);
    expect(results.sort()).toEqual(["x", "y"]);
    const rows = await db.prisma.member.findMany({ where: { id: { in: [a.id, b.id] } } });
    expect(rows.every((row) => row.timeZone === "Etc/x" || row.timeZone === "Etc/y")).toBe(true);
    if (db.kind === "postgres") expect(runs).toBeGreaterThan(2);
  });
});
