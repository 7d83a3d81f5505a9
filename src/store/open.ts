import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { migrate } from "./migrate.js";

export type Db = Database.Database;

/** Opens (creating if needed) and migrates a Rolecall database. `:memory:` is allowed. */
export const openDatabase = (path: string): Db => {
  const inMemory = path === ":memory:";
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    if (!inMemory) db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 10000");
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
};
