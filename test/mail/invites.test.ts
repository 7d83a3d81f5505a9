import { afterEach, describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/http/rate-limit.js";
import { createLogger } from "../../src/log.js";
import { json, rolecall } from "../helpers/cli.js";
import { type Harness, messageText, startHarness } from "../helpers/slack-harness.js";
import { eventually, freePort, TestSmtp } from "../helpers/smtp.js";
import { manualClock } from "../helpers/team.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The real app with SMTP_URL at a loopback SMTP server (started unless `smtpUp` is false). */
const setup = async (
  opts: {
    smtpUp?: boolean;
    clock?: ReturnType<typeof manualClock>;
    limit?: number;
    logs?: string[];
    env?: Record<string, string>;
  } = {},
) => {
  const smtp = new TestSmtp(await freePort());
  if (opts.smtpUp !== false) await smtp.start();
  cleanups.push(() => smtp.stop());
  const h = await startHarness(
    {
      SMTP_URL: smtp.url,
      MAIL_RETRY_SECONDS: "0.05",
      MAIL_LEASE_SECONDS: "60", // longer than any send on a loaded machine: no lease runs out mid-send
      APP_BASE_URL: "http://127.0.0.1:1",
      ...opts.env,
    },
    {
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.limit ? { inviteLimiter: new RateLimiter(opts.limit, 60_000) } : {}),
      ...(opts.logs ? { logger: createLogger("debug", (line) => opts.logs?.push(line)) } : {}),
    },
  );
  cleanups.push(() => h.stop());
  /** Invite links point at APP_BASE_URL; the test follows them to the running app instead. */
  const local = (link: string) => link.replace("http://127.0.0.1:1", h.base);
  return { smtp, h, local };
};

const members = (h: Harness) =>
  json<{ members: { email: string; status: string; invite: { state: string; mail: string } | null }[] }>(
    rolecall(h.db, ["--as", "owner@acme.test", "list", "--json"]),
  ).members;

describe("an invite, from /team add to an active member", () => {
  it("arrives over real SMTP, reads well, and its link joins the team", async () => {
    const { smtp, h, local } = await setup();
    h.fake.users.set("U0NEW", { email: "new@acme.test" });
    await h.slash("owner", "add new@acme.test admin Nina New");
    await eventually(() => smtp.to("new@acme.test").length === 1, "the invite mail");
    const mail = smtp.to("new@acme.test")[0];
    expect(mail?.subject).toBe("owner@acme.test invited you to Acme");
    expect(mail?.messageId).toMatch(/^<[0-9a-f-]{36}@localhost>$/);
    expect(mail?.text).toContain("as Admin");
    expect(mail?.text).toContain("Export Users");
    expect(mail?.text).toMatch(/until \d{1,2} \w+ \d{4} at \d\d:\d\d UTC/);
    expect(mail?.html).toContain("Accept the invite");
    expect(mail?.html).not.toMatch(/<img|<script/i);
    const link = TestSmtp.inviteLink(mail ?? ({} as never));

    const page = await fetch(local(link));
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    for (const fact of [
      "Join Acme",
      "owner@acme.test",
      "Admin",
      "Expires",
      "Accept invite",
      '<form method="post"',
    ]) {
      expect(html).toContain(fact);
    }
    expect(members(h).find((m) => m.email === "new@acme.test")).toMatchObject({
      status: "invited",
      invite: { state: "pending", mail: "sent" },
    });

    const accepted = await fetch(local(link), { method: "POST" });
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain("joined as <strong>Admin</strong>");
    expect(members(h).find((m) => m.email === "new@acme.test")?.status).toBe("active");
    const audit = json<{ action: string; target: string }[]>(rolecall(h.db, ["audit", "--format", "json"]));
    expect(audit.at(-1)).toMatchObject({ action: "invite.accepted", target: "new@acme.test" });

    // Slack: the new member is looked up by email and linked, and the inviter hears about it.
    const dm = await h.fake.waitFor(() => h.fake.callsTo("chat.postMessage")[0], "the DM to the inviter");
    const lookup = h.fake.callsTo("users.lookupByEmail")[0];
    expect(lookup).toMatchObject({ ok: true, token: "xoxb-test-token", args: { email: "new@acme.test" } });
    expect(dm).toMatchObject({
      ok: true,
      token: "xoxb-test-token",
      args: { channel: "U0OWNER", text: "new@acme.test accepted your invite and joined as Admin." },
    });
    // Linked: their first /team needs no users.info.
    const infos = h.fake.callsTo("users.info").length;
    expect(messageText((await h.slash("U0NEW", "whoami")).message)).toContain("You are *Admin*");
    expect(h.fake.callsTo("users.info")).toHaveLength(infos);
  });

  it("the token is stored only as a hash, wiped from the outbox once sent, and never logged", async () => {
    const logs: string[] = [];
    const { smtp, h, local } = await setup({ logs });
    await h.slash("owner", "add secret@acme.test");
    await eventually(() => smtp.to("secret@acme.test").length === 1, "the invite mail");
    const link = TestSmtp.inviteLink(smtp.to("secret@acme.test")[0] ?? ({} as never));
    const token = link.split("/").at(-1) ?? "";
    await fetch(local(link));
    h.fake.expectFailure("users.lookupByEmail", "users_not_found"); // they are not in this Slack workspace
    await fetch(local(link), { method: "POST" });
    const Database = (await import("better-sqlite3")).default;
    const raw = new Database(h.db, { readonly: true });
    const everything = JSON.stringify([
      raw.prepare("SELECT * FROM invites").all(),
      raw.prepare("SELECT * FROM outbox").all(),
      raw.prepare("SELECT * FROM audit_log").all(),
    ]);
    raw.close();
    expect(everything).not.toContain(token);
    expect(logs.join("")).not.toContain(token);
    expect(logs.join("")).toContain("sent");
  });
});

