import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, isPostgresUrl, loadConfig, shownDatabaseUrl } from "../src/config.js";
import { mailDirectory } from "../src/mail/transport.js";
import { slackMode } from "../src/slack/app.js";

describe("configuration (PRODUCT §9)", () => {
  it("has the documented defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      SLACK_API_URL: "https://slack.com/api/",
      SLACK_HOOKS_URL: "https://hooks.slack.com/",
      DATABASE_URL: "data/rolecall.db",
      CACHE_MAX_ACCOUNTS: 10_000,
      MAIL_FROM: "Rolecall <no-reply@localhost>",
      APP_BASE_URL: "http://localhost:3000",
      INVITE_TTL_HOURS: 168,
      REQUEST_TTL_HOURS: 168,
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
      REQUEST_BODY_TIMEOUT_MS: 10_000,
      SHUTDOWN_DRAIN_MS: 5_000,
    });
    expect(loadConfig({}).METRICS_TOKEN).toBeUndefined();
    expect(loadConfig({ PORT: "8080" }).APP_BASE_URL).toBe("http://localhost:8080");
  });

  it("LOG_FORMAT is json or pretty; METRICS_TOKEN, when set, is long enough to guard /metrics", () => {
    expect(loadConfig({ LOG_FORMAT: " Pretty " }).LOG_FORMAT).toBe("pretty");
    expect(() => loadConfig({ LOG_FORMAT: "text" })).toThrow(/LOG_FORMAT must be json .* or pretty/);
    expect(loadConfig({ METRICS_TOKEN: "" }).METRICS_TOKEN).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: "0123456789abcdef" }).METRICS_TOKEN).toBe("0123456789abcdef");
    expect(() => loadConfig({ METRICS_TOKEN: "short" })).toThrow(
      /METRICS_TOKEN must be at least 16 characters/,
    );
  });

  it("REQUEST_BODY_TIMEOUT_MS and SHUTDOWN_DRAIN_MS are whole milliseconds within bounds (the drain may be 0)", () => {
    expect(loadConfig({ REQUEST_BODY_TIMEOUT_MS: "2500", SHUTDOWN_DRAIN_MS: "0" })).toMatchObject({
      REQUEST_BODY_TIMEOUT_MS: 2500,
      SHUTDOWN_DRAIN_MS: 0,
    });
    expect(() => loadConfig({ REQUEST_BODY_TIMEOUT_MS: "50" })).toThrow(
      /REQUEST_BODY_TIMEOUT_MS must be at least 100/,
    );
    expect(() => loadConfig({ REQUEST_BODY_TIMEOUT_MS: "1.5" })).toThrow(
      /REQUEST_BODY_TIMEOUT_MS must be a whole number of milliseconds/,
    );
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: "-1" })).toThrow(/SHUTDOWN_DRAIN_MS must be at least 0/);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: "soon" })).toThrow(
      /SHUTDOWN_DRAIN_MS must be a number of milliseconds/,
    );
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: "600000" })).toThrow(
      /SHUTDOWN_DRAIN_MS must be at most 300000 \(five minutes\)/,
    );
  });

  it("names every problem at once", () => {
    try {
      loadConfig({
        PORT: "http",
        SLACK_BOT_TOKEN: "xoxp-user",
        SMTP_URL: "mail.example.com",
        INVITE_TTL_HOURS: "-1",
        SLACK_HOOKS_URL: "hooks.slack.com",
        CACHE_MAX_ACCOUNTS: "0",
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const text = (error as ConfigError).message;
      for (const name of [
        "PORT",
        "SLACK_BOT_TOKEN",
        "SMTP_URL",
        "INVITE_TTL_HOURS",
        "SLACK_HOOKS_URL",
        "CACHE_MAX_ACCOUNTS",
      ])
        expect(text).toContain(name);
    }
  });

  it("TRUSTED_PROXIES: comma-separated IP addresses, IPv4-mapped ones compared as IPv4", () => {
    expect(loadConfig({}).TRUSTED_PROXIES).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: " 10.0.0.5, ::1,::FFFF:192.0.2.1 ," }).TRUSTED_PROXIES).toEqual([
      "10.0.0.5",
      "::1",
      "192.0.2.1",
    ]);
    expect(() => loadConfig({ TRUSTED_PROXIES: "10.0.0.5,proxy.internal" })).toThrow(
      /TRUSTED_PROXIES must be comma-separated IP addresses.*"proxy\.internal"/,
    );
    expect(() => loadConfig({ TRUSTED_PROXIES: "10.0.0.0/8" })).toThrow(/TRUSTED_PROXIES/);
  });

  it("DATABASE_URL: postgres:// or postgresql:// is PostgreSQL, anything else a SQLite file; mail files never land in a folder named after a URL", () => {
    expect(["postgres://u@h:5432/db", "postgresql://h/db", " POSTGRES://h/db"].map(isPostgresUrl)).toEqual([
      true,
      true,
      true,
    ]);
    expect(["data/rolecall.db", ":memory:", "postgres.db", "/srv/postgres/x.db"].map(isPostgresUrl)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(mailDirectory("postgres://postgres@127.0.0.1:5432/test")).toBe("data/mail");
    // Shown to a person (the try-out says where it wrote), a PostgreSQL URL keeps its password to itself.
    expect(shownDatabaseUrl("postgres://rolecall:s3cret@db:5432/rc")).toBe(
      "postgres://rolecall:***@db:5432/rc",
    );
    expect(shownDatabaseUrl("data/rolecall.db")).toBe("data/rolecall.db");
    expect(mailDirectory("/srv/rolecall/rolecall.db")).toBe("/srv/rolecall/mail");
    expect(loadConfig({}).DATABASE_POOL_MAX).toBe(10);
    expect(() => loadConfig({ DATABASE_POOL_MAX: "0" })).toThrow(/DATABASE_POOL_MAX/);
  });

  it("picks the Slack transport and names what it is missing", () => {
    expect(slackMode(loadConfig({}))).toEqual({ mode: null, oauth: false, missing: [] });
    expect(slackMode(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }))).toEqual({
      mode: "http",
      oauth: false,
      missing: [],
    });
    expect(slackMode(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" }))).toEqual({
      mode: "socket",
      oauth: false,
      missing: [],
    });
    expect(slackMode(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" })).missing.join()).toContain(
      "SLACK_SIGNING_SECRET",
    );
    expect(slackMode(loadConfig({ SLACK_APP_TOKEN: "xapp-1" })).missing.join()).toContain("SLACK_BOT_TOKEN");
    // A key set for later changes nothing for one workspace.
    expect(slackMode(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", ...KEYS }))).toEqual({
      mode: "http",
      oauth: false,
      missing: [],
    });
  });
});

