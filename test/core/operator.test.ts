import { afterEach, describe, expect, it } from "vitest";
import { runCommand } from "../../commands/index.js";
import { type Said, said } from "../helpers/refusals.js";
import { manualClock, openCore, seedTeam } from "../helpers/team.js";

/** What the operator (the CLI without --as) does to a team: activate an invited member, rotate the key. */

const OWNER = "owner@acme.test";

const closers: (() => void)[] = [];

type Status = "active" | "invited" | "removed";

type Role = "owner" | "admin" | "teammate";

const team = async (members: { email: string; role: Role; status?: Status }[] = []) => {
  const clock = manualClock();
  const wired = await openCore(undefined, clock);
  closers.push(wired.close);
  const seeded = await seedTeam(wired.core, members);
  const run = (email: string, ...words: string[]) =>
    runCommand({ core: wired.core, actor: seeded.as(email) }, words);
  return { ...wired, clock, seeded, run, owner: seeded.as(OWNER) };
};

/** The error code a call throws ("ok" when it returns). */
const codeOf = async (fn: () => unknown): Promise<string> => {
  try {
    await fn();
    return "ok";
  } catch (error) {
    if (error && typeof error === "object" && "code" in error) return String(error.code);
    throw error;
  }
};

const errorOf = async (fn: () => unknown): Promise<Said> => {
  try {
    await fn();
  } catch (error) {
    return said(error);
  }
  throw new Error("expected a refusal");
};

/** The raw token of the newest invite mailed to `email` (only the outbox ever holds it). */
const tokenFor = async (
  wired: { store: { listMail(): Promise<{ recipient: string; mail: unknown }[]> } },
  email: string,
) => {
  const invites = (await wired.store.listMail())
    .map((row) => row.mail as { kind: string; to: string; token?: string })
    .filter((mail) => mail.kind === "invite" && mail.to === email);
  const token = invites.at(-1)?.token;
  if (!token) throw new Error(`no invite mailed to ${email}`);
  return token;
};

afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describe("the operator's activate verb", () => {
  it("activating an already-active member is refused with INVALID_INPUT and audits nothing", async () => {
    const { core, seeded } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    const entries = (await core.fullAuditLog(seeded.accountId)).length;
    const refusal = await errorOf(() => core.activate(seeded.accountId, "tm@acme.test"));
    expect(refusal.code).toBe("INVALID_INPUT");
    expect(refusal.message).toContain("already active");
    expect(await core.fullAuditLog(seeded.accountId)).toHaveLength(entries);
  });

  it("activating a removed or unknown member is NO_SUCH_MEMBER", async () => {
    const { core, seeded } = await team([{ email: "gone@acme.test", role: "teammate", status: "removed" }]);
    expect(await codeOf(() => core.activate(seeded.accountId, "gone@acme.test"))).toBe("NO_SUCH_MEMBER");
    expect(await codeOf(() => core.activate(seeded.accountId, "nobody@acme.test"))).toBe("NO_SUCH_MEMBER");
  });

  it("activating an invited member uses up their invite and is audited as the operator", async () => {
    const wired = await team([{ email: "new@acme.test", role: "admin", status: "invited" }]);
    const token = await tokenFor(wired, "new@acme.test");
    expect(await wired.core.activate(wired.seeded.accountId, "New@acme.test")).toMatchObject({
      changed: true,
      kind: "member.activated",
      member: { email: "new@acme.test", role: "admin" },
    });
    expect((await wired.core.fullAuditLog(wired.seeded.accountId)).at(-1)).toMatchObject({
      actor: "operator",
      source: "cli",
      action: "member.activated",
      before: { status: "invited" },
      after: { status: "active" },
    });
    expect((await wired.core.inviteByToken(token)).state).toBe("accepted");
    expect(await codeOf(() => wired.core.acceptInvite(token))).toBe("INVITE_USED");
  });
});

describe("§8 the operator rotates the key (CLI recovery)", () => {
  it("with a grace period, the old key keeps working until it ends", async () => {
    const { core, seeded, clock } = await team();
    const old = (await core.rotateApiKey({ accountId: seeded.accountId })).apiKey;
    const rotated = await core.rotateApiKey({ accountId: seeded.accountId }, 24);
    expect(rotated.oldKeyWorksUntil).toBe("2026-01-02T00:00:00.000Z");
    clock.advanceHours(23);
    expect(await core.authenticateApiKey(old)).toBe(seeded.accountId);
    clock.advanceHours(1);
    expect(await core.authenticateApiKey(old)).toBeNull();
    expect(await core.authenticateApiKey(rotated.apiKey)).toBe(seeded.accountId);
  });
});
