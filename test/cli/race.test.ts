import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { type CliRun, json, rolecallAsync, tempDatabase } from "../helpers/cli.js";
import { openCore, seedTeam } from "../helpers/team.js";

const A = "alice@acme.test";
const B = "bruno@acme.test";
const ROUNDS = 15;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe("two CLI processes racing to demote the two owners of an account", () => {
  it(`always leaves one owner, and the audit records exactly what happened (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { db, cleanup } = tempDatabase();
      cleanups.push(cleanup);
      const wired = await openCore(db);
      await seedTeam(wired.core, [{ email: B, role: "owner" }], A);
      await wired.close();

      const [byA, byB] = await Promise.all([
        rolecallAsync(db, ["--as", A, "role", B, "admin", "--json"]),
        rolecallAsync(db, ["--as", B, "role", A, "admin", "--json"]),
      ]);
      const results: [string, string, CliRun][] = [
        [A, B, byA],
        [B, A, byB],
      ];
      const winners = results.filter(([, , run]) => run.code === 0);
      const losers = results.filter(([, , run]) => run.code !== 0);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      const [winner, demoted] = winners[0] as [string, string, CliRun];
      // The loser was demoted before its change applied: as an admin it lacks Team Settings.
      expect(json<{ error: { code: string } }>((losers[0] as [string, string, CliRun])[2]).error.code).toBe(
        "FORBIDDEN",
      );

      const raw = new Database(db, { readonly: true });
      const owners = raw
        .prepare("SELECT email FROM members WHERE role = 'owner' AND status = 'active'")
        .pluck()
        .all();
      const changes = raw
        .prepare(
          "SELECT actor, target, before_json, after_json FROM audit_log WHERE action = 'member.role_changed'",
        )
        .all();
      raw.close();
      expect(owners).toEqual([winner]);
      expect(changes).toEqual([
        { actor: winner, target: demoted, before_json: '{"role":"owner"}', after_json: '{"role":"admin"}' },
      ]);
    }
  });
});
