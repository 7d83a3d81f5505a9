import { CoreError } from "../core/errors.js";
import type { Logger } from "../log.js";
import type { Migrated } from "./open.js";
import type { OpenedStore } from "./opened.js";
import { ChangeListener, Postgres } from "./pg.js";
import { migratePostgres } from "./pg-migrate.js";
import { PgStore } from "./pg-store.js";

/** Opens the PostgreSQL store: a pool, its migrations (under the advisory lock), the change listener. */
export const openPostgresStore = async (
  url: string,
  poolMax: number,
  logger?: Pick<Logger, "warn">,
): Promise<OpenedStore> => {
  const pg = Postgres.open(url, poolMax, logger);
  const changes = new ChangeListener(url, logger);
  let schema: Migrated;
  try {
    schema = await migratePostgres(pg);
    await changes.start();
  } catch (error) {
    await changes.stop();
    await pg.end();
    throw error;
  }
  return {
    engine: "postgres",
    schema,
    store: new PgStore(pg, changes),
    db: null,
    backup: async () => {
      throw new CoreError({ reason: "backup_sqlite_only" });
    },
    close: async () => {
      await changes.stop();
      await pg.end();
    },
  };
};
