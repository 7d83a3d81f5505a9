import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTokens, TokenCipher } from "../../src/shared/token-cipher.js";
import { json, rolecall, tempDatabase } from "../helpers/cli.js";
import { install, tokensOf } from "../helpers/installations.js";
import { sql } from "../helpers/sql.js";
import { openCore } from "../helpers/team.js";

let db = "";
let cleanup = async () => {};
beforeEach(async () => {
  ({ db, cleanup } = await tempDatabase());
});
afterEach(() => cleanup());

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const base64 = (key: Buffer) => key.toString("base64");
/** Mid-rotation: B is the new key, A the one being rotated out. */
const ROTATING = { ROLECALL_ENCRYPTION_KEY: base64(keyB), ROLECALL_ENCRYPTION_KEY_PREVIOUS: base64(keyA) };

/** Installs Rolecall in each workspace, its tokens sealed by the cipher given for it. */
const seed = async (installs: [key: string, cipher: TokenCipher][]) => {
  const wired = await openCore(db);
  for (const [key, cipher] of installs) await install(wired, key, cipher);
  await wired.close();
};

/** Each installation's tokens opened with the new key alone (throws when one does not open). */
const openedWithNewKeyAlone = async () => {
  const wired = await openCore(db);
  const cipher = new TokenCipher(keyB);
  const opened = (await wired.store.installations.listInstallations()).map((i) => ({
    key: i.key,
    ...openTokens(cipher, i.key, i.tokens),
  }));
  await wired.close();
  return opened;
};

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

  it("reseals what the previous key sealed; the new key alone then opens every installation; a second run has nothing to do", async () => {
    await seed([
      ["T0A", new TokenCipher(keyA)],
      ["T0B", new TokenCipher(keyA)],
      ["T0C", new TokenCipher(keyB)],
    ]);
    const run = rolecall(db, ["reencrypt"], ROTATING);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(
      "Re-encrypted 2 installations under the current key; 1 already was. ROLECALL_ENCRYPTION_KEY_PREVIOUS can now be removed.",
    );
    expect(await openedWithNewKeyAlone()).toEqual(
      ["T0A", "T0B", "T0C"].map((key) => ({ key, ...tokensOf(key) })),
    );
    expect(JSON.stringify(await sql(db, "SELECT * FROM installations"))).not.toMatch(/xox[be]-/);

    const again = rolecall(db, ["reencrypt", "--json"], { ROLECALL_ENCRYPTION_KEY: base64(keyB) });
    expect(again.code).toBe(0);
    expect(json(again)).toEqual({ ok: true, reencrypted: 0, current: 3 });
  });

  it("a token neither key opens is named by its workspace with the variable to check, after the others are resealed", async () => {
    const stranger = new TokenCipher(randomBytes(32));
    await seed([
      ["T0A", new TokenCipher(keyA)],
      ["T0LOST", stranger],
    ]);
    const run = rolecall(db, ["reencrypt", "--json"], ROTATING);
    expect(run.code).toBe(2);
    const { code, message } = errorOf(run);
    expect(code).toBe("INVALID_INPUT");
    expect(message).toMatch(/^1 installation could not be re-encrypted:\n {2}T0LOST: /);
    expect(message).toContain(`key id ${stranger.keyId}`);
    expect(message).toContain("set ROLECALL_ENCRYPTION_KEY_PREVIOUS to the key that sealed it");
    expect(message).toContain("Re-encrypted 1 installation under the current key; 0 already were.");
    expect(message).not.toMatch(/xox[be]-/);
    const resealed = await openCore(db);
    const kept = await resealed.store.findInstallation("T0A");
    await resealed.close();
    expect(kept && openTokens(new TokenCipher(keyB), "T0A", kept.tokens)).toEqual(tokensOf("T0A"));
  });
});
