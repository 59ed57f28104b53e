/**
 * Redis for tests: REDIS_URL, or the local server CI starts. Tests that need it fail (not skip) when it is absent.
 */
import { randomBytes } from "node:crypto";

export const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

/** A fresh key prefix per test, so parallel files never share queues. */
export function randomPrefix(): string {
  return `lyceum-test-${randomBytes(5).toString("hex")}`;
}
