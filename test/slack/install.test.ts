import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { auditMemberEmail } from "../../src/core/audit.js";
import { freshDatabase, TEST_ENGINE, type TestDatabase } from "../helpers/database.js";
import { FakeSlack, type RecordedCall } from "../helpers/fake-slack.js";
import { type OAuthHarness, startOAuthHarness } from "../helpers/oauth-harness.js";
import { startHarness } from "../helpers/slack-harness.js";
import { freePort, TestSmtp } from "../helpers/smtp.js";

/**
 * Issue 14: one hosted Rolecall that any workspace adds with Add to Slack, driven end to end through
 * the loopback fake of Slack (OAuth v2, strict), the real Bolt app and a real SMTP server.
 */
const ADA = { id: "U0ADA", email: "ada@beta.test" };
const GUS = { id: "U0GUS", email: "gus@gamma.test" };

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

const database = async (): Promise<TestDatabase> => {
  const db = await freshDatabase();
  cleanups.push(db.cleanup);
  return db;
};

const harness = async (db: TestDatabase, env: Record<string, string> = {}, fake?: OAuthHarness["fake"]) => {
  const h = await startOAuthHarness(db.url, env, fake ? { fake } : {});
  cleanups.push(h.stop);
  return h;
};

/** A fake Slack with the workspaces Beta (Ada) and Gamma (Gus). */
const workspaces = (h: OAuthHarness) => {
  h.fake.addWorkspace({ teamId: "T0BETA", name: "Beta Corp" });
  h.fake.addWorkspace({ teamId: "T0GAMMA", name: "Gamma Ltd" });
  h.fake.users.set(ADA.id, { email: ADA.email, team: "T0BETA" });
  h.fake.users.set(GUS.id, { email: GUS.email, team: "T0GAMMA" });
};

const calls = (h: OAuthHarness, method: string): RecordedCall[] =>
  h.fake.calls.filter((c) => c.method === method);
const ephemeral = (reply: { text: string }) => JSON.parse(reply.text || "{}") as { text?: string };

