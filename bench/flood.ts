import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import autocannon from "autocannon";
import { listeningPort, spawnApp } from "../test/helpers/app-process.js";
import { freshDatabase } from "../test/helpers/database.js";
import { FakeSlack } from "../test/helpers/fake-slack.js";
import { openCore } from "../test/helpers/team.js";
import type { RecordRow } from "./measure.js";
import { postgresAvailable } from "./postgres.js";

/** The issue's flood: this many requests with made-up keys, from one address. */
const FLOOD = 60_000;
/** How long after the flood RSS is read again: the issue's 30 s. */
const SETTLE_MS = 30_000;
/** The issue's bound on what the flood may leave: RSS this much above before, at most. */
const ALLOWED_MB = 20;

/** Resident memory of a process in MB (VmRSS from /proc/<pid>/status). */
const rssMb = (pid: number): number => {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Issue 25 item 3 on one engine: the real app (dist/src/main.js, logging at info) with one account,
 * its RSS read before; then FLOOD requests to /api/v1/members with a fresh well-formed made-up key
 * each, from one address (autocannon, 50 connections), while another connection sends the account's
 * real key one request after another all the while; then RSS again SETTLE_MS later. Nothing forces
 * a garbage collection: RSS is read as an operator would read it. Throws unless every request with
 * the real key was answered 200.
 */
const floodOne = async (engine: "sqlite" | "postgres") => {
  const db = await freshDatabase(engine);
  const seed = await openCore(db.url);
  const { apiKey } = await seed.core.createAccount({
    slackTeamId: "T0FLOOD",
    name: "Flood",
    ownerEmail: "o@flood.test",
  });
  await seed.close();
  const fake = new FakeSlack();
  await fake.start();
  const child = spawnApp({ SLACK_API_URL: fake.apiUrl, DATABASE_URL: db.url, LOG_LEVEL: "info" });
  try {
    const port = await listeningPort(child).port;
    child.stdout?.resume();
    const pid = child.pid ?? 0;
    const url = `http://127.0.0.1:${port}/api/v1/members`;
    const real = { authorization: `Bearer ${apiKey}` };
    // Warm-up with the real key: the served path compiled and its answers cached, as in production.
    for (let i = 0; i < 2_000; i++) {
      const res = await fetch(url, { headers: real });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${engine}: the real key got ${res.status} before the flood`);
    }
    await sleep(2_000);
    const before = rssMb(pid);
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(pid));
    }, 250);
    let flooding = true;
    const valid = { sent: 0, ok: 0, other: {} as Record<string, number> };
    const alongside = (async () => {
      while (flooding) {
        valid.sent++;
        const res = await fetch(url, { headers: real }).catch((error: Error) => error);
        const answer = res instanceof Error ? res.message : res.status;
        if (!(res instanceof Error)) await res.arrayBuffer();
        if (answer === 200) valid.ok++;
        else valid.other[answer] = (valid.other[answer] ?? 0) + 1;
      }
    })();
    const statuses: Record<number, number> = {};
    const result = await autocannon({
      url,
      connections: 50,
      amount: FLOOD,
      requests: [
        {
          method: "GET",
          setupRequest: (req: autocannon.Request) => ({
            ...req,
            headers: { authorization: `Bearer rc_${randomBytes(32).toString("base64url")}` },
          }),
          onResponse: (status: number) => {
            statuses[status] = (statuses[status] ?? 0) + 1;
          },
        },
      ],
    });
    flooding = false;
    await alongside;
    const justAfter = rssMb(pid);
    await sleep(SETTLE_MS);
    clearInterval(sampler);
    const after = rssMb(pid);
    console.log(
      `API-key flood on ${engine}: RSS ${before.toFixed(1)} MB before, ${peak.toFixed(1)} MB at peak, ` +
        `${justAfter.toFixed(1)} MB right after, ${after.toFixed(1)} MB ${SETTLE_MS / 1000} s after ` +
        `(${(after - before).toFixed(1)} MB above before); the flood's answers ${JSON.stringify(statuses)}` +
        `${result.errors ? `, ${result.errors} errors` : ""}; the real key: ${valid.ok} of ${valid.sent} answered 200`,
    );
    if (valid.ok !== valid.sent || valid.sent === 0)
      throw new Error(`${engine}: the real key was not always served: ${JSON.stringify(valid)}`);
    return { growth: after - before, valid };
  } finally {
    child.kill("SIGKILL");
    await fake.stop();
    await db.cleanup();
  }
};

/** The flood on SQLite, and on PostgreSQL when its server answers: two rows each. */
export const apiKeyFloods = async (record: RecordRow): Promise<void> => {
  // The app process runs the built code: build it from this tree first, so it is what is measured.
  execFileSync(
    process.execPath,
    [resolve(import.meta.dirname, "../node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    { cwd: resolve(import.meta.dirname, ".."), stdio: "inherit" },
  );
  const engines = (await postgresAvailable()) ? (["sqlite", "postgres"] as const) : (["sqlite"] as const);
  for (const engine of engines) {
    const name = engine === "sqlite" ? "SQLite" : "PostgreSQL";
    const { growth, valid } = await floodOne(engine);
    record(
      `API-key flood (${name}): RSS 30 s after 60,000 made-up keys, above before`,
      growth,
      ALLOWED_MB,
      "MB",
      `< ${ALLOWED_MB} MB`,
      (r) => r < 1,
    );
    record(
      `API-key flood (${name}): real key answered 200 throughout`,
      valid.ok,
      valid.sent,
      "requests",
      "all",
      (r) => r === 1,
    );
  }
};
