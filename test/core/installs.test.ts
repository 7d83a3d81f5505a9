import { describe, expect, it, onTestFinished } from "vitest";
import type { InstallRequest } from "../../src/core/access-core.js";
import { decideInstall, decideUninstall } from "../../src/core/decide/installs.js";
import type { DecisionState, Installation } from "../../src/core/model.js";
import { installationOf } from "../helpers/installations.js";
import { manualClock, openCore } from "../helpers/team.js";

/** Issue 14 at the core's door: install makes a workspace ready; uninstall events never remove a newer install. */
const installation = (over: Partial<Installation> = {}): Installation => ({
  ...installationOf("T0BETA", "acc", { botToken: "sealed-bot", refreshToken: null }),
  installerUserId: "U0ADMIN",
  installedAt: "2026-11-28T10:00:00.500Z",
  ...over,
});
const state = (current: Installation | null) => ({ installation: current }) as unknown as DecisionState;

describe("an uninstall event removes only an installation stored before it happened", () => {
  it.each([
    ["an installation stored before the event", "2026-11-28T10:00:00.500Z", "2026-11-28T10:00:01.000Z", true],
    [
      "a reinstall after the event (the event came late)",
      "2026-11-28T10:00:02.000Z",
      "2026-11-28T10:00:01.000Z",
      false,
    ],
    [
      "an installation stored at the event's very moment",
      "2026-11-28T10:00:01.000Z",
      "2026-11-28T10:00:01.000Z",
      false,
    ],
  ])("%s", (_case, installedAt, at, removed) => {
    const decision = decideUninstall(state(installation({ installedAt })), new Date(at), "app_uninstalled");
    expect(decision.result.removed).toBe(removed);
    expect(decision.changes).toEqual(removed ? [{ kind: "deleteInstallation", key: "T0BETA" }] : []);
    expect(decision.audit.map((a) => a.action)).toEqual(removed ? ["app.uninstalled"] : []);
  });

  it("an event for a workspace with no installation changes nothing (a redelivery)", () => {
    expect(decideUninstall(state(null), new Date(), "tokens_revoked")).toMatchObject({
      changes: [],
      audit: [],
    });
  });

  it("the audit names why, and never holds a token", () => {
    const decision = decideUninstall(
      state(installation()),
      new Date("2026-11-29T00:00:00Z"),
      "tokens_revoked",
    );
    expect(decision.audit[0]?.after).toEqual({ reason: "tokens_revoked" });
    expect(JSON.stringify(decision.audit)).not.toContain("sealed-bot");
  });
});

describe("installing", () => {
  it("a first install is not a reinstall; a second is, and keeps no token in the audit", () => {
    const first = decideInstall(null, installation());
    expect(first.audit[0]).toMatchObject({
      action: "app.installed",
      before: null,
      after: { reinstall: false },
    });
    const again = decideInstall(installation(), installation({ scopes: ["commands"] }));
    expect(again.audit[0]).toMatchObject({ after: { reinstall: true, scopes: ["commands"] } });
    expect(JSON.stringify([first, again].map((d) => d.audit))).not.toContain("sealed-bot");
  });
});

const request = (
  over: Partial<InstallRequest["installation"]> = {},
  installerEmail = "ada@beta.test",
): InstallRequest => {
  const { accountId: _a, installedAt: _i, ...granted } = installation(over);
  return { installation: granted, workspaceName: "Beta Corp", installerEmail };
};

describe("the workspace is ready on install", () => {
  it("the first install creates the account, named after the workspace, with the installer its active, linked Owner", async () => {
    const wired = await openCore(undefined, manualClock());
    onTestFinished(wired.close);
    const { account, created } = await wired.core.installs.install(request());
    expect(created).toBe(true);
    expect(account).toMatchObject({ name: "Beta Corp", slackTeamId: "T0BETA" });
    const owner = await wired.core.findLinkedMember(account.id, "U0ADMIN");
    expect(owner).toMatchObject({ email: "ada@beta.test", role: "owner", status: "active" });
    expect((await wired.core.installs.installation("T0BETA"))?.accountId).toBe(account.id);
    const log = await wired.core.fullAuditLog(account.id);
    expect(log.map((e) => [e.action, e.actor, e.source])).toEqual([
      ["account.created", "ada@beta.test", "slack"],
      ["member.added", "ada@beta.test", "slack"],
      ["app.installed", "ada@beta.test", "slack"],
    ]);
  });

  it("a reinstall by another admin keeps the account, its members and its log, and updates the installation", async () => {
    const clock = manualClock();
    const wired = await openCore(undefined, clock);
    onTestFinished(wired.close);
    const first = await wired.core.installs.install(request());
    clock.advance(60_000);
    const again = await wired.core.installs.install(
      request({ installerUserId: "U0OTHER", scopes: ["commands", "chat:write", "im:write"] }, "bo@beta.test"),
    );
    expect(again).toMatchObject({ created: false, account: { id: first.account.id } });
    expect((await wired.core.installs.installation("T0BETA"))?.scopes).toContain("im:write");
    expect(await wired.core.findLinkedMember(first.account.id, "U0OTHER")).toBeNull();
    const log = await wired.core.fullAuditLog(first.account.id);
    expect(log.map((e) => e.action)).toEqual([
      "account.created",
      "member.added",
      "app.installed",
      "app.installed",
    ]);
    expect((await wired.core.verifyAudit(first.account.id)).ok).toBe(true);
  });

  it("uninstall, a late revocation, then a reinstall: the new installation is intact", async () => {
    const clock = manualClock();
    const wired = await openCore(undefined, clock);
    onTestFinished(wired.close);
    await wired.core.installs.install(request());
    clock.advance(5_000);
    const uninstalledAt = clock.now();
    expect(await wired.core.installs.uninstall("T0BETA", uninstalledAt, "app_uninstalled")).toEqual({
      removed: true,
    });
    expect(await wired.core.installs.uninstall("T0BETA", uninstalledAt, "app_uninstalled")).toEqual({
      removed: false,
    });
    clock.advance(5_000);
    await wired.core.installs.install(request({ installerUserId: "U0ADMIN" }));
    // tokens_revoked about the old installation, delivered after the reinstall.
    expect(await wired.core.installs.uninstall("T0BETA", uninstalledAt, "tokens_revoked")).toEqual({
      removed: false,
    });
    expect(await wired.core.installs.installation("T0BETA")).not.toBeNull();
  });

  it("an org-wide install is keyed by its Enterprise Grid id and named after the organisation", async () => {
    const wired = await openCore(undefined, manualClock());
    onTestFinished(wired.close);
    const { account } = await wired.core.installs.install({
      ...request({ key: "E0GRID", teamId: null, enterpriseId: "E0GRID", isEnterpriseInstall: true }),
      workspaceName: "Grid Org",
    });
    expect(account).toMatchObject({ slackTeamId: "E0GRID", name: "Grid Org" });
    expect((await wired.core.slackAccount("E0GRID")).id).toBe(account.id);
  });

  it("a workspace name Rolecall would refuse for a person still names the account", async () => {
    const wired = await openCore(undefined, manualClock());
    onTestFinished(wired.close);
    const { account } = await wired.core.installs.install({ ...request(), workspaceName: "\u202e\u200b" });
    expect(account.name).toBe("Slack workspace T0BETA");
  });
});
