/** `npm run db:seed`: the demo catalog, on an empty database only. */
import { existsSync } from "node:fs";
import { openDatabase } from "./database.js";
import { seedDemoCatalog } from "./seed.js";

// The same .env as `npm start` (Node keeps variables already set in the environment).
if (existsSync(".env")) process.loadEnvFile(".env");

const db = await openDatabase({
  url: process.env.DATABASE_URL,
  dataDir: process.env.LYCEUM_DATA_DIR ? `${process.env.LYCEUM_DATA_DIR}/pglite` : undefined,
});
console.log((await seedDemoCatalog(db.prisma)) ? "demo catalog added" : "the catalog is not empty: nothing added");
await db.close();
