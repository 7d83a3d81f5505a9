import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { IDS } from "../../src/slack/ids.js";
import { BOT_SCOPES } from "../../src/slack/scopes.js";

const manifest = readFileSync(resolve(import.meta.dirname, "../../manifest.yml"), "utf8");
const envExample = readFileSync(resolve(import.meta.dirname, "../../.env.example"), "utf8");

describe("manifest.yml has everything the app uses", () => {
  it("declares /team with should_escape, interactivity, the Home tab and app_home_opened", () => {
    expect(manifest).toMatch(new RegExp(`command: ${IDS.command}\\n[\\s\\S]*?should_escape: true`));
    expect(manifest).toMatch(/interactivity:\n\s+is_enabled: true/);
    expect(manifest).toMatch(/home_tab_enabled: true/);
    expect(manifest).toMatch(/bot_events:\n\s+- app_home_opened/);
    expect(manifest.match(/\/slack\/events/g)?.length).toBe(3);
  });

  it.each(["commands", "chat:write", "users:read", "users:read.email", "im:write"])(
    "asks for the %s scope",
    (scope) => {
      expect(manifest).toMatch(new RegExp(`\\n\\s+- ${scope.replace(".", "\\.")}\\n`));
    },
  );
});

interface Manifest {
  _metadata?: unknown;
  features: { slash_commands: Record<string, unknown>[] };
  oauth_config: { redirect_urls: string[]; scopes: { bot: unknown } };
  settings: Record<string, unknown> & {
    event_subscriptions: { request_url: string; bot_events: string[] };
    org_deploy_enabled: boolean;
    token_rotation_enabled: boolean;
  };
}
const parsed = parse(manifest) as Manifest;

/**
 * Slack's published schema for manifests without `_metadata` (version 1), vendored with its licence
 * (see manifest-schema/README.md). Its `regex` keyword is Slack's own: a pattern the string must match.
 */
const schema = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "manifest-schema/manifest.schema.1.0.0.json"), "utf8"),
) as object;
// strictTypes off: a few of Slack's subschemas (third-party auth providers) put minItems beside no `type`.
const ajv = new Ajv({ allErrors: true, strictTypes: false })
  .addFormat("uri", (value: string) => URL.canParse(value))
  .addKeyword({ keyword: "regex", type: "string", macro: (pattern: string) => ({ pattern }) })
  .addKeyword({ keyword: "_note" });
const validate = ajv.compile(schema);
const problemsOf = (candidate: unknown): string[] =>
  validate(candidate) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

describe("manifest.yml is a manifest Slack accepts, for OAuth distribution", () => {
  it("has no _metadata, so Slack reads it as version 1, and version 1 of Slack's schema accepts it", () => {
    expect(parsed._metadata).toBeUndefined();
    expect(problemsOf(parsed)).toEqual([]);
  });

  it.each<[string, (m: Manifest) => void, string]>([
    ["an unknown setting", (m) => Object.assign(m.settings, { token_rotation: true }), "/settings"],
    [
      "a slash command without a description",
      (m) => delete m.features.slash_commands[0]?.description,
      "/features/slash_commands/0",
    ],
    [
      "bot scopes given as one string",
      (m) => Object.assign(m.oauth_config.scopes, { bot: "commands,chat:write" }),
      "/oauth_config/scopes/bot",
    ],
    [
      "a background colour that is not a hex colour",
      (m) => Object.assign(m, { display_information: { name: "Rolecall", background_color: "blue" } }),
      "/display_information/background_color",
    ],
  ])("the schema refuses a copy with %s", (_what, breakIt, where) => {
    const broken = structuredClone(parsed);
    breakIt(broken);
    expect(problemsOf(broken).some((p) => p.startsWith(where))).toBe(true);
  });

  it("redirects OAuth to /slack/oauth_redirect on the host that takes the events", () => {
    const [redirect, ...others] = parsed.oauth_config.redirect_urls;
    expect(others).toEqual([]);
    const url = new URL(redirect ?? "");
    expect(url.pathname).toBe("/slack/oauth_redirect");
    expect(url.origin).toBe(new URL(parsed.settings.event_subscriptions.request_url).origin);
  });

  it("hears when an installation ends, may be installed org-wide, and leaves token rotation off", () => {
    expect(parsed.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(["app_home_opened", "app_uninstalled", "tokens_revoked"]),
    );
    expect(parsed.settings.org_deploy_enabled).toBe(true);
    expect(parsed.settings.token_rotation_enabled).toBe(false);
  });

  it("asks for exactly the scopes the Add-to-Slack link asks for", () => {
    expect([...(parsed.oauth_config.scopes.bot as string[])].sort()).toEqual([...BOT_SCOPES].sort());
  });
});

describe(".env.example names every variable of the configuration", () => {
  it.each([
    "PORT",
    "SLACK_SIGNING_SECRET",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "SMTP_URL",
    "MAIL_FROM",
    "APP_BASE_URL",
    "INVITE_TTL_HOURS",
    "REQUEST_TTL_HOURS",
    "LOG_LEVEL",
  ])("%s", (name) => {
    expect(envExample).toMatch(new RegExp(`^${name}=`, "m"));
  });
});
