import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/**
 * Which engine the suites run on: SQLite in `npm test` (no server needed), PostgreSQL in
 * `npm run test:postgres` (ROLECALL_TEST_ENGINE=postgres, at TEST_DATABASE_URL).
 */
export const TEST_ENGINE: "sqlite" | "postgres" =
  process.env.ROLECALL_TEST_ENGINE === "postgres" ? "postgres" : "sqlite";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  /** DATABASE_URL for the app, the CLI and the store. */
  url: string;
  /** A folder of the test's own (mail files and the like). */
  dir: string;
  cleanup(): Promise<void>;
}

/** The URL of a schema of its own on the test server (PostgreSQL puts tables in the first of search_path). */
const inSchema = (schema: string): string => {
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
};

const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
};

/**
 * An empty database for one test: a SQLite file in a temp folder, or, on PostgreSQL, a schema of
 * its own on the test server; cleanup removes it (the folder, or the schema and all it holds).
 */
export const freshDatabase = async (engine = TEST_ENGINE): Promise<TestDatabase> => {
  const dir = mkdtempSync(join(tmpdir(), "rolecall-db-"));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  if (engine === "sqlite") {
    return {
      url: join(dir, "rolecall.db"),
      dir,
      cleanup: async () => removeDir(),
    };
  }
  const schema = `t_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE SCHEMA ${schema}`));
  return {
    url: inSchema(schema),
    dir,
    cleanup: async () => {
      removeDir();
      await admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
    },
  };
};
