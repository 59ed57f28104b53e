import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "core/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Two cores: files run in two forks; each file gets its own database (see test/support/database.ts).
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
