import type { Config } from "../config.js";
import { CoreError } from "../core/errors.js";
import type { ChangeIntent } from "../core/intents.js";
import type { ChangeRequest } from "../core/model.js";
import type { RequestStore, StorePort } from "../core/ports.js";
import type { Logger } from "../log.js";
import type { OutboxStore } from "../mail/outbox.js";
import { type Db, type Migrated, openSqlite } from "./open.js";
import { ChangeListener, isPostgresUrl, Postgres } from "./pg.js";
import { migratePostgres } from "./pg-migrate.js";
import { PgStore } from "./pg-store.js";
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
  const pg = Postgres.open(url, config.DATABASE_POOL_MAX ?? 10, logger);
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
      throw new CoreError(
        "INVALID_INPUT",
        "backup copies a SQLite file; back up PostgreSQL with its own tools (pg_dump, or your provider's snapshots).",
      );
    },
    close: async () => {
      await changes.stop();
      await pg.end();
    },
  };
};
