import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

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

/** A fresh temp folder; returns its database path and a cleanup. */
export const tempDatabase = () => {
  const dir = mkdtempSync(join(tmpdir(), "rolecall-cli-"));
  return { dir, db: join(dir, "rolecall.db"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
};
