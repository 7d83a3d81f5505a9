import { describe, expect, it, onTestFinished } from "vitest";
import type { InstallRequest } from "../../src/core/access-core.js";
import { auditTargetText } from "../../src/core/audit.js";
import { installationOf } from "../helpers/installations.js";
import { manualClock, openCore } from "../helpers/team.js";

/**
 * Rolecall installed from Slack, as a workspace's admins and the operator notice it: what a first
 * install needs and makes, what the account is called, who a reinstall is audited as, Allow clicked
 * twice at once, and which installation speaks for an account before and after an uninstall.
 */

const granted = (over: Partial<InstallRequest["installation"]> = {}): InstallRequest["installation"] => {
  const {
    accountId: _a,
    installedAt: _i,
    ...installation
  } = installationOf("T0BETA", "acc", {
    botToken: "sealed-bot",
    refreshToken: null,
  });
  return { ...installation, installerUserId: "U0ADMIN", ...over };
};

const request = (over: Partial<InstallRequest> = {}): InstallRequest => ({
  installation: granted(),
  workspaceName: "Beta Corp",
  installerEmail: "ada@beta.test",
  ...over,
});

const core = async () => {
  const clock = manualClock();
  const wired = await openCore(undefined, clock);
  onTestFinished(wired.close);
  return { ...wired, clock };
};

const code = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: { code?: string; field?: string }) => `${e.code}${e.field ? `:${e.field}` : ""}`,
  );

describe("a first install", () => {
  it("needs the installer's email: without it nothing is made, and a later install with it works", async () => {
    const w = await core();
    expect(await code(w.core.installs.install(request({ installerEmail: null })))).toBe(
      "INVALID_INPUT:email",
    );
    expect(await w.core.installs.installation("T0BETA")).toBeNull();
    expect((await w.core.installs.install(request())).created).toBe(true);
  });

  it.each([
    [
      "a workspace id that is not Slack's",
      request({ installation: granted({ key: "acme" }) }),
      "INVALID_INPUT:team",
    ],
    [
      "an installer who is not a Slack user id",
      request({ installation: granted({ installerUserId: "bob" }) }),
      "INVALID_INPUT",
    ],
    ["an installer email that is not one", request({ installerEmail: "ada at beta" }), "INVALID_INPUT:email"],
  ])("refuses %s and makes nothing", async (_what, bad, expected) => {
    const w = await core();
    expect(await code(w.core.installs.install(bad))).toBe(expected);
    expect(await w.core.installs.installation("T0BETA")).toBeNull();
  });

  it.each([
    ["  Beta Corp  ", "Beta Corp"],
    ["Beta\u200b Corp", "Beta Corp"],
    ["B".repeat(130), "B".repeat(100)],
    ["   ", "Slack workspace T0BETA"],
  ])("names the account after the workspace %j as %j", async (workspaceName, name) => {
    const w = await core();
    const { account } = await w.core.installs.install(request({ workspaceName }));
    expect(account.name).toBe(name);
  });

  it("Allow clicked twice at once: one account, made once; the other click updates its installation", async () => {
    const w = await core();
    const outcomes = await Promise.all([
      w.core.installs.install(request()),
      w.core.installs.install(request({ installation: granted({ scopes: ["commands", "im:write"] }) })),
    ]);
    expect(outcomes.map((o) => o.created).sort()).toEqual([false, true]);
    expect(outcomes[0]?.account.id).toBe(outcomes[1]?.account.id);
    const log = await w.core.fullAuditLog(outcomes[0]?.account.id ?? "");
    expect(log.map((e) => e.action)).toEqual([
      "account.created",
      "member.added",
      "app.installed",
      "app.installed",
    ]);
    expect(log[3]?.after).toMatchObject({ reinstall: true });
  });
});