describe("no outage loses an invite", () => {
  it("SMTP down while 20 members are added, then up: all 20 arrive, each exactly once", async () => {
    const { smtp, h } = await setup({ smtpUp: false });
    for (let i = 0; i < 20; i++) await h.running.core.addMember(h.as("owner"), { email: `m${i}@acme.test` });
    await eventually(
      () =>
        json<{ mail: { attempts: number }[] }>(rolecall(h.db, ["mail", "list", "--json"])).mail.every(
          (m) => m.attempts > 0,
        ),
      "every mail to be tried against the closed port",
    );
    const added = (m: { email: string }) => /^m\d+@/.test(m.email);
    expect(members(h).filter((m) => added(m) && m.invite?.mail === "queued")).toHaveLength(20);
    await smtp.start();
    const recipients = () =>
      smtp.messages
        .map((m) => (Array.isArray(m.to) ? "" : (m.to?.value[0]?.address ?? "")))
        .filter((to) => added({ email: to }));
    await eventually(() => recipients().length >= 20, "all 20 invites", 30_000);
    await new Promise((r) => setTimeout(r, 300)); // a duplicate would show up here
    expect(recipients().sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}@acme.test`).sort());
    expect(members(h).filter((m) => added(m) && m.invite?.mail === "sent")).toHaveLength(20);
  });

  it("a 451 is retried until accepted; a 550 is marked failed and shown as failed", async () => {
    const { smtp, h } = await setup();
    let busy = 0;
    smtp.refuse = (to) =>
      to === "busy@acme.test" && busy++ < 2 ? 451 : to === "nobody@acme.test" ? 550 : null;
    await h.slash("owner", "add busy@acme.test");
    await h.slash("owner", "add nobody@acme.test");
    await eventually(() => smtp.to("busy@acme.test").length === 1, "the 451'd invite to get through");
    await eventually(
      () => members(h).find((m) => m.email === "nobody@acme.test")?.invite?.mail === "failed",
      "the 550",
    );
    expect(busy).toBe(3);
    expect(smtp.to("nobody@acme.test")).toHaveLength(0);
    const mail = json<{ mail: { to: string; status: string; lastError: string | null }[] }>(
      rolecall(h.db, ["mail", "list", "--json"]),
    ).mail;
    expect(mail.find((m) => m.to === "nobody@acme.test")).toMatchObject({
      status: "failed",
      lastError: expect.stringContaining("550"),
    });
    expect(rolecall(h.db, ["--as", "owner@acme.test", "list"]).stdout).toContain("mail failed");
    expect(messageText((await h.slash("owner", "list invited")).message)).toContain(
      ":warning: the invite email could not be delivered",
    );
  });
});

describe("links that no longer work", () => {
  const inviteOf = async (smtp: TestSmtp, email: string, nth = 1) => {
    await eventually(() => smtp.to(email).length >= nth, `invite ${nth} to ${email}`);
    return TestSmtp.inviteLink(smtp.to(email)[nth - 1] ?? ({} as never));
  };
  const expectGone = async (url: string, method: string, status: number, says: string) => {
    const res = await fetch(url, { method });
    expect(res.status).toBe(status);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toContain(says);
  };

  it("expired, used, revoked and unknown tokens get 410 with a page that says which; nothing changes", async () => {
    const clock = manualClock(new Date().toISOString());
    const { smtp, h, local } = await setup({ clock });
    await h.slash("owner", "add late@acme.test");
    await h.slash("owner", "add used@acme.test");
    await h.slash("owner", "add gone@acme.test");
    const late = local(await inviteOf(smtp, "late@acme.test"));
    const used = local(await inviteOf(smtp, "used@acme.test"));
    const gone = local(await inviteOf(smtp, "gone@acme.test"));

    h.fake.expectFailure("users.lookupByEmail", "users_not_found"); // they are not in this Slack workspace
    expect((await fetch(used, { method: "POST" })).status).toBe(200);
    await h.slash("owner", "revoke gone@acme.test");
    const before = rolecall(h.db, ["audit", "--format", "json"]).stdout;
    await expectGone(used, "GET", 410, "already been accepted");
    await expectGone(used, "POST", 410, "already been accepted");
    await expectGone(gone, "GET", 410, "revoked");
    await expectGone(gone, "POST", 410, "revoked");
    await expectGone(`${h.base}/invites/${"A".repeat(43)}`, "GET", 410, "not valid");
    await expectGone(`${h.base}/invites/${"A".repeat(43)}`, "POST", 410, "not valid");
    await expectGone(`${h.base}/invites/short`, "GET", 400, "incomplete");
    clock.advanceHours(169);
    await expectGone(late, "GET", 410, "expired");
    await expectGone(late, "POST", 410, "expired");
    expect(rolecall(h.db, ["audit", "--format", "json"]).stdout).toBe(before);
    expect(members(h).find((m) => m.email === "late@acme.test")?.status).toBe("invited");
  });

  it("resend kills the old link; the new one works", async () => {
    const { smtp, h, local } = await setup();
    await h.slash("owner", "add again@acme.test");
    const first = local(await inviteOf(smtp, "again@acme.test"));
    await h.slash("owner", "resend again@acme.test");
    const second = local(await inviteOf(smtp, "again@acme.test", 2));
    expect(smtp.to("again@acme.test")[1]?.subject).toBe("Your new invite to Acme");
    await expectGone(first, "GET", 410, "revoked");
    await expectGone(first, "POST", 410, "revoked");
    h.fake.expectFailure("users.lookupByEmail", "users_not_found"); // they are not in this Slack workspace
    expect((await fetch(second, { method: "POST" })).status).toBe(200);
  });

  it("a mail still queued when its link dies is never sent: only the newest link goes out", async () => {
    const { smtp, h, local } = await setup({ smtpUp: false });
    await h.slash("owner", "add queued@acme.test");
    await h.slash("owner", "resend queued@acme.test");
    await h.slash("owner", "add accepted@acme.test");
    expect(rolecall(h.db, ["activate", "accepted@acme.test"]).code).toBe(0);
    await smtp.start();
    await eventually(() => smtp.to("queued@acme.test").length >= 1, "the newest invite");
    await new Promise((r) => setTimeout(r, 500)); // time for a stale one to (wrongly) arrive
    expect(smtp.to("queued@acme.test")).toHaveLength(1);
    expect(smtp.to("accepted@acme.test")).toHaveLength(0);
    const link = local(await inviteOf(smtp, "queued@acme.test"));
    h.fake.expectFailure("users.lookupByEmail", "users_not_found"); // they are not in this Slack workspace
    expect((await fetch(link, { method: "POST" })).status).toBe(200);
  });
});

describe("guessing invite tokens (PRODUCT §4)", () => {
  const guess = (h: Harness, i: number, headers: Record<string, string> = {}) =>
    fetch(`${h.base}/invites/${String(i % 10).repeat(43)}`, { headers });

  it("guessing tokens from one address is rate-limited", async () => {
    const { h } = await setup({ limit: 3 });
    for (let i = 0; i < 3; i++) expect((await guess(h, i)).status).toBe(410);
    const blocked = await fetch(`${h.base}/invites/${"9".repeat(43)}`);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await fetch(`${h.base}/invites/short`)).status).toBe(429); // malformed ones count too
  });

  it("a flood of wrong tokens from the invitee's own address cannot lock them out", async () => {
    const { smtp, h, local } = await setup({ limit: 3 });
    await h.slash("owner", "add real@acme.test admin");
    await eventually(() => smtp.to("real@acme.test").length === 1, "the invite mail");
    const link = local(TestSmtp.inviteLink(smtp.to("real@acme.test")[0] ?? ({} as never)));
    for (let i = 0; i < 20; i++) await guess(h, i);
    expect((await guess(h, 0)).status).toBe(429);

    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Accept invite");
    h.fake.expectFailure("users.lookupByEmail", "users_not_found"); // not in this Slack workspace
    const accepted = await fetch(link, { method: "POST" });
    expect(accepted.status).toBe(200);
    expect(await accepted.text()).toContain("joined as <strong>Admin</strong>");
    expect(members(h).find((m) => m.email === "real@acme.test")?.status).toBe("active");
    // A known link that no longer works says why (it is no guess), and still counts for nothing.
    for (let i = 0; i < 5; i++) expect((await fetch(link)).status).toBe(410);
    expect((await guess(h, 1)).status).toBe(429);
  });

  it("a used link is not a failed lookup: it never counts toward the limit", async () => {
    const { smtp, h, local } = await setup({ limit: 3 });
    await h.slash("owner", "add used@acme.test");
    await eventually(() => smtp.to("used@acme.test").length === 1, "the invite mail");
    const link = local(TestSmtp.inviteLink(smtp.to("used@acme.test")[0] ?? ({} as never)));
    h.fake.expectFailure("users.lookupByEmail", "users_not_found"); // not in this Slack workspace
    expect((await fetch(link, { method: "POST" })).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await fetch(link)).status).toBe(410);
    expect((await guess(h, 0)).status).toBe(410);
  });

  it("a spoofed X-Forwarded-For from an untrusted peer does not dodge the limit", async () => {
    const { h } = await setup({ limit: 3 });
    for (let i = 0; i < 3; i++)
      expect((await guess(h, i, { "x-forwarded-for": `203.0.113.${i + 1}` })).status).toBe(410);
    expect((await guess(h, 4, { "x-forwarded-for": "198.51.100.9" })).status).toBe(429);
  });

  it("behind a trusted proxy, the forwarded address is the one limited", async () => {
    const { h } = await setup({ limit: 3, env: { TRUSTED_PROXIES: "10.9.9.9, 127.0.0.1" } });
    for (let i = 0; i < 3; i++)
      expect((await guess(h, i, { "x-forwarded-for": "203.0.113.7" })).status).toBe(410);
    // The right-most address that is not a trusted proxy is the client; what it put further left is not.
    for (const forwarded of ["203.0.113.7", "198.51.100.1, 203.0.113.7", "203.0.113.7, 10.9.9.9"])
      expect((await guess(h, 5, { "x-forwarded-for": forwarded })).status).toBe(429);
    expect((await guess(h, 5, { "x-forwarded-for": "198.51.100.2" })).status).toBe(410);
    expect((await guess(h, 5, { "x-forwarded-for": "203.0.113.7, 198.51.100.2" })).status).toBe(410);
  });
});
