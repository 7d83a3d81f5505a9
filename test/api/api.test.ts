import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { PERMISSION_KEYS } from "../../src/core/permissions.js";
import { newKey } from "../helpers/api-keys.js";
import { json, rolecall } from "../helpers/cli.js";
import { setPermission } from "../helpers/core.js";
import { grantTeammateBilling, PEOPLE, startHarness } from "../helpers/slack-harness.js";
import { manualClock, openCore } from "../helpers/team.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The app with a known organisation key (rotated by the operator before start, shown once). */
const setup = async (clock?: ReturnType<typeof manualClock>) => {
  const h = await startHarness({}, clock ? { clock } : {});
  cleanups.push(() => h.stop());
  const rotated = json<{ apiKey: string }>(rolecall(h.db, ["apikey", "rotate", "--json"]));
  const call = (path: string, init: RequestInit & { key?: string | null } = {}) => {
    const headers = new Headers(init.headers);
    const key = init.key === undefined ? rotated.apiKey : init.key;
    if (key) headers.set("authorization", `Bearer ${key}`);
    return fetch(`${h.base}${path}`, { ...init, headers });
  };
  const authorize = async (email: string, permission: string, key?: string | null) => {
    const res = await call("/api/v1/authorize", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, permission }),
      key,
    });
    return {
      status: res.status,
      body: (await res.json()) as { allowed: boolean; role: string | null; reason: string },
    };
  };
  return { h, key: rotated.apiKey, call, authorize };
};

