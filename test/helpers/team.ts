import { onTestFinished } from "vitest";
import type { AccessCore, ActorContext } from "../../src/core/access-core.js";
import type { ChangeResult } from "../../src/core/decide.js";
import type { ChangeRequest } from "../../src/core/model.js";
import type { PermissionKey } from "../../src/core/permissions.js";
import { type Clock, systemClock } from "../../src/core/ports.js";
import type { Role } from "../../src/core/roles.js";
import type { Db } from "../../src/store/open.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { type Wired, wireCore } from "../../src/wiring.js";
import { freshDatabase, TEST_ENGINE } from "./database.js";

/**
 * The access core on `url`; without one, on an empty database of the engine the suite runs on
 * (SQLite in memory, or a PostgreSQL schema of its own that `close` drops).
 */
export const openCore = async (url?: string, clock: Clock = systemClock): Promise<Wired> => {
  const wire = (DATABASE_URL: string) => wireCore({ DATABASE_URL, INVITE_TTL_HOURS: 168 }, clock);
  if (url !== undefined || TEST_ENGINE === "sqlite") return wire(url ?? ":memory:");
  const db = await freshDatabase();
  const wired = await wire(db.url);
  return {
    ...wired,
    close: async () => {
      await wired.close();
      await db.cleanup();
    },
  };
};

/** The core on SQLite (in memory unless a file is named), for tests of what only SQLite has. */
export const openSqliteCore = async (
  path = ":memory:",
  clock: Clock = systemClock,
): Promise<Wired & { db: Db; store: SqliteStore }> => {
  const wired = await wireCore({ DATABASE_URL: path, INVITE_TTL_HOURS: 168 }, clock);
  if (!wired.db || !(wired.store instanceof SqliteStore)) throw new Error(`${path} is not a SQLite database`);
  return wired as Wired & { db: Db; store: SqliteStore };
};

/** A fixed clock the test moves by hand. */
export const manualClock = (start = "2026-01-01T00:00:00.000Z") => {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advanceHours: (h: number) => {
      now += h * 3_600_000;
    },
    advance: (ms: number) => {
      now += ms;
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
/** The request a change four-eyes held was filed as (undefined: it was not held). */
export const filedRequest = (result: ChangeResult): ChangeRequest | undefined =>
  result.kind === "request.filed" ? result.request : undefined;

/** The id of the request a change four-eyes held was filed as ("" when it was not held). */
export const filedId = (result: ChangeResult): string =>
  result.kind === "request.filed" ? result.requestId : "";

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
  const wired = await openCore(undefined, clock);
  onTestFinished(wired.close);
  const seeded = await seedTeam(wired.core, members);
  return { ...wired, clock, seeded, owner: seeded.as("owner@acme.test") };
};