describe("Add to Slack, end to end", () => {
  it("installs a workspace: its account is ready, the installer is its Owner and is welcomed with that workspace's token", async () => {
    const db = await database();
    const smtp = new TestSmtp(await freePort());
    await smtp.start();
    cleanups.push(() => smtp.stop());
    const h = await harness(db, { SMTP_URL: smtp.url });
    workspaces(h);

    const start = await h.startInstall();
    expect(start.page.status).toBe(200);
    expect(start.page.html).toContain("Add to Slack");
    expect(start.authorizeUrl.searchParams.get("client_id")).toBe(h.fake.oauthClient.clientId);
    expect(start.authorizeUrl.searchParams.get("scope")?.split(",")).toEqual(
      expect.arrayContaining(["commands", "chat:write", "users:read.email"]),
    );
    expect(start.state).not.toBe("");
    expect(start.cookie).toMatch(/=.+/);

    const page = await h.redirect(
      { code: h.fake.authorizationCode({ teamId: "T0BETA", userId: ADA.id }), state: start.state },
      start.cookie,
    );
    expect(page.status).toBe(200);
    expect(page.html).toContain("Rolecall is ready in Beta Corp");

    const core = h.running.core;
    const account = await core.slackAccount("T0BETA");
    expect(account.name).toBe("Beta Corp");
    expect(await core.findLinkedMember(account.id, ADA.id)).toMatchObject({
      email: ADA.email,
      role: "owner",
      status: "active",
    });
    const betaToken = h.fake.latestGrant("T0BETA").botToken;
    const welcome = await h.fake.waitFor(
      () => calls(h, "chat.postMessage").find((c) => c.args.channel === ADA.id),
      "the welcome DM",
    );
    expect(welcome.token).toBe(betaToken);
    expect(JSON.stringify(welcome.args)).toContain("/team apikey rotate");
    expect(JSON.stringify(welcome.args)).toContain("/team settings approvals");

    // The workspace works at once: Ada invites Bob, and the mail goes out.
    const added = await h.slash("T0BETA", ADA.id, "add bob@beta.test admin Bob Stone");
    expect(added.status).toBe(200);
    const mail = await h.fake.waitFor(
      () => smtp.messages.find((m) => m.subject?.includes("Beta Corp")),
      "the invite mail",
    );
    expect(mail.to).toMatchObject({ text: "bob@beta.test" });

    // Background work speaks with Beta's token too: Bob accepts, and Ada hears of it in Slack…
    h.fake.users.set("U0BOB", { email: "bob@beta.test", team: "T0BETA" });
    const link = /\/invites\/([A-Za-z0-9_-]+)/.exec(mail.text ?? "")?.[1];
    expect((await fetch(`${h.base}/invites/${link}`, { method: "POST" })).status).toBe(200);
    const told = await h.fake.waitFor(
      () => calls(h, "chat.postMessage").find((c) => String(c.args.text).includes("bob@beta.test accepted")),
      "the inviter told in Slack",
    );
    expect(told.token).toBe(betaToken);
    // …and Bob's request goes to Ada, the Owner, by direct message.
    await h.slash("T0BETA", "U0BOB", "request perms grant admin team_settings");
    const asked = await h.fake.waitFor(
      () =>
        calls(h, "chat.postMessage").find(
          (c) => c.args.channel === ADA.id && JSON.stringify(c.args).includes("Approve"),
        ),
      "the request sent to the Owner",
    );
    expect(asked.token).toBe(betaToken);

    // A second workspace installs and stays apart from the first.
    expect((await h.install({ teamId: "T0GAMMA", userId: GUS.id })).status).toBe(200);
    const gamma = await core.slackAccount("T0GAMMA");
    expect(gamma.id).not.toBe(account.id);
    const gammaList = await h.slash("T0GAMMA", GUS.id, "list");
    const gammaText =
      gammaList.text ||
      JSON.stringify(
        await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === gammaList.responseId)?.body, "list"),
      );
    expect(gammaText).toContain(GUS.email);
    expect(gammaText).not.toContain("bob@beta.test");
    const gammaWelcome = calls(h, "chat.postMessage").find((c) => c.args.channel === GUS.id);
    expect(gammaWelcome?.token).toBe(h.fake.latestGrant("T0GAMMA").botToken);
    expect(gammaWelcome?.token).not.toBe(betaToken);
  });

  it("a reinstall keeps the account, its members and its log; nobody is welcomed twice", async () => {
    const h = await harness(await database());
    workspaces(h);
    await h.install({ teamId: "T0BETA", userId: ADA.id });
    await h.slash("T0BETA", ADA.id, "add bob@beta.test admin Bob Stone");
    const again = await h.install({
      teamId: "T0BETA",
      userId: ADA.id,
      scopes: ["commands", "chat:write", "users:read", "users:read.email", "im:write"],
    });
    expect(again.status).toBe(200);
    expect(again.html).toContain("Rolecall is updated in Beta Corp");
    const account = await h.running.core.slackAccount("T0BETA");
    const log = await h.running.core.fullAuditLog(account.id);
    expect(log.filter((e) => e.action === "app.installed")).toHaveLength(2);
    expect(log.some((e) => auditMemberEmail(e.target) === "bob@beta.test")).toBe(true);
    expect(calls(h, "chat.postMessage").filter((c) => c.args.channel === ADA.id)).toHaveLength(1);
  });
});

describe("installing, as hostile as Slack allows", () => {
  it("Allow clicked twice at once makes one account and one welcome", async () => {
    const h = await harness(await database());
    workspaces(h);
    const pages = await Promise.all([
      h.install({ teamId: "T0BETA", userId: ADA.id }),
      h.install({ teamId: "T0BETA", userId: ADA.id }),
    ]);
    expect(pages.map((p) => p.status)).toEqual([200, 200]);
    expect(await h.running.core.operator.listAccounts()).toHaveLength(1);
    const account = await h.running.core.slackAccount("T0BETA");
    expect((await h.running.core.verifyAudit(account.id)).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls(h, "chat.postMessage").filter((c) => c.args.channel === ADA.id)).toHaveLength(1);
  });

  it("a workspace named to ping or link is shown as text, in the welcome and on the page", async () => {
    const h = await harness(await database());
    h.fake.addWorkspace({ teamId: "T0EVIL", name: "<!channel> <https://evil.test|Beta> & Co" });
    h.fake.users.set(ADA.id, { email: ADA.email, team: "T0EVIL" });
    const page = await h.install({ teamId: "T0EVIL", userId: ADA.id });
    expect(page.html).toContain("&lt;!channel&gt; &lt;https://evil.test|Beta&gt; &amp; Co");
    expect(page.html).not.toContain("<!channel>");
    const welcome = await h.fake.waitFor(
      () => calls(h, "chat.postMessage").find((c) => c.args.channel === ADA.id),
      "the welcome DM",
    );
    const said = JSON.stringify(welcome.args);
    expect(said).toContain("&lt;!channel&gt;");
    expect(said).not.toContain("<!channel>");
    expect(said).not.toContain("<https://evil.test");
  });

  it("the install pages are never cached or framed, and take GET alone", async () => {
    const h = await harness(await database());
    const page = await h.get("/slack/install");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    const posted = await fetch(`${h.base}/slack/install`, { method: "POST" });
    expect(posted.status).toBe(405);
    expect(posted.headers.get("allow")).toBe("GET");
  });

  it("in single-workspace mode (SLACK_BOT_TOKEN) there is nothing to install", async () => {
    const single = await startHarness();
    cleanups.push(single.stop);
    expect((await fetch(`${single.base}/slack/install`)).status).toBe(404);
    expect((await fetch(`${single.base}/slack/oauth_redirect?code=x&state=y`)).status).toBe(404);
  });
});

