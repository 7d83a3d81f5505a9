import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { rolecallAsync } from "../helpers/cli.js";
import { relayedApp } from "../helpers/relayed-app.js";
import { slashToProcess } from "../helpers/slack-harness.js";
import { openCore, TEAM } from "../helpers/team.js";

/**
 * PostgreSQL going away for ten seconds while requests arrive. The app reaches the server through a
 * loopback relay the test controls (the shared server itself keeps running for the other suites).
 */
const children: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("PostgreSQL away for ten seconds", () => {
  it("answers with clear errors, never hangs or crashes, writes nothing half, and recovers by itself", async () => {
    const {
      db,
      relay,
      relayedUrl: relayed,
      fake,
      app,
      apiKey,
      accountId,
      listening,
    } = await relayedApp({
      children,
      cleanups,
    });
    const port = await listening.port;
    const authorize = async (permission = "billing") => {
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/authorize`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ email: "tm@acme.test", permission }),
        signal: AbortSignal.timeout(20_000),
      });
      return {
        status: res.status,
        body: (await res.json()) as Record<string, unknown>,
        ms: Date.now() - started,
      };
    };
    expect((await authorize()).body.allowed).toBe(true);
    /** `/team <text>` from the Owner in Slack: the reply they see. */
    const slash = (text: string) =>
      slashToProcess(fake, `http://127.0.0.1:${port}`, { userId: "U0OWNER", teamId: TEAM, text });
    expect(await slash("whoami")).toMatch(/Owner/);

    relay.down();
    const downSince = Date.now();
    const during: { status: number; body: Record<string, unknown>; ms: number }[] = [];
    // A write tried while the database is away is refused as temporary, and leaves nothing behind.
    const write = await rolecallAsync(relayed, [
      "--as",
      "owner@acme.test",
      "add",
      "late@acme.test",
      "--json",
    ]);
    expect(write.code).toBe(75);
    expect(JSON.parse(write.stdout).error.code).toBe("UNAVAILABLE");
    while (Date.now() - downSince < 10_000) {
      during.push(await authorize(during.length % 2 === 0 ? "billing" : "export_users"));
      await new Promise((r) => setTimeout(r, 250));
    }
    // In Slack, the person is told plainly, and may try again.
    expect(await slash("whoami")).toMatch(/database is not answering right now; nothing was changed/);
    // Not ready (a load balancer sends traffic elsewhere), yet alive (nothing to restart).
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    relay.restore();

    expect(during.length).toBeGreaterThan(5);
    for (const answer of during) {
      // The answer from memory is fine while it holds; anything that needs the database says it is away.
      if (answer.status !== 200) {
        expect(answer.status).toBe(503);
        expect(answer.body).toEqual({
          error: { code: "UNAVAILABLE", message: expect.stringMatching(/database is not answering/) },
        });
      }
      expect(answer.ms).toBeLessThan(16_000);
    }
    expect(during.some((a) => a.status === 503)).toBe(true);
    expect(app.exitCode).toBeNull();

    // Back by itself: answers again, and a change made elsewhere reaches this instance's answers.
    let back = await authorize();
    const returned = Date.now();
    while (back.status !== 200 && Date.now() - returned < 15_000) {
      await new Promise((r) => setTimeout(r, 200));
      back = await authorize();
    }
    expect(back).toMatchObject({ status: 200, body: { allowed: true } });
    expect(await slash("whoami")).toMatch(/Owner/);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const revoke = await rolecallAsync(db.url, [
      "--as",
      "owner@acme.test",
      "perms",
      "revoke",
      "teammate",
      "billing",
    ]);
    expect(revoke.code, revoke.stderr).toBe(0);
    const changed = Date.now();
    while ((await authorize()).body.allowed !== false) {
      expect(Date.now() - changed).toBeLessThan(1_000);
      await new Promise((r) => setTimeout(r, 50));
    }

    const after = await openCore(db.url);
    cleanups.push(after.close);
    expect(await after.store.findMember(accountId, { email: "late@acme.test" })).toBeNull();
    expect((await after.core.verifyAudit(accountId)).ok).toBe(true);
  });
});
