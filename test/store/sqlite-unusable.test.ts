import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseUnavailableError } from "../../src/core/errors.js";
import { listMembers } from "../helpers/core.js";
import { listeningServer } from "../helpers/http-server.js";
import { plainWords } from "../helpers/refusals.js";
import { openSqliteCore, seedTeam } from "../helpers/team.js";

/**
 * SQLite "not answering": a disk that fails, fills up or turns read-only under a running instance.
 * Tests make the file unusable on the store's own connection (PRAGMA max_page_count, query_only:
 * the same SQLITE_FULL and SQLITE_READONLY a full or read-only disk gives).
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const opened = async () => {
  const dir = mkdtempSync(join(tmpdir(), "rolecall-unusable-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const wired = await openSqliteCore(join(dir, "rolecall.db"));
  cleanups.push(() => wired.close());
  const seeded = await seedTeam(wired.core, [{ email: "tm@acme.test", role: "teammate" }]);
  return { ...wired, seeded };
};

describe("a SQLite file that cannot be written is UNAVAILABLE, not an internal error", () => {
  it.each([
    [
      "the disk is full (SQLITE_FULL)",
      (db: { pragma(s: string, o?: object): unknown }) => {
        db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true })}`);
      },
    ],
    [
      "the file turned read-only (SQLITE_READONLY)",
      (db: { pragma(s: string): unknown }) => {
        db.pragma("query_only = ON");
      },
    ],
  ])("%s: a change is refused as temporary, nothing is written, reads go on", async (_label, spoil) => {
    const { core, db, seeded } = await opened();
    const before = (await listMembers(core, seeded.as("owner@acme.test"))).members.length;
    spoil(db);
    // Until the pages the file has are used up (the read-only file refuses the first).
    let refused: unknown;
    let added = 0;
    while (refused === undefined && added < 500) {
      const member = { email: `new${added}@acme.test`, role: "teammate", name: "N".repeat(100) };
      refused = await core.addMember(seeded.as("owner@acme.test"), member).then(
        () => {
          added++;
        },
        (e: unknown) => e,
      );
    }
    expect(refused).toBeInstanceOf(DatabaseUnavailableError);
    expect(refused).toMatchObject({ code: "UNAVAILABLE" });
    expect(plainWords(refused)).toMatch(/not answering/);
    expect((refused as Error).cause).toMatchObject({
      code: expect.stringMatching(/^SQLITE_(FULL|READONLY)/),
    });
    expect((await listMembers(core, seeded.as("owner@acme.test"))).members).toHaveLength(before + added);
  });

  it("the invite page answers a browser with an HTML 503 and Retry-After", async () => {
    const { core, db, seeded, store } = await opened();
    await core.addMember(seeded.as("owner@acme.test"), { email: "new@acme.test", role: "teammate" });
    const mail = (await store.listMail()).find((m) => m.recipient === "new@acme.test")?.mail;
    const token = mail?.kind === "invite" ? mail.token : "";
    const { server, base } = await listeningServer(core);
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const page = `${base}/invites/${token}`;
    expect((await fetch(page)).status).toBe(200);
    db.pragma("query_only = ON");
    const res = await fetch(page, { method: "POST" });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.text()).toMatch(/The database is not answering right now; nothing was changed/);
    db.pragma("query_only = OFF");
    expect((await fetch(page, { method: "POST" })).status).toBe(200);
  });
});
