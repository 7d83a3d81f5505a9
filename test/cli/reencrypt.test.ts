import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { json, rolecall, tempDatabase } from "../helpers/cli.js";

let db = "";
let cleanup = async () => {};
beforeEach(async () => {
  ({ db, cleanup } = await tempDatabase());
});
afterEach(() => cleanup());

const errorOf = (run: ReturnType<typeof rolecall>) =>
  json<{ error: { code: string; message: string } }>(run).error;

describe("rolecall reencrypt", () => {
  it("without ROLECALL_ENCRYPTION_KEY, says it needs it (and the previous key) and exits non-zero", () => {
    const run = rolecall(db, ["reencrypt", "--json"], { ROLECALL_ENCRYPTION_KEY: "" });
    expect(run.code).toBe(2);
    expect(errorOf(run)).toEqual({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/^ROLECALL_ENCRYPTION_KEY is not set.*ROLECALL_ENCRYPTION_KEY_PREVIOUS/),
    });
  });

  it("a key that is not 32 bytes in base64 is named, and not shown", () => {
    const short = randomBytes(16).toString("base64");
    const run = rolecall(db, ["reencrypt"], {
      ROLECALL_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      ROLECALL_ENCRYPTION_KEY_PREVIOUS: short,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("ROLECALL_ENCRYPTION_KEY_PREVIOUS must be 32 random bytes in base64");
    expect(run.stderr).not.toContain(short);
  });

  it("takes no words", () => {
    const run = rolecall(db, ["reencrypt", "now"], {
      ROLECALL_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Usage: rolecall reencrypt");
  });
});
