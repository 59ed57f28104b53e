/**
 * Interactive transactions that the database could not run because of other transactions are run again, here, once
 * for every use case: a transaction that could not start in time under load (Prisma P2028: nothing of it ran), a
 * serialization failure or a deadlock (40001, 40P01, P2034: the database rolled all of it back). The callback runs
 * from the start each time, so it must only touch the database (every use case in core/ does).
 */
import { Prisma, type PrismaClient } from "./generated/client.js";

const ATTEMPTS = 4;

/** Whether the database gave up on a transaction because of concurrent ones (so running it again is safe). */
export function isRetryableTransactionError(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === "P2028" || error.code === "P2034") return true;
  }
  const text = error instanceof Error ? `${error.message} ${JSON.stringify(error)}` : String(error);
  return /\b40001\b|\b40P01\b|deadlock detected|could not serialize access|Unable to start a transaction/i.test(text);
}

/**
 * Makes `prisma.$transaction(async (tx) => …)` retry what `isRetryableTransactionError` accepts, with a short
 * random backoff. Batch transactions (an array of queries) are passed through unchanged.
 */
export function retryInteractiveTransactions(prisma: PrismaClient, onRetry?: (error: unknown) => void): PrismaClient {
  const original = prisma.$transaction.bind(prisma) as (...args: unknown[]) => Promise<unknown>;
  const retrying = async (...args: unknown[]) => {
    if (typeof args[0] !== "function") return original(...args);
    for (let attempt = 1; ; attempt++) {
      try {
        return await original(...args);
      } catch (error) {
        if (attempt >= ATTEMPTS || !isRetryableTransactionError(error)) throw error;
        onRetry?.(error);
        await new Promise((resolve) => setTimeout(resolve, 25 * attempt + Math.random() * 50));
      }
    }
  };
  Object.defineProperty(prisma, "$transaction", { value: retrying, configurable: true, writable: true });
  return prisma;
}
