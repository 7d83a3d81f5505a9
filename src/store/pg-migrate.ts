import { DatabaseUnavailableError } from "../core/errors.js";
import { DatabaseTooNewError } from "../shared/database-too-new.js";
import { POSTGRES } from "./dialects.js";
import { MIGRATIONS, type Migration } from "./migrations/index.js";
import type { Migrated } from "./open.js";
import { isConnectionError, type Postgres } from "./pg.js";
import { type AsyncSql, runAsync } from "./script.js";

/**
 * Brings a PostgreSQL schema up to date, in one transaction, under an advisory lock on
 * the schema: instances starting at once wait for each other, and the first one migrates. Refuses a
 * schema from the future.
 */
export const migratePostgres = async (
  db: Postgres,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<Migrated> => {
  const known = migrations.length === 0 ? 0 : Math.max(...migrations.map((m) => m.version));
  const client = await db.pool.connect().catch((error: Error) => {
    throw new DatabaseUnavailableError(error, { reason: "unavailable_unreachable", detail: error.message });
  });
  const lock = "SELECT pg_advisory_lock(hashtext('rolecall migrate ' || current_schema()))";
  // A broken connection must not end the process. The session is closed rather than handed back to
  // the pool: that releases the advisory lock and forgets its unlimited waits.
  let broken: Error | undefined;
  client.on("error", (error) => {
    broken ??= error;
  });
  const on: AsyncSql = {
    rows: async (sql, params) => (await db.queryNamed(sql, params, client)).rows,
    run: async (sql, params) => (await db.queryNamed(sql, params, client)).rowCount ?? 0,
  };
  try {
    // Another instance may be migrating: wait for it however long it takes.
    await client.query("SET lock_timeout = 0; SET statement_timeout = 0");
    await client.query(lock);
    await client.query("CREATE TABLE IF NOT EXISTS rolecall_schema (version INTEGER NOT NULL)");
    await client.query(
      "INSERT INTO rolecall_schema (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM rolecall_schema)",
    );
    const version = async () => runAsync(POSTGRES.schemaVersion(), on);
    const found = await version();
    if (found > known) throw new DatabaseTooNewError(found, known);
    // All that is pending in one transaction: the schema moves from one version to the other whole.
    const pending = migrations.filter((m) => m.version > found);
    if (pending.length > 0) {
      try {
        await client.query("BEGIN");
        for (const migration of pending) {
          if (migration.data) await runAsync(migration.data(new Date()), on);
          await client.query(migration.postgres);
        }
        await client.query("UPDATE rolecall_schema SET version = $1", [pending.at(-1)?.version]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      }
    }
    return { from: found, to: await version() };
  } catch (error) {
    broken ??= error as Error;
    throw isConnectionError(error) ? new DatabaseUnavailableError(error) : error;
  } finally {
    client.release(broken ?? true);
  }
};
