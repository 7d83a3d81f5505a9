import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { EXIT_CODE } from "../../src/cli/exit-codes.js";
import { json, rolecall, tempDatabase } from "../helpers/cli.js";
import { manualClock, openCore, seedTeam } from "../helpers/team.js";

/**
 * Time-bound grants and four-eyes from the command line: the same words as `/team`, rendered as
 * text and as `--json`, on a clock the test moves (`Io.clock`), in this process.
 */

const OWNER = "owner@acme.test";
const OWNER2 = "owner2@acme.test";
const ADMIN = "admin@acme.test";
const TM = "tm@acme.test";

let db = "";
let cleanup = async () => {};
beforeEach(async () => {
  ({ db, cleanup } = await tempDatabase());
});
afterEach(() => cleanup());

type Clock = ReturnType<typeof manualClock>;

/** A team (two Owners if asked) where Teammates lack Billing, seeded on the test's clock. */
const seed = async (clock: Clock, { secondOwner = false } = {}) => {
  const wired = await openCore(db, clock);
  try {
    const seeded = await seedTeam(wired.core, [
      { email: ADMIN, role: "admin" },
      { email: TM, role: "teammate" },
      ...(secondOwner ? [{ email: OWNER2, role: "owner" as const }] : []),
    ]);
    await wired.core.setPermission(seeded.as(OWNER), {
      role: "teammate",
      permission: "billing",
      allowed: false,
    });
  } finally {
    await wired.close();
  }
};

/** `rolecall --as <email> <words…>` in this process, on `clock`. */
const cli = async (clock: Clock, email: string, ...words: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ["--as", email, ...words],
    { DATABASE_URL: db },
    { out: (t) => out.push(t), err: (t) => err.push(t), clock },
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
};
const cliJson = async <T = Record<string, unknown>>(clock: Clock, email: string, ...words: string[]) => {
  const run = await cli(clock, email, ...words, "--json");
  return { code: run.code, body: JSON.parse(run.out) as T };
};

describe("a grant ends at its time, exactly (the CLI on a test's clock)", () => {
  it("a 2-hour grant is in whoami at 1:59 and gone at 2:00", async () => {
    const clock = manualClock("2026-03-02T12:30:00.000Z");
    await seed(clock);
    expect((await cli(clock, OWNER, "grant", TM, "billing", "for", "2h", "invoices")).code).toBe(0);

    clock.advance(119 * 60_000);
    const before = await cliJson<{ permissions: string[]; grants: unknown[] }>(clock, TM, "whoami");
    expect(before.body.permissions).toContain("billing");
    expect(before.body.grants).toEqual([
      { permission: "billing", endsAt: "2026-03-02T14:30:00.000Z", grantedBy: OWNER },
    ]);
    expect((await cli(clock, TM, "whoami")).out).toContain(
      "\nTemporary: Billing until 14:30 UTC (granted by owner@acme.test)",
    );

    clock.advance(60_000);
    const after = await cliJson<{ permissions: string[]; grants: unknown[] }>(clock, TM, "whoami");
    expect(after.body.permissions).not.toContain("billing");
    expect(after.body.grants).toEqual([]);
    expect((await cli(clock, TM, "whoami")).out).not.toContain("Temporary");
  });
});

describe("grants, as text", () => {
  it("says what each change did, and lists who holds what until when", async () => {
    const clock = manualClock("2026-03-02T12:30:00.000Z");
    await seed(clock);
    expect((await cli(clock, OWNER, "grants")).out).toBe("No active temporary access.");
    expect((await cli(clock, OWNER, "grant", TM, "billing", "for", "2h", "month-end")).out).toBe(
      "tm@acme.test has Billing until 14:30 UTC (ends by itself).",
    );
    expect((await cli(clock, OWNER, "grant", TM, "billing", "for", "1h")).out).toBe(
      "Nothing to change: tm@acme.test already has Billing until 14:30 UTC.",
    );
    expect((await cli(clock, OWNER, "grant", "extend", TM, "billing", "1d")).out).toBe(
      "tm@acme.test's temporary Billing now lasts until 3 Mar 14:30 UTC.",
    );
    expect((await cli(clock, OWNER, "grants")).out).toBe(
      "tm@acme.test  Billing  until 3 Mar 14:30 UTC  granted by owner@acme.test — month-end",
    );
    // A teammate sees their own.
    expect((await cli(clock, TM, "grants")).out).toContain("tm@acme.test  Billing  until 3 Mar 14:30 UTC");
    expect((await cli(clock, OWNER, "ungrant", TM, "billing")).out).toBe(
      "tm@acme.test's temporary Billing has ended.",
    );
    expect((await cli(clock, TM, "grants")).out).toBe("No active temporary access.");
  });

  it("a member's ask is a request; approving it for less time says until when", async () => {
    const clock = manualClock("2026-03-02T12:30:00.000Z");
    await seed(clock);
    const asked = await cliJson<{ ok: boolean; fourEyes?: boolean; request: { id: string; change: string } }>(
      clock,
      TM,
      "access",
      "billing",
      "for",
      "2h",
      "month-end",
    );
    expect(asked.body).toMatchObject({
      ok: true,
      request: { change: "grant tm@acme.test billing for 2h month-end" },
    });
    expect(asked.body.fourEyes).toBeUndefined();
    const id = asked.body.request.id;
    const longer = await cliJson<{ error: { code: string; message: string } }>(
      clock,
      OWNER,
      "approve",
      id,
      "--for",
      "3h",
    );
    expect(longer.code).toBe(EXIT_CODE.INVALID_INPUT);
    expect(longer.body.error.message).toBe("You can approve 2 hours or less: that is what was asked for.");
    expect(await cliJson(clock, OWNER, "approve", id, "--for", "30m")).toMatchObject({
      code: 0,
      body: {
        applied: true,
        request: { status: "approved" },
        change: { kind: "grant.started", permission: "billing", until: "2026-03-02T13:00:00.000Z" },
      },
    });
    expect((await cli(clock, OWNER, "ungrant", TM, "billing")).code).toBe(0);
    const again = await cliJson<{ request: { id: string } }>(clock, TM, "access", "billing", "for", "1h");
    expect((await cli(clock, OWNER, "approve", again.body.request.id, "--for", "30m")).out).toBe(
      `Request ${again.body.request.id}: Approved by owner@acme.test — applied: access until 2 March 2026 at 13:00 UTC. tm@acme.test has Billing until 13:00 UTC (ends by itself).`,
    );
  });

  it("an Admin who may not grant is refused with the code, and a grant too long is bad input", async () => {
    const clock = manualClock();
    await seed(clock);
    const forbidden = await cliJson<{ error: { code: string } }>(
      clock,
      ADMIN,
      "grant",
      TM,
      "billing",
      "for",
      "1h",
    );
    expect(forbidden).toMatchObject({ code: EXIT_CODE.FORBIDDEN, body: { error: { code: "FORBIDDEN" } } });
    const tooLong = await cli(clock, OWNER, "grant", TM, "billing", "for", "4d");
    expect(tooLong.code).toBe(EXIT_CODE.GRANT_TOO_LONG);
    expect(tooLong.err).toMatch(/^GRANT_TOO_LONG: Temporary access lasts at most 3 days from now\./);
  });
});

