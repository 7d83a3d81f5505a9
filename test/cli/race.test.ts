import { afterEach, describe, expect, it } from "vitest";
import { type CliRun, json, rolecallAsync, tempDatabase } from "../helpers/cli.js";
import { openCore, seedTeam } from "../helpers/team.js";

const A = "alice@acme.test";
const B = "bruno@acme.test";
const ROUNDS = 15;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe("two CLI processes racing to demote the two owners of an account", () => {
  it(`always leaves one owner, and the audit records exactly what happened (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { db, cleanup } = await tempDatabase();
      cleanups.push(cleanup);
      const seeding = await openCore(db);
      const { accountId } = await seedTeam(seeding.core, [{ email: B, role: "owner" }], A);
      await seeding.close();

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

      const after = await openCore(db);
      const owners = await after.store.listMembers(accountId, { role: "owner", status: "active" });
      const changes = (await after.store.listAudit(accountId))
        .filter((e) => e.action === "member.role_changed")
        .map(({ actor, target, before, after }) => ({ actor, target, before, after }));
      await after.close();
      expect(owners.map((m) => m.email)).toEqual([winner]);
      expect(changes).toEqual([
        {
          actor: winner,
          target: { type: "member", email: demoted },
          before: { role: "owner" },
          after: { role: "admin" },
        },
      ]);
    }
  });
});