describe("a reinstall", () => {
  it("needs no email (the account has its Owner), and is audited as the installer's Slack user", async () => {
    const w = await core();
    const { account } = await w.core.installs.install(request());
    w.clock.advance(60_000);
    const again = await w.core.installs.install(
      request({ installerEmail: null, installation: granted({ installerUserId: "U0BOSS" }) }),
    );
    expect(again).toMatchObject({ created: false, account: { id: account.id } });
    const [last] = (await w.core.fullAuditLog(account.id)).slice(-1);
    expect(last && auditTargetText(last.target)).toBe("installation:T0BETA");
    expect(last).toMatchObject({
      action: "app.installed",
      actor: "U0BOSS",
      source: "slack",
      before: { installer: "U0ADMIN", scopes: ["commands", "chat:write"], orgWide: false },
      after: { installer: "U0BOSS", scopes: ["commands", "chat:write"], orgWide: false, reinstall: true },
    });
    // The account keeps its name: a renamed workspace does not rename it.
    expect((await w.core.installs.install(request({ workspaceName: "Renamed" }))).account.name).toBe(
      "Beta Corp",
    );
  });

  it("is audited as the installer's email when Slack shares it; the installation is stored as of now", async () => {
    const w = await core();
    const { account } = await w.core.installs.install(request());
    w.clock.advance(60_000);
    await w.core.installs.install(request({ installerEmail: "bo@beta.test" }));
    expect((await w.core.fullAuditLog(account.id)).at(-1)).toMatchObject({ actor: "bo@beta.test" });
    expect(await w.core.installs.installation("T0BETA")).toMatchObject({
      accountId: account.id,
      installedAt: "2026-01-01T00:01:00.000Z",
      installerUserId: "U0ADMIN",
    });
  });

  it("after an uninstall brings the installation back to the same account", async () => {
    const w = await core();
    const { account } = await w.core.installs.install(request());
    w.clock.advance(1_000);
    await w.core.installs.uninstall("T0BETA", w.clock.now(), "app_uninstalled");
    w.clock.advance(1_000);
    const again = await w.core.installs.install(request());
    expect(again).toMatchObject({ created: false, account: { id: account.id } });
    expect((await w.core.installs.installationOf(account.id))?.key).toBe("T0BETA");
  });
});

describe("which installation speaks for an account", () => {
  it("its own while installed; none after an uninstall (the account and its log stay); none for an unknown account", async () => {
    const w = await core();
    const { account } = await w.core.installs.install(request());
    expect(await w.core.installs.installationOf(account.id)).toMatchObject({
      key: "T0BETA",
      accountId: account.id,
      installerUserId: "U0ADMIN",
    });
    expect(await w.core.installs.installationOf("acc_nope")).toBeNull();
    w.clock.advance(1_000);
    expect(await w.core.installs.uninstall("T0BETA", w.clock.now(), "tokens_revoked")).toEqual({
      removed: true,
    });
    expect(await w.core.installs.installationOf(account.id)).toBeNull();
    expect(await w.core.installs.installation("T0BETA")).toBeNull();
    const log = await w.core.fullAuditLog(account.id);
    const uninstalled = log.at(-1);
    expect(uninstalled && auditTargetText(uninstalled.target)).toBe("installation:T0BETA");
    expect(uninstalled).toMatchObject({
      action: "app.uninstalled",
      actor: "system",
      source: "slack",
      after: { reason: "tokens_revoked" },
    });
  });

  it("an uninstall for a workspace Rolecall never had removes nothing", async () => {
    const w = await core();
    expect(await w.core.installs.uninstall("T0NEVER", w.clock.now(), "app_uninstalled")).toEqual({
      removed: false,
    });
  });

  it("an account made by the operator, with no installation yet, has none", async () => {
    const w = await core();
    const { account } = await w.core.createAccount({
      slackTeamId: "T0OPS",
      name: "Ops",
      ownerEmail: "o@ops.test",
    });
    expect(await w.core.installs.installationOf(account.id)).toBeNull();
    // Installing into it later keeps the operator's account and its Owner.
    const installed = await w.core.installs.install(
      request({ installation: granted({ key: "T0OPS", teamId: "T0OPS" }), installerEmail: "new@ops.test" }),
    );
    expect(installed).toMatchObject({ created: false, account: { id: account.id, name: "Ops" } });
  });
});
