import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MAIN } from "../helpers/app-process.js";

/** A newcomer's shell without Slack settings: a fresh folder, so the database is data/rolecall.db there. */
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "rolecall-try-out-"));
  dirs.push(dir);
  return dir;
};

const freePort = (): Promise<number> =>
  new Promise((done) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });

/** `npm start` as a newcomer runs it: no Slack variables, PORT chosen. Resolves once the tour is printed. */
const startTryOut = (dir: string, port: number, args: string[] = []) => {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH, PORT: String(port) },
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const tour = new Promise<string>((done, fail) => {
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
      if (stdout.includes("prints the tour and exits")) done(stdout);
    });
    child.on("exit", (code) => fail(new Error(`exited ${code}: ${stdout}\n${stderr}`)));
  });
  const exit = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return { child, tour, exit };
};

/** The curl line as printed, run as a shell would: its URL and its Authorization header. */
const printedCurl = (tour: string) => {
  const line = tour.split("\n").find((l) => l.trim().startsWith("curl ")) ?? "";
  const match = /^curl -s (\S+) -H "Authorization: Bearer (rc_[A-Za-z0-9_-]+)"$/.exec(line.trim());
  expect(match, line).not.toBeNull();
  return { url: match?.[1] ?? "", key: match?.[2] ?? "" };
};

describe("npm start without Slack settings: a live try-out", () => {
  it("prints the tour, then serves it on PORT: the printed invite link and curl work; Ctrl-C stops it with 0", async () => {
    const dir = freshDir();
    const port = await freePort();
    const app = startTryOut(dir, port);
    const tour = await app.tour;
    expect(tour).toContain("npx rolecall --as owner@acme.test whoami");

    const link = /^\s+(http:\/\/localhost:\d+\/invites\/[A-Za-z0-9_-]+)$/m.exec(tour)?.[1] ?? "";
    expect(link).toContain(`http://localhost:${port}/invites/`);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("ivy@acme.test");

    const curl = printedCurl(tour);
    expect(curl.url).toBe(`http://localhost:${port}/api/v1/members`);
    const members = await fetch(curl.url, { headers: { authorization: `Bearer ${curl.key}` } });
    expect(members.status).toBe(200);
    expect(
      ((await members.json()) as { members: { email: string; status: string }[] }).members,
    ).toContainEqual(expect.objectContaining({ email: "ivy@acme.test", status: "invited" }));

    const accepted = await fetch(link, { method: "POST" });
    expect(accepted.status).toBe(200);
    const after = (await (
      await fetch(`${curl.url}/ivy%40acme.test`, { headers: { authorization: `Bearer ${curl.key}` } })
    ).json()) as { status: string };
    expect(after.status).toBe("active");
    expect((await fetch(`http://localhost:${port}/healthz`)).status).toBe(200);

    app.child.kill("SIGINT");
    expect(await app.exit).toBe(0);
  });

  it("started again on the same database, prints a working key and a fresh invite link; SIGTERM stops it with 0", async () => {
    const dir = freshDir();
    const first = startTryOut(dir, await freePort());
    const firstKey = printedCurl(await first.tour).key;
    first.child.kill("SIGTERM");
    expect(await first.exit).toBe(0);

    const port = await freePort();
    const again = startTryOut(dir, port);
    const tour = await again.tour;
    expect(tour).toContain("already holds the try-out account");
    const { url, key } = printedCurl(tour);
    expect(key).not.toBe(firstKey);
    for (const k of [key, firstKey])
      expect((await fetch(url, { headers: { authorization: `Bearer ${k}` } })).status).toBe(200);
    const link = /^\s+(http:\/\/localhost:\d+\/invites\/[A-Za-z0-9_-]+)$/m.exec(tour)?.[1] ?? "";
    expect((await fetch(link)).status).toBe(200);
    again.child.kill("SIGTERM");
    expect(await again.exit).toBe(0);
  });

  it.each([
    ["npm start -- --once", ["--once"], {}],
    ["ROLECALL_ONCE=1 npm start", [], { ROLECALL_ONCE: "1" }],
  ])("%s prints the tour and exits 0, serving nothing", (_, args, env) => {
    const run = spawnSync(process.execPath, [MAIN, ...args], {
      cwd: freshDir(),
      env: { PATH: process.env.PATH, ...env },
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("npx rolecall --as owner@acme.test whoami");
    expect(run.stdout).not.toContain("/invites/");
  });
});
