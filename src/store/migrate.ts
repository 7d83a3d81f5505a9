import type { Database } from "better-sqlite3";
import { DatabaseTooNewError } from "../shared/database-too-new.js";
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from "./migrations/index.js";
import { runSync } from "./script.js";

const schemaVersion = (db: Database): number => db.pragma("user_version", { simple: true }) as number;

/** Brings the schema up to date, one migration per transaction; refuses a database from the future. */
export const migrate = (db: Database, migrations: readonly Migration[] = MIGRATIONS): number => {
  const known = migrations.length === 0 ? 0 : Math.max(...migrations.map((m) => m.version));
  const step = db.transaction((migration: Migration) => {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    if (schemaVersion(db) >= migration.version) return;
    if (migration.data)
      runSync(migration.data(new Date()), {
        rows: (sql, params) => db.prepare(sql).all(params),
        run: (sql, params) => db.prepare(sql).run(params).changes,
      });
    db.exec(migration.sqlite);
    db.pragma(`user_version = ${migration.version}`);
  });
  const found = schemaVersion(db);
  if (found > known) throw new DatabaseTooNewError(found, known);
  for (const migration of migrations) {
    if (migration.version > found) step.immediate(migration);
  }
  return schemaVersion(db);
};

export { LATEST_SCHEMA_VERSION };