describe("a failed install changes nothing and says why", () => {
  const nothingStored = async (h: OAuthHarness) => {
    expect(await h.running.core.operator.listAccounts()).toEqual([]);
  };

  it("a forged state", async () => {
    const h = await harness(await database());
    workspaces(h);
    const { state, cookie } = await h.startInstall();
    const forged = `${state.slice(0, -4)}AAAA`;
    const page = await h.redirect(
      { code: h.fake.authorizationCode({ teamId: "T0BETA", userId: ADA.id }), state: forged },
      cookie.replace(state, forged),
    );
    expect(page.status).toBe(400);
    expect(page.html).toContain("This install link no longer works");
    expect(calls(h, "oauth.v2.access")).toHaveLength(0);
    await nothingStored(h);
  });

  it("a state from another browser (no cookie, or another one's)", async () => {
    const h = await harness(await database());
    workspaces(h);
    const mine = await h.startInstall();
    const theirs = await h.startInstall();
    const code = () => h.fake.authorizationCode({ teamId: "T0BETA", userId: ADA.id });
    expect((await h.redirect({ code: code(), state: mine.state })).status).toBe(400);
    expect((await h.redirect({ code: code(), state: mine.state }, theirs.cookie)).status).toBe(400);
    expect(calls(h, "oauth.v2.access")).toHaveLength(0);
    await nothingStored(h);
  });

  it("a replayed redirect, even with its cookie, is refused on every instance", async () => {
    const db = await database();
    const h = await harness(db);
    workspaces(h);
    const { state, cookie } = await h.startInstall();
    const code = h.fake.authorizationCode({ teamId: "T0BETA", userId: ADA.id });
    expect((await h.redirect({ code, state }, cookie)).status).toBe(200);
    const other = await harness(db, {}, h.fake);
    const replay = await other.redirect(
      { code: h.fake.authorizationCode({ teamId: "T0GAMMA", userId: GUS.id }), state },
      cookie,
    );
    expect(replay.status).toBe(400);
    expect(calls(h, "oauth.v2.access")).toHaveLength(1);
    await expect(h.running.core.slackAccount("T0GAMMA")).rejects.toMatchObject({ code: "NOT_INSTALLED" });
  });

  it("Cancel on Slack's screen (error=access_denied)", async () => {
    const h = await harness(await database());
    const { state, cookie } = await h.startInstall();
    const page = await h.redirect({ error: "access_denied", state }, cookie);
    expect(page.status).toBe(403);
    expect(page.html).toContain("You chose not to allow Rolecall");
    await nothingStored(h);
  });

  it("Slack will not say who the installer is: the first install is refused, and the token given back", async () => {
    const h = await harness(await database());
    workspaces(h);
    h.fake.users.set(ADA.id, { team: "T0BETA" });
    const page = await h.install({ teamId: "T0BETA", userId: ADA.id });
    expect(page.status).toBe(400);
    expect(page.html).toContain("email address");
    await nothingStored(h);
    const granted = h.fake.latestGrant("T0BETA").botToken;
    expect(calls(h, "auth.revoke").map((c) => c.token)).toEqual([granted]);
    expect(h.fake.tokens.get(granted)?.state).toBe("revoked");
  });

  it("a state with anything added to it, even in the cookie too", async () => {
    const h = await harness(await database());
    workspaces(h);
    const { state } = await h.startInstall();
    const longer = `${state}.x`;
    const page = await h.redirect(
      { code: h.fake.authorizationCode({ teamId: "T0BETA", userId: ADA.id }), state: longer },
      `slack-app-oauth-state=${longer}`,
    );
    expect(page.status).toBe(400);
    await nothingStored(h);
  });

  it("Slack sends the installer back with another error than Cancel", async () => {
    const h = await harness(await database());
    const { state, cookie } = await h.startInstall();
    const page = await h.redirect({ error: "invalid_scope", state }, cookie);
    expect(page.status).toBe(502);
    expect(page.html).toContain("Slack refused the installation");
    await nothingStored(h);
  });

  it("Slack grants fewer scopes than Rolecall asked for: refused, named, and the token given back", async () => {
    const h = await harness(await database());
    workspaces(h);
    const page = await h.install({
      teamId: "T0BETA",
      userId: ADA.id,
      scopes: ["commands", "users:read", "users:read.email"],
    });
    expect(page.status).toBe(400);
    expect(page.html).toContain("without chat:write, im:write");
    await nothingStored(h);
    expect(h.fake.tokens.get(h.fake.latestGrant("T0BETA").botToken)?.state).toBe("revoked");
  });

  it("a code Slack does not accept", async () => {
    const h = await harness(await database());
    workspaces(h);
    const { state, cookie } = await h.startInstall();
    h.fake.expectFailure("oauth.v2.access", "invalid_code");
    const page = await h.redirect({ code: "not-a-code", state }, cookie);
    expect(page.status).toBe(502);
    expect(page.html).toContain("Slack did not complete the install");
    await nothingStored(h);
  });
});

