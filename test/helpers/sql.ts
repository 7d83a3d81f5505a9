import Database from "better-sqlite3";
import pg from "pg";
import { isPostgresUrl } from "../../src/config.js";

/**
 * Runs one SQL statement on the database `url` names (a SQLite file, or a postgres:// URL whose
 * search_path picks the test's schema) and returns its rows. Write SQL both engines read alike,
 * e.g. CAST(count(*) AS INTEGER); parameters are `?` on SQLite and `$1…` on PostgreSQL, so prefer
 * literals here.
 */
export const sql = async <Row = Record<string, unknown>>(url: string, text: string): Promise<Row[]> => {
  if (!isPostgresUrl(url)) {
    const db = new Database(url, { fileMustExist: true });
    try {
      const statement = db.prepare(text);
      if (!statement.reader) {
        statement.run();
        return [];
      }
      return statement.all() as Row[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as Row[];
  } finally {
    await client.end();
  }
};

/** The one value of a one-row, one-column query (a count, say). */
export const sqlValue = async <T = unknown>(url: string, text: string): Promise<T> => {
  const [row] = await sql(url, text);
  if (!row) throw new Error(`no row from: ${text}`);
  return Object.values(row)[0] as T;
};

/** Lets the test edit or delete audit entries behind Rolecall's back (the log is append-only). */
export const allowAuditTampering = (url: string): Promise<unknown> =>
  isPostgresUrl(url)
    ? sql(url, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    : sql(url, "DROP TRIGGER audit_log_append_only_update");

/** Marks the database as written by a newer Rolecall, at schema `version`. */
export const setSchemaVersion = (url: string, version: number): Promise<unknown> =>
  isPostgresUrl(url)
    ? sql(url, `UPDATE rolecall_schema SET version = ${version}`)
    : sql(url, `PRAGMA user_version = ${version}`);