describe("four-eyes, as text and JSON", () => {
  it("shows in settings; holds an Owner's sensitive change for a second Owner, who applies it", async () => {
    const clock = manualClock();
    await seed(clock, { secondOwner: true });
    expect((await cli(clock, TM, "settings")).out).toBe(
      "Approvals channel: none (requests go to the Owners by direct message)\nFour-eyes: off",
    );
    expect((await cli(clock, OWNER, "settings", "four-eyes", "on")).out).toMatch(/^Four-eyes is now on: /);
    expect((await cli(clock, OWNER, "settings", "four-eyes", "on")).out).toBe(
      "Nothing to change: four-eyes is already on.",
    );
    expect(await cliJson(clock, TM, "settings")).toMatchObject({
      body: { approvalsChannel: null, fourEyes: true },
    });

    const held = await cli(clock, OWNER, "role", ADMIN, "owner");
    expect(held.code).toBe(0);
    const [first = ""] = held.out.split("\n");
    const id = /Request (R[A-Z0-9]+) was sent/.exec(first)?.[1] ?? "";
    expect(first).toBe(
      `Four-eyes is on: this change waits for a second Owner's approval. Request ${id} was sent to the Owners: role admin@acme.test owner`,
    );
    const self = await cliJson<{ error: { code: string } }>(clock, OWNER, "approve", id);
    expect(self.body.error.code).toBe("SELF_APPROVAL");
    expect((await cli(clock, OWNER2, "approve", id)).out).toBe(
      `Request ${id}: Approved by owner2@acme.test — applied. admin@acme.test is now an Owner (was an Admin).`,
    );

    const grant = await cliJson<{ ok: boolean; fourEyes: boolean; request: { status: string } }>(
      clock,
      OWNER,
      "grant",
      TM,
      "team_settings",
      "for",
      "1h",
    );
    expect(grant.body).toMatchObject({ ok: true, fourEyes: true, request: { status: "pending" } });
  });

  it("the only Owner is told a second is needed, and can turn four-eyes off", async () => {
    const clock = manualClock();
    await seed(clock);
    await cli(clock, OWNER, "settings", "four-eyes", "on");
    const stuck = await cli(clock, OWNER, "role", ADMIN, "owner");
    expect(stuck.code).toBe(EXIT_CODE.SECOND_OWNER_NEEDED);
    expect(stuck.err).toContain("SECOND_OWNER_NEEDED: Four-eyes is on");
    expect((await cli(clock, OWNER, "settings", "four-eyes", "off")).out).toBe(
      "Four-eyes is now off: Owners' changes apply at once.",
    );
    expect((await cli(clock, OWNER, "role", ADMIN, "owner")).code).toBe(0);
  });
});

describe("grants --json from the binary", () => {
  it("lists the reader's own grants, and everyone's (or null) by Team Settings", async () => {
    await seed(manualClock(new Date().toISOString()));
    expect(
      rolecall(db, ["--as", OWNER, "grant", TM, "billing", "for", "2h", "month-end", "--json"]).code,
    ).toBe(0);
    const shape = {
      email: TM,
      permission: "billing",
      startsAt: expect.any(String),
      endsAt: expect.any(String),
      grantedBy: OWNER,
      reason: "month-end",
      requestId: null,
    };
    const owner = json<{ grants: unknown[]; all: (typeof shape)[] }>(
      rolecall(db, ["--as", OWNER, "grants", "--json"]),
    );
    expect(owner).toEqual({ grants: [], all: [shape] });
    const [only] = owner.all;
    expect(Date.parse(only?.endsAt ?? "") - Date.parse(only?.startsAt ?? "")).toBe(2 * 3_600_000);
    expect(json(rolecall(db, ["--as", TM, "grants", "--json"]))).toEqual({ grants: [shape], all: null });
  });
});
