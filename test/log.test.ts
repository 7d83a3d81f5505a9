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

describe("the logger", () => {
  it("writes one line per entry at or above its level, with errors' stacks", () => {
    const { lines, logger } = capture("warn");
    logger.info("not shown");
    logger.warn("disk", { free: 1 });
    logger.error("failed:", new Error("boom"));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z WARN \[rolecall\] disk \{"free":1\}\n$/);
    expect(lines[1]).toContain("ERROR [rolecall] failed: Error: boom\n    at ");
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
    expect(lines[0]).toContain("INFO [rolecall] shown");
    expect(bolt.getLevel()).toBe(LogLevel.INFO);
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