describe("the authorization API (PRODUCT §8)", () => {
  it("lists members with role and status, and one member with effective permissions", async () => {
    const { call } = await setup();
    const list = (await (await call("/api/v1/members")).json()) as {
      members: { email: string; role: string; status: string }[];
    };
    expect(list.members.map((m) => `${m.email}:${m.role}:${m.status}`).sort()).toEqual(
      [
        "owner@acme.test:owner:active",
        "owner2@acme.test:owner:active",
        "admin@acme.test:admin:active",
        "tm@acme.test:teammate:active",
        "invited@acme.test:teammate:invited",
      ].sort(),
    );
    const admin = await call(`/api/v1/members/${encodeURIComponent("Admin@Acme.test")}`);
    expect(admin.status).toBe(200);
    expect(await admin.json()).toMatchObject({
      email: "admin@acme.test",
      role: "admin",
      permissions: expect.not.arrayContaining(["team_settings"]),
    });
    expect(await (await call("/api/v1/members/invited%40acme.test")).json()).toMatchObject({
      status: "invited",
      permissions: [],
    });
    expect((await call("/api/v1/members/removed%40acme.test")).status).toBe(404);
    const nobody = await call("/api/v1/members/nobody%40acme.test");
    expect(nobody.status).toBe(404);
    expect(await nobody.json()).toEqual({
      error: { code: "NO_SUCH_MEMBER", message: "nobody@acme.test is not a member of this team." },
    });
    expect((await call("/api/v1/members/%E0%A4%A")).status).toBe(400);
    expect((await fetch(`${(await setup()).h.base}/healthz`)).status).toBe(200);
  });

  it("authorize agrees with the core for every person × permission, before and after toggles from Slack and from the CLI", async () => {
    const { h, authorize } = await setup();
    const agree = async () => {
      for (const person of Object.values(PEOPLE)) {
        for (const permission of PERMISSION_KEYS) {
          const { status, body } = await authorize(person.email, permission);
          expect(status).toBe(200);
          expect(body.allowed).toBe(await h.running.core.access.can(h.accountId, person.email, permission));
          expect(typeof body.reason).toBe("string");
        }
      }
    };
    await agree();
    expect((await authorize("tm@acme.test", "billing")).body).toMatchObject({
      allowed: true,
      role: "teammate",
    });
    expect((await authorize("owner@acme.test", "team_settings")).body).toMatchObject({
      allowed: true,
      role: "owner",
    });
    expect((await authorize("invited@acme.test", "billing")).body).toMatchObject({
      allowed: false,
      role: "teammate",
    });
    expect((await authorize("stranger@elsewhere.test", "billing")).body).toMatchObject({
      allowed: false,
      role: null,
    });

    await h.slash("owner", "perms revoke teammate billing");
    expect((await authorize("tm@acme.test", "billing")).body).toMatchObject({
      allowed: false,
      reason: "Teammates may not use Billing.",
    });
    await agree();

    // Another process changes the database: the very next answer reflects it.
    expect(rolecall(h.db, ["--as", "owner@acme.test", "perms", "grant", "admin", "team_settings"]).code).toBe(
      0,
    );
    expect((await authorize("admin@acme.test", "team_settings")).body.allowed).toBe(true);
    expect(rolecall(h.db, ["--as", "owner@acme.test", "role", "tm@acme.test", "admin"]).code).toBe(0);
    expect((await authorize("tm@acme.test", "team_settings")).body).toMatchObject({
      allowed: true,
      role: "admin",
    });
    await agree();
  });

  it("refuses a missing or wrong key with 401 and no hint which", async () => {
    const { call, key } = await setup();
    const wrong = `${key.slice(0, -4)}AAAA`;
    for (const k of [null, "", "rc_short", wrong, `${key} extra`]) {
      const res = await call("/api/v1/members", { key: k });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: "UNAUTHORIZED", message: expect.any(String) } });
    }
  });

  it("answers bad bodies and unknown permissions with 400 and a JSON error", async () => {
    const { call, authorize } = await setup();
    expect((await authorize("tm@acme.test", "launch_rockets")).status).toBe(400);
    const post = (body: string | Uint8Array) =>
      call("/api/v1/authorize", { method: "POST", body, headers: { "content-type": "application/json" } });
    for (const body of [
      "",
      "{",
      "[]",
      '{"email":1,"permission":"billing"}',
      '{"email":"a@b.c"}',
      '{"email":"a@b.c","permission":"billing","x":1}',
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect((await res.json()) as object).toMatchObject({ error: { code: "INVALID_INPUT" } });
    }
    expect((await post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).status).toBe(400);
    expect((await post(JSON.stringify({ email: "x".repeat(100_000), permission: "billing" }))).status).toBe(
      413,
    );
    expect((await call("/api/v1/authorize")).status).toBe(405);
    expect((await call("/api/v1/nothing")).status).toBe(404);
  });

  it("fuzzed bodies never get a 5xx, and the process stays up", async () => {
    const { call } = await setup();
    const bodies = fc.oneof(
      fc.json(),
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
      fc.record({ email: fc.anything(), permission: fc.anything() }).map((o) => JSON.stringify(o) ?? "null"),
      fc
        .record({ email: fc.emailAddress(), permission: fc.constantFrom(...PERMISSION_KEYS, "x", "") })
        .map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const res = await call("/api/v1/authorize", {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        });
        await res.arrayBuffer();
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    expect((await call("/api/v1/members")).status).toBe(200);
  });
});

