import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAIN } from "../helpers/app-process.js";
import { BIN } from "../helpers/cli.js";

/**
 * A newcomer's shell: a fresh folder, no Rolecall variables, so the database is the SQLite file
 * data/rolecall.db (a fresh clone's default). SQLite only: it is not in vitest.postgres.config.ts.
 */
let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rolecall-newcomer-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (script: string, args: string[] = []) => {
  const done = spawnSync(process.execPath, [script, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH },
    encoding: "utf8",
  });
  return { code: done.status, stdout: done.stdout, stderr: done.stderr };
};
/** `npm start -- --once`: the tour, printed, and exit (plain `npm start` goes on serving it). */
const npmStart = () => run(MAIN, ["--once"]);
const rolecall = (...args: string[]) => run(BIN, args);
/** `npx rolecall a b c` as typed in README or printed by Rolecall (no quoting in these). */
const typed = (line: string) => {
  const words = line.trim().split(/\s+/);
  expect(words.slice(0, 2)).toEqual(["npx", "rolecall"]);
  return rolecall(...words.slice(2));
};
const squeeze = (line: string) => line.trim().replace(/\s+/g, " ");

const readmeTour = (): string[] => {
  const readme = readFileSync(resolve(import.meta.dirname, "../../README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## A five-minute tour"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block.trim().split("\n");
};

describe("README's tour, as a newcomer follows it", () => {
  it("is what npm start prints, and every command in it does what its comment says", () => {
    const started = npmStart();
    expect(started.code).toBe(0);
    const printed = started.stdout
      .split("\n")
      .filter((l) => l.trim().startsWith("npx rolecall"))
      .map(squeeze);
    const tour = readmeTour();
    expect(printed).toEqual(tour.map(squeeze));
    expect(tour.length).toBeGreaterThan(10);
    for (const line of tour) {
      const [command = "", comment = ""] = line.split(" # ");
      const refusal = /^([A-Z_]+):/.exec(comment)?.[1];
      const result = typed(command);
      if (refusal) {
        expect({ line, code: result.code }).toEqual({ line, code: 1 });
        expect(result.stderr).toMatch(new RegExp(`^${refusal}:`));
      } else {
        expect({ line, code: result.code, stderr: result.stderr }).toEqual({ line, code: 0, stderr: "" });
      }
    }
  });
});

describe("starting from scratch after the tour never strands a newcomer", () => {
  it("init names the --team to use, and its suggested command works", () => {
    npmStart();
    const created = rolecall(
      "init",
      "--slack-team",
      "T0123ABCD",
      "--account",
      "Acme Inc",
      "--owner",
      "you@acme.test",
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("--team T0123ABCD");
    const next = created.stdout.split("\n").find((l) => l.trim().startsWith("npx rolecall")) ?? "";
    expect(squeeze(next)).toBe("npx rolecall --team T0123ABCD --as you@acme.test whoami");
    expect(typed(next)).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("Owner (active) on Acme Inc"),
    });
  });

  it("a command without --team names the accounts and the flag", () => {
    npmStart();
    rolecall("init", "--slack-team", "T0123ABCD", "--account", "Acme Inc", "--owner", "you@acme.test");
    const refused = rolecall("--as", "you@acme.test", "whoami");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("T0DEMO (Acme Messaging)");
    expect(refused.stderr).toContain("T0123ABCD (Acme Inc)");
    expect(refused.stderr).toContain("--team");
  });

  it("init in an empty database suggests a command that needs no --team", () => {
    const created = rolecall(
      "init",
      "--slack-team",
      "T0123ABCD",
      "--account",
      "Acme Inc",
      "--owner",
      "you@acme.test",
    );
    const next = created.stdout.split("\n").find((l) => l.trim().startsWith("npx rolecall")) ?? "";
    expect(squeeze(next)).toBe("npx rolecall --as you@acme.test whoami");
    expect(typed(next).code).toBe(0);
  });

  it("npm start after init leaves that database alone and says where the try-out can go", () => {
    rolecall("init", "--slack-team", "T0123ABCD", "--account", "Acme Inc", "--owner", "you@acme.test");
    const started = npmStart();
    expect(started.code).toBe(0);
    expect(started.stdout).toContain("no try-out account was added");
    expect(started.stdout).toContain("DATABASE_URL=data/try-out.db");
    expect(rolecall("--as", "you@acme.test", "whoami").code).toBe(0);
  });
});
