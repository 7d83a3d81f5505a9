import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";

const ROOT = resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(resolve(ROOT, file), "utf8");

/** NAME=value lines of .env.example, with the value a reader means (surrounding quotes taken off). */
const documented = (): Map<string, string> => {
  const vars = new Map<string, string>();
  for (const [, name = "", raw = ""] of read(".env.example").matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)) {
    vars.set(name, /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw);
  }
  return vars;
};

/** The environment after `set -a; . ./.env.example; set +a`, as README says to load it. */
const sourced = () => {
  const run = spawnSync(
    "bash",
    ["--norc", "--noprofile", "-c", "set -e; set -a; . ./.env.example; set +a; env -0"],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
      encoding: "utf8",
    },
  );
  const env: Record<string, string> = {};
  for (const entry of run.stdout.split("\0")) {
    const at = entry.indexOf("=");
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return { code: run.status, stderr: run.stderr, env };
};

describe(".env.example, loaded the way README says", () => {
  it("is valid shell: every variable in it arrives with the value written", () => {
    const vars = documented();
    expect(vars.size).toBeGreaterThan(10);
    const { code, stderr, env } = sourced();
    expect(stderr).toBe("");
    expect(code).toBe(0);
    for (const [name, value] of vars) expect({ name, value: env[name] }).toEqual({ name, value });
    expect(env.MAIL_FROM).toBe("Rolecall <no-reply@localhost>");
  });

  it("gives a configuration Rolecall starts with (the try-out, no Slack tokens)", () => {
    const config = loadConfig(sourced().env);
    expect(config).toMatchObject({ MAIL_FROM: "Rolecall <no-reply@localhost>", PORT: 3000 });
    expect(config.SLACK_BOT_TOKEN).toBeUndefined();
  });

  it("names TRUSTED_PROXIES, left empty", () => {
    expect(documented().get("TRUSTED_PROXIES")).toBe("");
  });
});

describe("README and .env.example point only at what a user has", () => {
  it.each(["README.md", ".env.example"])("%s names no document missing from the repository", (file) => {
    const text = read(file);
    expect(text).not.toMatch(/\b(PRODUCT|ARCHITECTURE)\b/);
    for (const [doc] of text.matchAll(/[\w./-]+\.md\b/g)) expect(existsSync(resolve(ROOT, doc))).toBe(true);
  });
});
