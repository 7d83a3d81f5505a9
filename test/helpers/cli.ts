import { spawn, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { freshDatabase } from "./database.js";

export const BIN = resolve(import.meta.dirname, "../../bin/rolecall.js");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const envFor = (db: string, extra: NodeJS.ProcessEnv = {}) => ({
  ...process.env,
  DATABASE_URL: db,
  ...extra,
});

/** Runs the real `rolecall` binary against `db`. */
export const rolecall = (db: string, args: string[], extraEnv?: NodeJS.ProcessEnv): CliRun => {
  const run = spawnSync(process.execPath, [BIN, ...args], { env: envFor(db, extraEnv), encoding: "utf8" });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
};

export const rolecallAsync = (db: string, args: string[]): Promise<CliRun> =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: envFor(db) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
  });

export const json = <T = Record<string, unknown>>(run: CliRun): T => JSON.parse(run.stdout) as T;

/**
 * An empty database of the engine the suite runs on, and a temp folder of the test's own: `db` is
 * its DATABASE_URL (a SQLite file in `dir`, or a PostgreSQL schema of its own); cleanup removes both.
 */
export const tempDatabase = async (): Promise<{ db: string; dir: string; cleanup: () => Promise<void> }> => {
  const { url, dir, cleanup } = await freshDatabase();
  return { db: url, dir, cleanup };
};