describe("tokens at rest", () => {
  it("the database holds no Slack token in clear text", async () => {
    const db = await database();
    const h = await harness(db);
    workspaces(h);
    await h.install({ teamId: "T0BETA", userId: ADA.id, rotation: { expiresInSeconds: 43_200 } });
    const account = await h.running.core.slackAccount("T0BETA");
    const { botToken, refreshToken } = h.fake.latestGrant("T0BETA");
    expect(refreshToken).toBeTruthy();
    const secrets = [botToken, refreshToken ?? "", botToken.slice(5, 25)];
    const stored =
      TEST_ENGINE === "sqlite"
        ? readdirSync(db.dir)
            .filter((f) => f.startsWith("rolecall.db"))
            .map((f) => readFileSync(join(db.dir, f)).toString("latin1"))
            .join("\n")
        : await dumpPostgres(db.url);
    expect(stored).toContain(account.id);
    for (const secret of secrets) expect(stored).not.toContain(secret);
  });
});

/** Every row of every table in the test's schema, as text. */
const dumpPostgres = async (url: string): Promise<string> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
    );
    const rows: string[] = [];
    for (const { table_name } of tables.rows)
      rows.push(JSON.stringify((await client.query(`SELECT * FROM "${table_name}"`)).rows));
    return rows.join("\n");
  } finally {
    await client.end();
  }
};

/**
 * Beta installed with token rotation on (Slack's tokens live 12 hours); `later()` starts an instance
 * 11 hours on, inside the last two hours, when the next use renews the token.
 */
const installedWithRotation = async () => {
  const db = await database();
  const fake = new FakeSlack();
  await fake.start();
  cleanups.push(() => fake.stop());
  const first = await startOAuthHarness(db.url, {}, { fake });
  workspaces(first);
  await first.install({ teamId: "T0BETA", userId: ADA.id, rotation: { expiresInSeconds: 43_200 } });
  await first.stop();
  const later = async () => {
    const h = await startOAuthHarness(
      db.url,
      {},
      { fake, clock: { now: () => new Date(Date.now() + 11 * 3_600_000) } },
    );
    cleanups.push(h.stop);
    return h;
  };
  return { fake, later };
};

