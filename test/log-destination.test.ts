import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../src/log.js";
import { BatchedDestination, type WriteSync } from "../src/log-destination.js";

/** Longer than the destination waits to gather lines. */
const turn = () => new Promise((done) => setTimeout(done, 40));
const later = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** An output that records each write(2) it takes; `refuse` decides, write by write, what it does. */
const output = (refuse: (n: number) => "EAGAIN" | "EPIPE" | number | null = () => null) => {
  const writes: string[] = [];
  let n = 0;
  const write: WriteSync = (_fd, buffer, offset, length) => {
    const answer = refuse(n++);
    if (answer === "EAGAIN" || answer === "EPIPE") throw Object.assign(new Error(answer), { code: answer });
    const taken = answer === null ? length : Math.min(answer, length);
    writes.push(buffer.subarray(offset, offset + taken).toString());
    return taken;
  };
  return { writes, all: () => writes.join(""), destination: new BatchedDestination(99, write) };
};

describe("the log's destination", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("writes the lines logged within a few milliseconds with one write, in order", async () => {
    const { writes, destination } = output();
    for (let i = 0; i < 500; i++) destination.write(`line ${i}\n`);
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toHaveLength(1);
    expect(writes[0]?.split("\n").slice(0, 3)).toEqual(["line 0", "line 1", "line 2"]);
    expect(writes[0]?.split("\n")).toHaveLength(501);
    destination.write("next\n");
    await turn();
    expect(writes).toEqual([expect.any(String), "next\n"]);
  });

  it("writes at once when many lines are waiting, without waiting for the timer", () => {
    const { writes, destination } = output();
    for (let i = 0; i < 3_000; i++) destination.write(`${String(i).padStart(99, "-")}\n`);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.join("").split("\n")[0]).toBe(`${"-".repeat(98)}0`);
  });

  it("keeps what a full pipe does not take and writes it first once the pipe takes lines again", async () => {
    // The first write takes 4 bytes, the second finds the pipe full; then it drains.
    const { all, destination } = output((n) => (n === 0 ? 4 : n === 1 ? "EAGAIN" : null));
    destination.write("first line\n");
    await turn();
    expect(all()).toBe("firs");
    destination.write("second line\n");
    await later(60);
    expect(all()).toBe("first line\nsecond line\n");
  });

  it("never throws at a broken output, and writes to it again later", async () => {
    const { all, destination } = output((n) => (n === 0 ? "EPIPE" : null));
    destination.write("lost\n");
    await turn();
    destination.write("kept\n");
    await turn();
    expect(all()).toBe("kept\n");
  });

  it("drops lines past its limit while the output takes nothing, then says how many it dropped", async () => {
    let full = true;
    const { all, destination } = output(() => (full ? "EAGAIN" : null));
    const big = `${"x".repeat(100_000 - 1)}\n`;
    for (let i = 0; i < 12; i++) destination.write(big);
    await turn();
    full = false;
    await later(60);
    destination.write('{"msg":"after"}\n');
    await turn();
    const lines = all().split("\n").filter(Boolean);
    expect(lines.filter((l) => l.startsWith("x"))).toHaveLength(10);
    const notice = lines.find((l) => l.startsWith("{") && l.includes("dropped"));
    expect(JSON.parse(notice ?? "{}")).toMatchObject({
      level: "warn",
      msg: expect.stringMatching(/^2 log lines dropped/),
    });
    expect(lines.at(-1)).toBe('{"msg":"after"}');
  });

  it("writes a line larger than its buffer whole, after the lines before it", () => {
    const { all, destination } = output();
    destination.write("before\n");
    const huge = `${"y".repeat(1_500_000)}\n`;
    destination.write(huge);
    destination.write("after\n");
    destination.flushSync();
    expect(all()).toBe(`before\n${huge}after\n`);
  });

  it("adds one exit listener for all the loggers of a process", () => {
    const before = process.listenerCount("exit");
    const dir = mkdtempSync(join(tmpdir(), "rolecall-log-"));
    dirs.push(dir);
    for (let i = 0; i < 20; i++) createLogger("info", undefined, "json", join(dir, `${i}.log`));
    expect(process.listenerCount("exit") - before).toBeLessThanOrEqual(1);
  });

  it("writes what it holds at once on flushSync (before the process exits)", () => {
    const { all, destination } = output();
    destination.write("a\n");
    destination.write("b\n");
    destination.flushSync();
    expect(all()).toBe("a\nb\n");
  });

  it("writes what it holds when the process dies of an uncaught error", () => {
    const script = `
      import { createLogger } from ${JSON.stringify(resolve(import.meta.dirname, "../dist/src/log.js"))};
      const logger = createLogger("info");
      logger.info({ route: "/healthz" }, "last line before the crash");
      setTimeout(() => { throw new Error("boom"); }, 1);
    `;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(run.status).toBe(1);
    const line = run.stderr.split("\n").find((l) => l.includes("last line before the crash"));
    expect(JSON.parse(line ?? "{}")).toMatchObject({ level: "info", route: "/healthz" });
  });

  it("is where the logger's JSON lines go: a file receives them after the turn, or on flush", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rolecall-log-"));
    dirs.push(dir);
    const file = join(dir, "rolecall.log");
    const logger = createLogger("info", undefined, "json", file);
    logger.info({ route: "/healthz", status: 200 }, "http request");
    logger.warn("disk low");
    await turn();
    const lines = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({ level: "info", msg: "http request", route: "/healthz" }),
      expect.objectContaining({ level: "warn", msg: "disk low" }),
    ]);
    logger.error("last words");
    logger.flush();
    expect(readFileSync(file, "utf8")).toContain('"msg":"last words"');
  });
});
