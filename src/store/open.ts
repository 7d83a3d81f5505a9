import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { migrate } from "./migrate.js";

export type Db = Database.Database;

/** The schema version a database was found at, and the one it was brought to. */
export interface Migrated {
  from: number;
  to: number;
}

/** Opens (creating if needed) and migrates a Rolecall database. `:memory:` is allowed. */
export const openDatabase = (path: string): Db => openSqlite(path).db;

/** Opens and migrates, saying from which version to which. */
export const openSqlite = (path: string): { db: Db; schema: Migrated } => {
  const inMemory = path === ":memory:";
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    if (!inMemory) db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    // Opening and migrating may wait inside SQLite (nothing is served yet); the store then shortens
    // each wait and goes on waiting between tries, with the event loop free (sqlite-writes.ts).
    db.pragma("busy_timeout = 10000");
    const from = db.pragma("user_version", { simple: true }) as number;
    return { db, schema: { from, to: migrate(db) } };
  } catch (error) {
    db.close();
    throw error;
  }
};