describe("token rotation", () => {
  it("two instances refreshing the same installation at once perform one refresh, and both use its new token", async () => {
    const { fake, later } = await installedWithRotation();
    const [one, two] = [await later(), await later()];
    const account = await one.running.core.slackAccount("T0BETA");
    const installToken = fake.latestGrant("T0BETA").botToken;
    const clients = await Promise.all(
      [one, two, one, two].map((h) => {
        const slack = h.running.slack;
        if (!slack) throw new Error("no Slack app");
        return slack.clients.forAccount(account.id);
      }),
    );
    const refreshes = () =>
      calls(one, "oauth.v2.access").filter((c) => c.args.grant_type === "refresh_token");
    expect(refreshes()).toHaveLength(1);
    const renewed = fake.latestGrant("T0BETA").botToken;
    expect(renewed).not.toBe(installToken);
    for (const client of clients) expect(client.token).toBe(renewed);
    // The renewed token serves what follows, on either instance, without another refresh.
    expect(ephemeral(await two.slash("T0BETA", ADA.id, "whoami")).text).toContain("Owner");
    expect(refreshes()).toHaveLength(1);
  });
});

describe("a renewal never holds up a request", () => {
  it("while Slack is slow to renew a token that still works, /team answers at once with it", async () => {
    const { fake, later } = await installedWithRotation();
    const h = await later();
    const expiresBefore = (await h.running.core.installs.installation("T0BETA"))?.tokenExpiresAt;
    let release = () => {};
    fake.behaviours.set("oauth.v2.access", {
      hold: new Promise<void>((r) => {
        release = r;
      }),
    });
    const reply = await h.slash("T0BETA", ADA.id, "whoami");
    expect(ephemeral(reply).text).toContain("Owner");
    const refresh = () => calls(h, "oauth.v2.access").find((c) => c.args.grant_type === "refresh_token");
    expect(refresh()?.answered).toBe(false);
    release();
    fake.behaviours.delete("oauth.v2.access");
    await waitUntil(() => refresh()?.answered === true);
    // The renewal lands once Slack answers: the stored token is the new one.
    await waitUntil(
      async () => (await h.running.core.installs.installation("T0BETA"))?.tokenExpiresAt !== expiresBefore,
    );
  });
});