describe("the batch form of POST /api/v1/authorize (PRODUCT §8)", () => {
  const batch = async (call: Awaited<ReturnType<typeof setup>>["call"], checks: unknown) => {
    const res = await call("/api/v1/authorize", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ checks }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("answers every check in the order asked, allowed and denied mixed, a time-bound grant named in its entry", async () => {
    const clock = manualClock("2026-03-02T12:00:00.000Z");
    const { h, call, authorize } = await setup(clock);
    await grantTeammateBilling(h, clock);
    const checks = [
      { email: PEOPLE.admin.email, permission: "team_settings" },
      { email: PEOPLE.owner.email, permission: "team_settings" },
      { email: PEOPLE.teammate.email, permission: "billing" },
      { email: "nobody@acme.test", permission: "billing" },
      { email: PEOPLE.invited.email, permission: "export_users" },
      { email: "TM@Acme.test", permission: "Export-Users" },
      { email: PEOPLE.admin.email, permission: "billing" },
    ];
    const answer = await batch(call, checks);
    expect(answer.status).toBe(200);
    const results = answer.body.results as { allowed: boolean; role: string | null; grant?: object }[];
    expect(results.map((r) => [r.allowed, r.role])).toEqual([
      [false, "admin"],
      [true, "owner"],
      [true, "teammate"],
      [false, null],
      [false, "teammate"],
      [true, "teammate"],
      [true, "admin"],
    ]);
    // Each entry is exactly the single form's answer for it.
    for (const [i, check] of checks.entries())
      expect(results[i]).toEqual((await authorize(check.email, check.permission)).body);
    expect(results[2]).toMatchObject({
      grant: { permission: "billing", grantedBy: PEOPLE.owner.email },
      reason: expect.stringMatching(/^Temporary grant until 13:00 UTC/),
    });
    expect(results.filter((r) => r.grant)).toHaveLength(1);
    // The grant stops at its end time, in the batch as in the single form.
    clock.advance(60 * 60_000);
    const after = (await batch(call, checks)).body.results as { allowed: boolean }[];
    expect(after.map((r) => r.allowed)).toEqual([false, true, false, false, false, true, true]);
  });

  it("refuses the whole batch with 400 naming the entry: an unknown permission, a malformed entry", async () => {
    const { call } = await setup();
    const good = { email: PEOPLE.admin.email, permission: "billing" };
    const unknown = await batch(call, [
      good,
      good,
      good,
      { email: PEOPLE.admin.email, permission: "launch" },
    ]);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      error: {
        code: "INVALID_INPUT",
        message: expect.stringMatching(/^checks\[3\]\.permission: A permission is one of: /),
      },
    });
    const noEmail = await batch(call, [good, { permission: "billing" }]);
    expect(noEmail.status).toBe(400);
    expect((noEmail.body.error as { message: string }).message).toMatch(/^checks\[1\]\.email: /);
    const extra = await batch(call, [{ ...good, x: 1 }]);
    expect((extra.body.error as { message: string }).message).toMatch(/^checks\[0\]: /);
    for (const checks of [[], "all", [null], [[good]]]) {
      const res = await batch(call, checks);
      expect(res.status).toBe(400);
      expect((res.body.error as { message: string }).message).toMatch(/^checks/);
    }
    const both = await call("/api/v1/authorize", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...good, checks: [good] }),
    });
    expect(both.status).toBe(400);
  });

  it("takes 100 checks and refuses 101 with 400", async () => {
    const { call } = await setup();
    const check = { email: PEOPLE.teammate.email, permission: "export_users" };
    const hundred = await batch(
      call,
      Array.from({ length: 100 }, () => check),
    );
    expect(hundred.status).toBe(200);
    expect(hundred.body.results).toHaveLength(100);
    const tooMany = await batch(
      call,
      Array.from({ length: 101 }, () => check),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({
      error: { code: "INVALID_INPUT", message: "checks: At most 100 checks per request." },
    });
    // A full batch of the longest emails fits the body limit.
    const longest = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`;
    const big = await batch(
      call,
      Array.from({ length: 100 }, () => ({ email: longest, permission: "access_permissions" })),
    );
    expect(big.status).toBe(200);
    expect((big.body.results as { allowed: boolean }[]).every((r) => !r.allowed)).toBe(true);
  });
});

describe("the organisation API key", () => {
  it("is shown once by init, stored only as a hash, and never in the audit trail or logs in full", async () => {
    const { h, key } = await setup();
    const Database = (await import("better-sqlite3")).default;
    const raw = new Database(h.db, { readonly: true });
    const dump = JSON.stringify([
      raw.prepare("SELECT * FROM accounts").all(),
      raw.prepare("SELECT * FROM audit_log").all(),
    ]);
    raw.close();
    expect(dump).not.toContain(key);
    expect(dump).toContain(key.slice(0, 10)); // the prefix, for display
    const audit = json<{ action: string; after: { prefix: string } }[]>(
      rolecall(h.db, ["audit", "--format", "json"]),
    );
    expect(audit.at(-1)).toMatchObject({ action: "apikey.rotated", after: { prefix: key.slice(0, 10) } });
  });

  it("rotated without grace: the old key gets 401 at once, the new one works", async () => {
    const { h, call, key } = await setup();
    const rotated = json<{ apiKey: string; oldKeyWorksUntil: string }>(
      rolecall(h.db, ["--as", "owner@acme.test", "apikey", "rotate", "--json"]),
    );
    expect(rotated.oldKeyWorksUntil).toBe("now");
    expect((await call("/api/v1/members", { key })).status).toBe(401);
    expect((await call("/api/v1/members", { key: rotated.apiKey })).status).toBe(200);
  });

  it("rotated with a 24h grace: the old key works until the grace ends (injected clock)", async () => {
    const clock = manualClock(new Date().toISOString());
    const { h, call, key } = await setup(clock);
    const rotated = await newKey(h.running.core.rotateApiKey(h.as("owner"), 24));
    expect((await call("/api/v1/members", { key })).status).toBe(200);
    expect((await call("/api/v1/members", { key: rotated.apiKey })).status).toBe(200);
    clock.advanceHours(23);
    expect((await call("/api/v1/members", { key })).status).toBe(200);
    clock.advanceHours(2);
    expect((await call("/api/v1/members", { key })).status).toBe(401);
    expect((await call("/api/v1/members", { key: rotated.apiKey })).status).toBe(200);
  });

  it("rolecall apikey rotate: a key in grace keeps working through a later rotation without grace", async () => {
    const { h, call, key } = await setup();
    const rotate = (...args: string[]) =>
      json<{ apiKey: string; oldKeyWorksUntil: string }>(
        rolecall(h.db, ["--as", "owner@acme.test", "apikey", "rotate", ...args, "--json"]),
      );
    const second = rotate("--grace", "24h").apiKey;
    const third = rotate("--grace", "none").apiKey;
    expect((await call("/api/v1/members", { key })).status).toBe(200); // still inside its 24 h
    expect((await call("/api/v1/members", { key: second })).status).toBe(401); // stopped at once
    expect((await call("/api/v1/members", { key: third })).status).toBe(200);
    const shown = rolecall(h.db, ["--as", "owner@acme.test", "apikey"]).stdout;
    expect(shown).toContain(`the previous key ${key.slice(0, 10)}… works until`);
    expect(shown).not.toContain(second.slice(0, 10));
  });

  it("rolecall apikey rotate by an Admin: 24 h of grace by default; none is refused with the reason", async () => {
    const { h, call, key } = await setup();
    const refused = rolecall(h.db, [
      "--as",
      "admin@acme.test",
      "apikey",
      "rotate",
      "--grace",
      "none",
      "--json",
    ]);
    expect(refused.code).toBe(1);
    expect(json<{ error: { code: string; message: string } }>(refused).error).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/^Only Owners can stop the key in use at once/),
    });
    expect((await call("/api/v1/members", { key })).status).toBe(200);
    const rotated = json<{ apiKey: string; oldKeyWorksUntil: string }>(
      rolecall(h.db, ["--as", "admin@acme.test", "apikey", "rotate", "--json"]),
    );
    const hours = (new Date(rotated.oldKeyWorksUntil).getTime() - Date.now()) / 3_600_000;
    expect(Math.round(hours)).toBe(24);
    expect((await call("/api/v1/members", { key })).status).toBe(200);
    expect((await call("/api/v1/members", { key: rotated.apiKey })).status).toBe(200);
  });

  it("only members holding api_key may see or rotate it", async () => {
    const { h } = await setup();
    const seed = await openCore(h.db);
    await setPermission(seed.core, h.as("owner"), {
      role: "teammate",
      permission: "api_key",
      allowed: false,
    });
    await seed.close();
    const refused = rolecall(h.db, ["--as", "tm@acme.test", "apikey", "rotate", "--json"]);
    expect(refused.code).toBe(1);
    expect(json<{ error: { code: string } }>(refused).error.code).toBe("FORBIDDEN");
    expect(
      json<{ prefix: string }>(rolecall(h.db, ["--as", "admin@acme.test", "apikey", "--json"])).prefix,
    ).toMatch(/^rc_/);
  });
});
