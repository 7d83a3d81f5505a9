import { DatabaseTooNewError } from "./migrate.js";
import { MIGRATIONS, type Migration } from "./migrations/index.js";
import type { Migrated } from "./open.js";
import type { Postgres } from "./pg.js";

/**
 * Brings a PostgreSQL schema up to date, one migration per transaction, under an advisory lock on
 * the schema: instances starting at once wait for each other, and the first one migrates. Refuses a
 * schema from the future.
 */
export const migratePostgres = async (
  db: Postgres,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<Migrated> => {
  const known = migrations.length === 0 ? 0 : Math.max(...migrations.map((m) => m.version));
  const client = await db.pool.connect().catch((error: Error) => {
    throw new Error(`Could not reach PostgreSQL (DATABASE_URL): ${error.message}`, { cause: error });
  });
  const lock = "SELECT pg_advisory_lock(hashtext('rolecall migrate ' || current_schema()))";
  const unlock = "SELECT pg_advisory_unlock(hashtext('rolecall migrate ' || current_schema()))";
  try {
    await client.query(lock);
    try {
      await client.query("CREATE TABLE IF NOT EXISTS rolecall_schema (version INTEGER NOT NULL)");
      await client.query(
        "INSERT INTO rolecall_schema (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM rolecall_schema)",
      );
      const found =
        (await client.query<{ version: number }>("SELECT version FROM rolecall_schema")).rows[0]?.version ??
        0;
      if (found > known) throw new DatabaseTooNewError(found, known);
      for (const migration of migrations) {
        if (migration.version <= found) continue;
        try {
          await client.query("BEGIN");
          await client.query(migration.postgres);
          await client.query("UPDATE rolecall_schema SET version = $1", [migration.version]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
      }
      const to = (await client.query<{ version: number }>("SELECT version FROM rolecall_schema")).rows[0]
        ?.version;
      return { from: found, to: to ?? found };
    } finally {
      await client.query(unlock);
    }
  } finally {
    client.release();
  }
};
