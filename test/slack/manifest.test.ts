import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { IDS } from "../../src/slack/ids.js";

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
