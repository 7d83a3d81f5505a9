import { onTestFinished } from "vitest";
import type { AccessCore, ActorContext } from "../../src/core/access-core.js";
import type { PermissionKey } from "../../src/core/permissions.js";
import { type Clock, systemClock } from "../../src/core/ports.js";
import type { Role } from "../../src/core/roles.js";
import { wireCore } from "../../src/wiring.js";

export const openCore = (path = ":memory:", clock: Clock = systemClock) =>
  wireCore({ DATABASE_URL: path, INVITE_TTL_HOURS: 168 }, clock);

/** A fixed clock the test moves by hand. */
export const manualClock = (start = "2026-01-01T00:00:00.000Z") => {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advanceHours: (h: number) => {
      now += h * 3_600_000;
    },
  };
};

export const TEAM = "T0TEST";

export interface Seeded {
  accountId: string;
  as(email: string): ActorContext;
}

/** An account with one owner; `members` are invited by that owner and, unless invited-only, activated. */
export const seedTeam = async (
  core: AccessCore,
  members: { email: string; role: Role; status?: "active" | "invited" | "removed" }[] = [],
  ownerEmail = "owner@acme.test",
): Promise<Seeded> => {
  const { account } = await core.createAccount({ slackTeamId: TEAM, name: "Acme", ownerEmail });
  const as = (email: string): ActorContext => ({ accountId: account.id, actor: { email }, source: "cli" });
  for (const m of members) {
    await core.addMember(as(ownerEmail), { email: m.email, role: m.role });
    if (m.status !== "invited") await core.activate(account.id, m.email);
    if (m.status === "removed") await core.removeMember(as(ownerEmail), { email: m.email });
  }
  return { accountId: account.id, as };
};

export const grantAll = async (
  core: AccessCore,
  seeded: Seeded,
  permissions: PermissionKey[],
  owner = "owner@acme.test",
) => {
  for (const role of ["admin", "teammate"] as const) {
    for (const permission of permissions)
      await core.setPermission(seeded.as(owner), { role, permission, allowed: true });
  }
};

/** The error code a call throws, or "ok" / "unchanged". */
export const outcome = async (fn: () => Promise<{ changed: boolean }>): Promise<string> => {
  try {
    return (await fn()).changed ? "ok" : "unchanged";
  } catch (error) {
    if (error && typeof error === "object" && "code" in error) return String(error.code);
    throw error;
  }
};

/** A fresh in-memory team for one test, on a clock the test moves; closed when the test finishes. */
export const testTeam = async (members: Parameters<typeof seedTeam>[1] = []) => {
  const clock = manualClock();
  const wired = await openCore(":memory:", clock);
  onTestFinished(wired.close);
  const seeded = await seedTeam(wired.core, members);
  return { ...wired, clock, seeded, owner: seeded.as("owner@acme.test") };
};