const KEYS = {
  ROLECALL_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  ROLECALL_ENCRYPTION_KEY_PREVIOUS: randomBytes(32).toString("base64"),
};
const OAUTH = {
  SLACK_CLIENT_ID: "1234.5678",
  SLACK_CLIENT_SECRET: "client-secret",
  SLACK_STATE_SECRET: "state-secret",
  SLACK_SIGNING_SECRET: "signing-secret",
  ROLECALL_ENCRYPTION_KEY: KEYS.ROLECALL_ENCRYPTION_KEY,
};
const problems = (env: Record<string, string>) => slackMode(loadConfig(env)).missing;

describe("OAuth mode (many workspaces install Rolecall)", () => {
  it("is asked for by any of SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, and then needs all three", () => {
    expect(slackMode(loadConfig(OAUTH))).toEqual({ mode: "http", oauth: true, missing: [] });
    for (const name of ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"] as const) {
      expect(slackMode(loadConfig({ [name]: "x" })).oauth).toBe(true);
      const { [name]: _left, ...rest } = OAUTH;
      expect(problems(rest)).toEqual([
        expect.stringMatching(new RegExp(`^${name} is required in OAuth mode`)),
      ]);
    }
    // An empty value (as .env.example leaves them) is unset.
    expect(slackMode(loadConfig({ SLACK_CLIENT_ID: "", SLACK_STATE_SECRET: " " })).oauth).toBe(false);
  });

  it("needs ROLECALL_ENCRYPTION_KEY and SLACK_SIGNING_SECRET", () => {
    const { ROLECALL_ENCRYPTION_KEY: _key, SLACK_SIGNING_SECRET: _secret, ...rest } = OAUTH;
    const named = problems(rest);
    expect(named).toContain(
      "ROLECALL_ENCRYPTION_KEY is required in OAuth mode: 32 random bytes in base64 (openssl rand -base64 32); Slack tokens are encrypted with it",
    );
    expect(named.join("\n")).toMatch(/^SLACK_SIGNING_SECRET is required in OAuth mode/m);
  });

  it("needs an https APP_BASE_URL (plain http only on this machine): browsers keep the state cookie only there", () => {
    expect(problems({ ...OAUTH, APP_BASE_URL: "https://rolecall.example.com" })).toEqual([]);
    expect(problems({ ...OAUTH, APP_BASE_URL: "http://localhost:3000" })).toEqual([]);
    expect(problems({ ...OAUTH, APP_BASE_URL: "http://127.0.0.1:3000" })).toEqual([]);
    expect(problems({ ...OAUTH, APP_BASE_URL: "http://rolecall.example.com" })).toEqual([
      expect.stringMatching(/^APP_BASE_URL must be an https address in OAuth mode/),
    ]);
    // Single-workspace mode keeps plain http for invite links behind a proxy.
    expect(
      problems({
        SLACK_BOT_TOKEN: "xoxb-1",
        SLACK_SIGNING_SECRET: "s",
        APP_BASE_URL: "http://rolecall.test",
      }),
    ).toEqual([]);
  });

  it.each([
    "javascript:alert(1)//",
    "ftp://files.example.com",
    "https://x.test/rc?a=b",
    "https://x.test/rc#top",
    "not a url",
  ])("APP_BASE_URL %s is refused: links are built on it", (url) => {
    expect(() => loadConfig({ APP_BASE_URL: url })).toThrow(/APP_BASE_URL must be an http\(s\) address/);
  });

  it("refuses a bot token or an app token: those serve one workspace", () => {
    const named = problems({ ...OAUTH, SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1" });
    expect(named).toHaveLength(2);
    expect(named[0]).toMatch(
      /^SLACK_BOT_TOKEN must be unset in OAuth mode: each workspace's token comes from its installation/,
    );
    expect(named[1]).toMatch(
      /^SLACK_APP_TOKEN must be unset in OAuth mode: Socket Mode serves one workspace/,
    );
  });
});

describe("encryption keys", () => {
  it("are 32 bytes in base64; a bad one is named, its value never shown", () => {
    expect(loadConfig(KEYS)).toMatchObject(KEYS);
    expect(loadConfig({ ROLECALL_ENCRYPTION_KEY: "" }).ROLECALL_ENCRYPTION_KEY).toBeUndefined();
    for (const name of ["ROLECALL_ENCRYPTION_KEY", "ROLECALL_ENCRYPTION_KEY_PREVIOUS"]) {
      for (const bad of [
        randomBytes(16).toString("base64"),
        "correct horse battery staple",
        "a".repeat(44),
      ]) {
        try {
          loadConfig({ [name]: bad });
          expect.unreachable();
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as ConfigError).problems).toEqual([
            `${name} must be 32 random bytes in base64, e.g. the output of: openssl rand -base64 32`,
          ]);
          expect((error as ConfigError).message).not.toContain(bad.slice(0, 12));
        }
      }
    }
  });
});

describe("the Slack app's transport", () => {
  it("with SLACK_APP_TOKEN builds a Socket Mode app with no HTTP events handler; otherwise mounts /slack/events", async () => {
    const { createSlackApp } = await import("../src/slack/app.js");
    const { openCore } = await import("./helpers/team.js");
    const { createLogger } = await import("../src/log.js");
    const wired = await openCore();
    const logger = createLogger("silent");
    const socket = createSlackApp(
      loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1", LOG_LEVEL: "silent" }),
      wired.core,
      logger,
    );
    expect(socket.mode).toBe("socket");
    expect(socket.eventsListener).toBeNull();
    const http = createSlackApp(
      loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", LOG_LEVEL: "silent" }),
      wired.core,
      logger,
    );
    expect(http.mode).toBe("http");
    expect(typeof http.eventsListener).toBe("function");
    wired.close();
  });
});
