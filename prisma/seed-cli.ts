/** `npm run db:seed`: the demo catalog, on an empty database only. */
import { openDatabase } from "./database.js";
import { seedDemoCatalog } from "./seed.js";

const db = await openDatabase({
  url: process.env.DATABASE_URL,
  dataDir: process.env.LYCEUM_DATA_DIR ? `${process.env.LYCEUM_DATA_DIR}/pglite` : undefined,
});
console.log((await seedDemoCatalog(db.prisma)) ? "demo catalog added" : "the catalog is not empty: nothing added");
await db.close();
