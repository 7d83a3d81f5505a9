import { afterEach, describe, expect, it } from "vitest";
import { cliDoor } from "../../src/cli/render.js";
import { listMembers } from "../helpers/core.js";
import { refusalOf } from "../helpers/refusals.js";
import { manualClock, openCore, TEAM, testTeam } from "../helpers/team.js";

/** PRODUCT §7: accounts — creating one (rolecall init), which one a command means (--team), deleting one. */

const EVERYDAY = ["export_users", "add_users", "bulk_tag_users", "billing", "api_key", "whatsapp_setup"];

const closers: (() => void)[] = [];

const team = testTeam;

afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describe("§7 rolecall init: creating an account", () => {
  it("creates the account with an active first Owner, linked to Slack when named, and a working key", async () => {
    const wired = await openCore(undefined, manualClock());
    closers.push(wired.close);
    const created = await wired.core.createAccount({
      slackTeamId: "T0ACME",
      name: "  Acme Inc ",
      ownerEmail: " You@Acme.TEST ",
      ownerSlackUserId: "U0YOU",
    });
    expect(created.owner).toEqual({ email: "you@acme.test" });
    expect(created.account).toMatchObject({
      slackTeamId: "T0ACME",
      name: "Acme Inc",
      approvalsChannel: null,
    });
    expect(await wired.core.authenticateApiKey(created.apiKey)).toBe(created.account.id);
    expect(created.account.apiKey).toEqual({
      prefix: created.apiKey.slice(0, 10),
      createdAt: "2026-01-01T00:00:00.000Z",
      previous: [],
    });
    const me = await wired.core.whoami({
      accountId: created.account.id,
      actor: { slackUserId: "U0YOU" },
      source: "slack",
    });
    expect(me).toEqual({
      email: "you@acme.test",
      name: null,
      role: "owner",
      status: "active",
      permissions: expect.arrayContaining(EVERYDAY),
      grants: [],
      account: { name: "Acme Inc", slackTeamId: "T0ACME" },
    });
    expect(me.permissions).toHaveLength(8);
    expect((await wired.core.fullAuditLog(created.account.id))[0]).toMatchObject({
      actor: "operator",
      source: "cli",
      action: "account.created",
      after: { name: "Acme Inc" },
    });
  });

  it("a first Owner named without a Slack user is not linked to one", async () => {
    const wired = await openCore();
    closers.push(wired.close);
    const created = await wired.core.createAccount({
      slackTeamId: "T0ACME",
      name: "Acme",
      ownerEmail: "you@acme.test",
    });
    expect(await wired.core.apiMember(created.account.id, "you@acme.test")).toMatchObject({
      role: "owner",
      status: "active",
    });
    const list = await listMembers(wired.core, {
      accountId: created.account.id,
      actor: { email: "you@acme.test" },
      source: "cli",
    });
    expect(list.members[0]?.slackUserId).toBeNull();
  });

  it("refuses a second account for the same Slack team, and malformed team ids, names and emails", async () => {
    const { core } = await team();
    expect(
      await refusalOf(() =>
        core.createAccount({ slackTeamId: TEAM, name: "Again", ownerEmail: "x@acme.test" }),
      ),
    ).toMatchObject({
      code: "INVALID_INPUT",
      message: `An account for Slack team ${TEAM} already exists.`,
    });
    const bad = [
      { slackTeamId: "acme", name: "Acme", ownerEmail: "x@acme.test" },
      { slackTeamId: "T0NEW", name: "", ownerEmail: "x@acme.test" },
      { slackTeamId: "T0NEW", name: "Acme", ownerEmail: "not-an-email" },
      { slackTeamId: "T0NEW", name: "Acme", ownerEmail: "x@acme.test", ownerSlackUserId: "nobody" },
    ];
    for (const input of bad)
      expect((await refusalOf(() => core.createAccount(input))).code).toBe("INVALID_INPUT");
    expect((await refusalOf(() => core.createAccount(bad[2] as never))).field).toBe("email");
  });
});

describe("§7 --team: which account a command means", () => {
  it("with no account, says how to create one", async () => {
    const wired = await openCore();
    closers.push(wired.close);
    expect((await refusalOf(() => wired.core.resolveAccount(), cliDoor)).message).toContain("rolecall init");
  });

  it("with one account, finds it without --team; an unknown team is refused", async () => {
    const { core, seeded } = await team();
    expect((await core.resolveAccount()).id).toBe(seeded.accountId);
    expect((await core.resolveAccount(TEAM)).id).toBe(seeded.accountId);
    expect(await refusalOf(() => core.resolveAccount("T0OTHER"))).toMatchObject({
      code: "NOT_INSTALLED",
      message: expect.stringContaining("No account is set up for Slack team T0OTHER."),
    });
  });

  it("with several accounts, names them and asks for --team", async () => {
    const { core } = await team();
    await core.createAccount({ slackTeamId: "T0SECOND", name: "Second", ownerEmail: "s@acme.test" });
    const { message } = await refusalOf(() => core.resolveAccount(), cliDoor);
    expect(message).toContain("2 accounts");
    expect(message).toContain(`${TEAM} (Acme)`);
    expect(message).toContain("T0SECOND (Second)");
    expect(message).toContain("--team");
    expect(message).not.toContain("more");
    expect((await core.resolveAccount("T0SECOND")).name).toBe("Second");
  });

  it("with more than ten accounts, names ten and counts the rest", async () => {
    const { core } = await team();
    for (let n = 10; n < 22; n++)
      await core.createAccount({ slackTeamId: `T0N${n}`, name: `N${n}`, ownerEmail: "s@acme.test" });
    const { message } = await refusalOf(() => core.resolveAccount(), cliDoor);
    expect(message).toContain("13 accounts");
    expect(message).toContain("and 3 more");
    expect(message).not.toContain("T0N21");
  });
});

describe("the operator deletes an account (rolecall account delete)", () => {
  it("says what would go, deletes it with everything it holds, keeps its digest, and stops answering for it at once", async () => {
    const { core, seeded, clock } = await team([{ email: "tm@acme.test", role: "teammate" }]);
    const key = (await core.rotateApiKey({ accountId: seeded.accountId })).apiKey;
    expect(await core.access.can(seeded.accountId, "tm@acme.test", "billing")).toBe(true);
    expect((await core.resolveAccount(TEAM)).id).toBe(seeded.accountId);
    const log = await core.fullAuditLog(seeded.accountId);
    expect(await core.operator.accountToDelete(TEAM)).toMatchObject({
      account: { id: seeded.accountId, name: "Acme" },
      members: 2,
      auditEntries: log.length,
    });

    expect(await core.deleteAccount(TEAM)).toEqual({
      accountId: seeded.accountId,
      slackTeamId: TEAM,
      name: "Acme",
      deletedAt: clock.now().toISOString(),
      auditEntries: log.length,
      auditHead: log.at(-1)?.hash,
    });
    // What this process held in memory about the account goes with it.
    expect(await core.access.can(seeded.accountId, "tm@acme.test", "billing")).toBe(false);
    expect(await core.authenticateApiKey(key)).toBeNull();
    expect((await refusalOf(() => core.resolveAccount(TEAM))).code).toBe("NOT_INSTALLED");
    expect(await refusalOf(() => core.deleteAccount(TEAM))).toMatchObject({
      code: "INVALID_INPUT",
      message: `No account for Slack team ${TEAM}.`,
    });
    expect((await refusalOf(() => core.operator.accountToDelete("acme"))).code).toBe("INVALID_INPUT");
  });
});
