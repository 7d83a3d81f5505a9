import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LogLevel } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/log.js";
import { boltLogger } from "../src/slack/bolt-logger.js";

const capture = (level: Parameters<typeof createLogger>[0]) => {
  const lines: string[] = [];
  return { lines, logger: createLogger(level, (line) => lines.push(line)) };
};

const parsed = (line: string | undefined) => JSON.parse(line ?? "null") as Record<string, unknown>;

describe("the logger", () => {
  it("writes one JSON line per entry at or above its level: level, time, message; errors with their stack", () => {
    const { lines, logger } = capture("warn");
    logger.info("not shown");
    logger.warn("disk", { free: 1 });
    logger.error("failed:", new Error("boom"));
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith("}\n") && !l.slice(0, -1).includes("\n"))).toBe(true);
    expect(parsed(lines[0])).toMatchObject({ level: "warn", msg: 'disk {"free":1}' });
    expect(parsed(lines[0]).time).toMatch(/^\d{4}-\d\d-\d\dT\S+Z$/);
    const error = parsed(lines[1]);
    expect(error).toMatchObject({ level: "error", msg: "failed:", err: { type: "Error", message: "boom" } });
    expect((error.err as { stack: string }).stack).toContain("Error: boom\n    at ");
  });

  it("logs context fields given first, pino's way, and redacts the fields that could hold secrets or names", () => {
    const { lines, logger } = capture("info");
    logger.info(
      { route: "/api/v1/members", status: 200, token: "xoxb-secret", name: "Ada Lovelace" },
      "http request",
    );
    logger.info({ botToken: "xoxb-2", team: "T1", headers: { authorization: "Bearer rc_x" } }, "x");
    expect(parsed(lines[0])).toMatchObject({ msg: "http request", route: "/api/v1/members", status: 200 });
    const all = lines.join("");
    for (const secret of ["xoxb-secret", "Ada Lovelace", "xoxb-2", "rc_x"]) expect(all).not.toContain(secret);
    expect(parsed(lines[1])).toMatchObject({ botToken: "[redacted]", team: "T1" });
  });

  it("never throws on what it is given: a cycle or a BigInt is written as text", () => {
    const { lines, logger } = capture("info");
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    logger.info("state", cyclic, 10n);
    expect(parsed(lines[0]).msg).toBe("state [object Object] 10");
  });

  it("silent writes nothing; trace means debug", () => {
    const silent = capture("silent");
    silent.logger.error("x");
    expect(silent.lines).toEqual([]);
    const trace = capture("trace");
    trace.logger.debug("y");
    expect(trace.logger.level).toBe("debug");
    expect(trace.lines).toHaveLength(1);
  });
});

describe("Bolt's view of the logger", () => {
  it("writes through Rolecall's logger, reports its level, and cannot be turned up by Bolt", () => {
    const { lines, logger } = capture("info");
    const bolt = boltLogger(logger);
    expect(bolt.getLevel()).toBe(LogLevel.INFO);
    bolt.setLevel(LogLevel.DEBUG);
    bolt.setName("bolt-app");
    bolt.debug("hidden");
    bolt.info("shown");
    expect(lines).toHaveLength(1);
    expect(parsed(lines[0])).toMatchObject({ level: "info", msg: "shown" });
    expect(bolt.getLevel()).toBe(LogLevel.INFO);
  });
});

describe("the Web API's payload lines", () => {
  it("never reach the log, at debug either: message texts and profiles carry people's names", () => {
    const { lines, logger } = capture("debug");
    const bolt = boltLogger(logger);
    bolt.debug('http request body: {"text":"Ada Lovelace was invited"}');
    bolt.debug('http request result: {"user":{"real_name":"Ada Lovelace"}}');
    bolt.debug("apiCall('chat.postMessage') start");
    expect(lines.join("")).not.toContain("Ada");
    expect(lines).toHaveLength(1);
  });
});

describe("only the Slack adapter knows Bolt's logger", () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(".ts"))
      .map((name) => join(dir, name));

  it.each(["src/core", "src/http", "src/mail"])("%s takes no Logger from a Slack package", (dir) => {
    for (const file of sources(join(import.meta.dirname, "..", dir))) {
      const imports = readFileSync(file, "utf8").match(/import[^;]*from "@slack\/[^"]*"/g) ?? [];
      expect(
        imports.filter((line) => /\bLogger\b/.test(line)),
        file,
      ).toEqual([]);
    }
  });
});
