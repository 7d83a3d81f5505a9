import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { listeningPort, spawnApp } from "../helpers/app-process.js";
import { tempDatabase } from "../helpers/cli.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { openCore, seedTeam } from "../helpers/team.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const HOLD_MS = 8_000;

/**
 * Another process (a second instance, a long CLI write) holding SQLite's write lock for HOLD_MS,
 * then letting it go. It says "held" and "released" on stdout.
 */
const holdWriteLock = (
  file: string,
): { child: ChildProcess; held: Promise<void>; released: Promise<void> } => {
  const child = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const { default: Database } = await import("better-sqlite3");
       const db = new Database(process.env.DB);
       db.exec("BEGIN IMMEDIATE");
       console.log("held");
       setTimeout(() => { db.exec("ROLLBACK"); db.close(); console.log("released"); }, ${HOLD_MS});`,
    ],
    { env: { PATH: process.env.PATH, DB: file }, stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  const said = (word: string) =>
    new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (chunk) => {
        out += chunk;
        if (out.includes(word)) resolve();
      });
      child.on("exit", () =>
        out.includes(word) ? resolve() : reject(new Error(`the holder exited: ${out}`)),
      );
    });
  return { child, held: said("held"), released: said("released") };
};

describe("another process holding the SQLite file", () => {
  it("the app answers /healthz while another process holds the write lock, long before it lets go", async () => {
    const fake = new FakeSlack();
    await fake.start();
    cleanups.push(() => fake.stop());
    const { db, cleanup } = await tempDatabase();
    cleanups.push(cleanup);
    const seed = await openCore(db);
    await seedTeam(seed.core);
    await seed.close();
    const app = spawnApp({ SLACK_API_URL: fake.apiUrl, DATABASE_URL: db, LOG_LEVEL: "info" });
    cleanups.push(() => app.kill("SIGKILL"));
    const port = await listeningPort(app).port;

    const holder = holdWriteLock(db);
    cleanups.push(() => holder.child.kill("SIGKILL"));
    await holder.held;
    let released = false;
    void holder.released.then(() => {
      released = true;
    });
    // Long enough for the mail worker (it polls every second) to be waiting for the lock: a wait
    // inside SQLite would hold the app's event loop until the holder lets go.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(released).toBe(false);
    await holder.released;
  });
});
