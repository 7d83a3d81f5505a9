import { type Config, isPostgresUrl } from "../config.js";
import type { ChangeIntent } from "../core/intents.js";
import type { ChangeRequest } from "../core/model.js";
import type { RequestStore, StorePort } from "../core/ports.js";
import type { Logger } from "../log.js";
import type { OutboxStore } from "../mail/outbox.js";
import { type Db, type Migrated, openSqlite } from "./open.js";
import { SqliteStore } from "./sqlite-store.js";

/** What the app needs of a store, whichever engine holds it. */
export type RolecallStore = StorePort &
  OutboxStore & {
    requests: RequestStore & {
      legacyRequests(): Promise<{ request: ChangeRequest; words: string[] }[]>;
      setIntent(accountId: string, id: string, intent: ChangeIntent): Promise<void>;
    };
  };

export interface OpenedStore {
  engine: "sqlite" | "postgres";
  store: RolecallStore;
  /** The schema version the database was found at, and the one it is at now. */
  schema: Migrated;
  /** The SQLite handle (null on PostgreSQL). */
  db: Db | null;
  /** An online, consistent copy of a SQLite database; PostgreSQL is backed up with its own tools. */
  backup(file: string): Promise<void>;
  close(): Promise<void>;
}

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
    const { db, schema } = openSqlite(url);
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
