import { type Config, isPostgresUrl } from "../config.js";
import type { Logger } from "../log.js";
import { openSqlite } from "./open.js";
import type { OpenedStore } from "./opened.js";
import { SqliteStore } from "./sqlite-store.js";
import { unusableAsUnavailable } from "./sqlite-unusable.js";

export type { OpenedStore, RolecallStore } from "./opened.js";

/**
 * Opens and migrates the database DATABASE_URL names: a `postgres://` (or `postgresql://`) URL is a
 * PostgreSQL server shared by any number of instances; anything else is a SQLite file.
 */
export const openStore = async (
  config: Pick<Config, "DATABASE_URL"> & Partial<Pick<Config, "DATABASE_POOL_MAX">>,
  logger?: Pick<Logger, "warn">,
): Promise<OpenedStore> => {
  const url = config.DATABASE_URL;
  if (!isPostgresUrl(url)) {
    const { db: opened, schema } = openSqlite(url);
    const db = unusableAsUnavailable(opened, logger);
    return {
      engine: "sqlite",
      schema,
      store: new SqliteStore(db),
      db,
      backup: async (file) => {
        await db.backup(file);
      },
      close: async () => {
        db.close();
      },
    };
  }
  // Loaded only for PostgreSQL, so a SQLite process (the CLI above all) never pays for the driver.
  const { openPostgresStore } = await import("./pg-open.js");
  return openPostgresStore(url, config.DATABASE_POOL_MAX ?? 10, logger);
};
