import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { resolve } from "node:path";
import { afterEach, expect, it } from "vitest";
import { listeningPort, spawnApp } from "../helpers/app-process.js";
import { rolecall, tempDatabase } from "../helpers/cli.js";
import { FakeSlack } from "../helpers/fake-slack.js";

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * The issue asks for "within 20 MB". Measured after a full collection the app stays within ~3 MB; an
 * unbounded cache of the keys tried grew ~24 MB over this run. 10 MB tells the two apart with room
 * on both sides.
 */
const ALLOWED_GROWTH_MB = 10;

const GC_PROBE = resolve(import.meta.dirname, "../helpers/gc-probe.cjs");

/** Resident memory of a process, in MB, as Linux reports it. */
const rssMb = (pid: number): number => {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
};

/** The app process, preloaded with the GC probe; `settledRssMb` collects garbage and then reads RSS. */
const startApp = async (): Promise<{ port: number; settledRssMb: () => Promise<number> }> => {
  const fake = new FakeSlack();
  await fake.start();
  cleanups.push(() => fake.stop());
  const { db, cleanup } = await tempDatabase();
  cleanups.push(cleanup);
  expect(
    rolecall(db, ["init", "--slack-team", "T0MEM", "--account", "Mem", "--owner", "o@mem.test"]).code,
  ).toBe(0);
  const child = spawnApp({
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: db,
    LOG_LEVEL: "info",
    // The flood comes through a proxy, each request from an address of its own (see `flood`).
    TRUSTED_PROXIES: "127.0.0.1",
    NODE_OPTIONS: `--require "${GC_PROBE}"`,
  });
  cleanups.push(() => {
    child.kill("SIGKILL");
  });
  const started = listeningPort(child);
  const port = await started.port;
  child.stdout?.resume();
  const settledRssMb = () =>
    new Promise<number>((done) => {
      // Only the output from now on is searched: at LOG_LEVEL=info there is a line per request.
      let tail = "";
      const onData = (chunk: Buffer) => {
        const seen = tail + chunk.toString();
        tail = seen.slice(-32);
        if (!seen.includes("gc-probe: collected")) return;
        child.stderr?.off("data", onData);
        done(rssMb(child.pid ?? 0));
      };
      child.stderr?.on("data", onData);
      child.kill("SIGUSR2");
    });
  return { port, settledRssMb };
};

/**
 * `total` GETs of the members API, each with a fresh random well-formed key and from a random
 * forwarded address (so no address reaches the limit of wrong keys, and every key is looked up: what
 * is measured is what the lookups leave behind), `inFlight` at a time.
 */
const flood = async (port: number, total: number, inFlight = 32): Promise<Record<number, number>> => {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const statuses: Record<number, number> = {};
  let sent = 0;
  const one = () =>
    new Promise<void>((done, fail) => {
      const key = `rc_${randomBytes(32).toString("base64url")}`;
      const req = request(
        {
          host: "127.0.0.1",
          port,
          path: "/api/v1/members",
          agent,
          headers: {
            authorization: `Bearer ${key}`,
            "x-forwarded-for": `10.${[...randomBytes(3)].join(".")}`,
          },
        },
        (res) => {
          statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
          res.resume();
          res.on("end", done);
        },
      );
      req.on("error", fail);
      req.end();
    });
  const worker = async () => {
    while (sent < total) {
      sent++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  agent.destroy();
  return statuses;
};

it("200,000 requests with random API keys from as many addresses do not grow the app's memory", async () => {
  const { port, settledRssMb } = await startApp();
  await flood(port, 20_000); // warm-up: code compiled, heap and sockets at their working size
  const before = await settledRssMb();
  const statuses = await flood(port, 200_000);
  const after = await settledRssMb();
  expect(statuses).toEqual({ 401: 200_000 });
  expect(after - before).toBeLessThan(ALLOWED_GROWTH_MB);
}, 180_000);
