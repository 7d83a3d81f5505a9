import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { json, rolecall } from "../helpers/cli.js";
import { type Harness, messageText, PEOPLE, startHarness } from "../helpers/slack-harness.js";
import { manualClock } from "../helpers/team.js";

/**
 * PRODUCT rule 8: a grant ends at its end time exactly, on every door at once, because every check
 * compares the clock — the API, Slack and the CLI answer the same at 1:59 and at 2:00, without the
 * background job having written anything. One database file and one clock the test moves.
 */

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe("a 2-hour grant works at 1:59 and not at 2:00, across the API, Slack and the CLI", () => {
  it("each door says so, the API with the grant's end and who approved it", async () => {
    const clock = manualClock("2026-03-02T12:30:00.000Z");
    const harness = await startHarness({}, { clock });
    h = harness;
    const key = json<{ apiKey: string }>(rolecall(harness.db, ["apikey", "rotate", "--json"])).apiKey;
    const tm = PEOPLE.teammate.email;
    await harness.running.core.change(harness.as("owner"), {
      kind: "grant.start",
      member: { email: tm },
      permission: "team_settings",
      minutes: 120,
      reason: "audit",
    });

    const api = async () => {
      const res = await fetch(`${harness.base}/api/v1/authorize`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ email: tm, permission: "team_settings" }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { allowed: boolean; reason: string };
    };
    const slack = async () => {
      const r = await harness.slash("teammate", "list");
      expect(r.http.status).toBe(200);
      return messageText(r.message ?? (await harness.responseTo(r.responseId)));
    };
    const cli = async () => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(
        ["--as", tm, "list", "--json"],
        { ...process.env, DATABASE_URL: harness.db, LOG_LEVEL: "silent" },
        { out: (t) => out.push(t), err: (t) => err.push(t), clock },
      );
      return { code, out: out.join("\n"), err: err.join("\n") };
    };

    clock.advance(2 * 3_600_000 - 60_000); // 14:29
    expect(await api()).toEqual({
      allowed: true,
      role: "teammate",
      reason: "Temporary grant until 14:30 UTC, approved by owner@acme.test",
      grant: {
        permission: "team_settings",
        endsAt: "2026-03-02T14:30:00.000Z",
        grantedBy: "owner@acme.test",
      },
    });
    expect(await slack()).toContain(PEOPLE.admin.email);
    const before = await cli();
    expect(before.code).toBe(0);
    expect(JSON.parse(before.out).members.map((m: { email: string }) => m.email)).toContain(
      PEOPLE.admin.email,
    );

    clock.advance(60_000); // 14:30: the end, exactly
    expect(await api()).toEqual({
      allowed: false,
      role: "teammate",
      reason: "Teammates may not use Team Settings.",
    });
    expect(await slack()).toContain("You need the Team Settings permission");
    const after = await cli();
    expect(after.code).toBe(1);
    expect(JSON.parse(after.err || after.out)).toMatchObject({ error: { code: "FORBIDDEN" } });
  });
});