describe("uninstall and revocation", () => {
  const now = () => Math.floor(Date.now() / 1000);

  it("app_uninstalled, then a late tokens_revoked, then a reinstall: the new installation is intact", async () => {
    const h = await harness(await database());
    workspaces(h);
    await h.install({ teamId: "T0BETA", userId: ADA.id });
    const account = await h.running.core.slackAccount("T0BETA");
    // Removed in the very second it was installed: Slack's word (its token is dead) settles it.
    const at = now();
    h.fake.uninstall("T0BETA");
    h.fake.expectFailure("auth.test", "account_inactive");
    expect((await h.event("T0BETA", { type: "app_uninstalled" }, { event_time: at })).status).toBe(200);
    await waitUntil(async () => (await h.running.core.installs.installation("T0BETA")) === null);

    // Commands from an uninstalled workspace get a clear message; the account and its data stay.
    const refused = await h.slash("T0BETA", ADA.id, "whoami");
    expect(ephemeral(refused).text).toMatch(/not installed/i);
    expect(ephemeral(refused).text).toContain("/slack/install");
    expect((await h.running.core.findLinkedMember(account.id, ADA.id))?.role).toBe("owner");

    expect((await h.install({ teamId: "T0BETA", userId: ADA.id })).status).toBe(200);
    const reinstalled = await h.running.core.installs.installation("T0BETA");
    expect(reinstalled).not.toBeNull();

    // Slack's late word about the old installation, and a redelivery: the new one stays.
    await h.event("T0BETA", { type: "tokens_revoked", tokens: { bot: ["UBOT"] } }, { event_time: at });
    await h.event("T0BETA", { type: "app_uninstalled" }, { event_time: at });
    await waitUntil(() => calls(h, "auth.test").filter((c) => c.ok).length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(await h.running.core.installs.installation("T0BETA")).toEqual(reinstalled);
    expect((await h.running.core.slackAccount("T0BETA")).id).toBe(account.id);
    const whoami = await h.slash("T0BETA", ADA.id, "whoami");
    expect(ephemeral(whoami).text).not.toMatch(/not installed/i);
    const log = await h.running.core.fullAuditLog(account.id);
    expect(log.map((e) => e.action).filter((a) => a.startsWith("app."))).toEqual([
      "app.installed",
      "app.uninstalled",
      "app.installed",
    ]);
  });

  it("when Slack cannot be asked, a late event removes only an installation older than itself", async () => {
    const h = await harness(await database());
    workspaces(h);
    await h.install({ teamId: "T0BETA", userId: ADA.id });
    h.fake.behaviours.set("auth.test", { status: 500 });
    const asked = calls(h, "auth.test").length;
    await h.event("T0BETA", { type: "app_uninstalled" }, { event_time: now() - 60 });
    // Slack's client tries three times before it gives up.
    await waitUntil(() => calls(h, "auth.test").filter((c) => c.answered).length >= asked + 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(await h.running.core.installs.installation("T0BETA")).not.toBeNull();
    await h.event("T0BETA", { type: "app_uninstalled" }, { event_time: now() + 1 });
    await waitUntil(async () => (await h.running.core.installs.installation("T0BETA")) === null);
  });

  it("a signed event with holes in it removes nothing and stops nothing", async () => {
    const h = await harness(await database());
    workspaces(h);
    await h.install({ teamId: "T0BETA", userId: ADA.id });
    expect((await h.event("T0BETA", { type: "tokens_revoked" })).status).toBe(200);
    expect((await h.event("T0BETA", { type: "tokens_revoked", tokens: null })).status).toBe(200);
    const mistyped = await h.event("T0BETA", { type: "app_uninstalled" }, { event_time: "9999999999" });
    expect(mistyped.status).toBe(400);
    expect(
      calls(h, "auth.test").filter((c) => c.token === h.fake.latestGrant("T0BETA").botToken),
    ).toHaveLength(1);
    expect(await h.running.core.installs.installation("T0BETA")).not.toBeNull();
    expect(ephemeral(await h.slash("T0BETA", ADA.id, "whoami")).text).toContain("Owner");
  });

  it("a command from a workspace that never installed Rolecall says how to add it", async () => {
    const h = await harness(await database());
    workspaces(h);
    const reply = await h.slash("T0BETA", ADA.id, "whoami");
    expect(reply.status).toBe(200);
    expect(ephemeral(reply).text).toMatch(/not installed/i);
    expect(calls(h, "users.info")).toHaveLength(0);
  });
});

describe("Enterprise Grid", () => {
  it("an org-wide install is one account for the organisation, found from any of its workspaces", async () => {
    const h = await harness(await database());
    h.fake.addWorkspace({
      teamId: "T0GRIDA",
      name: "Grid A",
      enterprise: { id: "E0GRID", name: "Grid Org" },
    });
    h.fake.addWorkspace({
      teamId: "T0GRIDB",
      name: "Grid B",
      enterprise: { id: "E0GRID", name: "Grid Org" },
    });
    h.fake.users.set(ADA.id, { email: ADA.email, team: "T0GRIDA" });
    h.fake.users.set("U0BEN", { email: "ben@grid.test", team: "T0GRIDB" });
    const page = await h.install({ teamId: "T0GRIDA", userId: ADA.id, enterpriseInstall: true });
    expect(page.status).toBe(200);
    const account = await h.running.core.slackAccount("E0GRID");
    expect(account.name).toBe("Grid Org");
    const org = { enterprise_id: "E0GRID", is_enterprise_install: "true" };
    const whoami = await h.slash("T0GRIDA", ADA.id, "whoami", org);
    expect(ephemeral(whoami).text ?? whoami.text).not.toMatch(/not installed/i);
    await h.slash("T0GRIDA", ADA.id, "add ben@grid.test teammate Ben", org);
    const members = await h.running.core.listMembers({
      accountId: account.id,
      actor: { email: ADA.email },
      source: "cli",
    });
    expect(members.members.map((m) => m.email)).toContain("ben@grid.test");
    await expect(h.running.core.slackAccount("T0GRIDA")).rejects.toMatchObject({ code: "NOT_INSTALLED" });

    // Uninstalled org-wide: the organisation's installation goes, its account stays.
    h.fake.uninstall("E0GRID");
    h.fake.expectFailure("auth.test", "account_inactive");
    await h.event(
      "T0GRIDB",
      { type: "app_uninstalled" },
      {
        enterprise_id: "E0GRID",
        authorizations: [
          {
            enterprise_id: "E0GRID",
            team_id: null,
            user_id: "WBOT",
            is_bot: true,
            is_enterprise_install: true,
          },
        ],
      },
    );
    await waitUntil(async () => (await h.running.core.installs.installation("E0GRID")) === null);
    expect((await h.running.core.slackAccount("E0GRID")).id).toBe(account.id);
  });
});

const waitUntil = async (check: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};
