import { randomBytes, randomUUID } from "node:crypto";
import { loadConfig } from "../../src/config.js";
import { createLogger, type Logger } from "../../src/log.js";
import { type Running, type StartOptions, startRolecall } from "../../src/server.js";
import { FakeSlack } from "./fake-slack.js";
import {
  type HttpReply,
  interactiveBody,
  postSigned,
  SIGNING_SECRET,
  slashCommandBody,
} from "./slack-requests.js";

/** A test key (32 random bytes, base64), as `openssl rand -base64 32` makes one. */
export const ENCRYPTION_KEY = randomBytes(32).toString("base64");
export const STATE_SECRET = "test-state-secret-0123456789";

export interface Page {
  status: number;
  html: string;
  headers: Headers;
}

export interface InstallStart {
  page: Page;
  /** The Add-to-Slack link: Slack's consent screen, carrying `state`. */
  authorizeUrl: URL;
  state: string;
  /** The browser's state cookie, as a `cookie` header sends it back. */
  cookie: string;
}

export interface OAuthHarness {
  fake: FakeSlack;
  running: Running;
  base: string;
  get(path: string, headers?: Record<string, string>): Promise<Page>;
  /** GET /slack/install, as a browser: the page, its link, its state and its cookie. */
  startInstall(): Promise<InstallStart>;
  /** Slack's redirect back after Allow, from the browser that started (`cookie`). */
  redirect(query: Record<string, string>, cookie?: string): Promise<Page>;
  /** The whole flow: Add to Slack → Allow in workspace `teamId` as `userId` → back to Rolecall. */
  install(grant: Parameters<FakeSlack["authorizationCode"]>[0]): Promise<Page>;
  slash(
    teamId: string,
    userId: string,
    text: string,
    extra?: Record<string, string>,
  ): Promise<HttpReply & { responseId: string }>;
  interact(teamId: string, userId: string, payload: Record<string, unknown>): Promise<HttpReply>;
  event(teamId: string, event: Record<string, unknown>, extra?: Record<string, unknown>): Promise<HttpReply>;
  stop(): Promise<void>;
}

/**
 * Starts the real Rolecall in OAuth mode (no SLACK_BOT_TOKEN: every workspace installs it) against
 * the loopback fake of Slack, on `databaseUrl`.
 */
export const startOAuthHarness = async (
  databaseUrl: string,
  env: Record<string, string> = {},
  options: StartOptions & { logger?: Logger; fake?: FakeSlack } = {},
): Promise<OAuthHarness> => {
  const fake = options.fake ?? new FakeSlack();
  if (!options.fake) await fake.start();
  const config = loadConfig({
    PORT: "0",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CLIENT_ID: fake.oauthClient.clientId,
    SLACK_CLIENT_SECRET: fake.oauthClient.clientSecret,
    SLACK_STATE_SECRET: STATE_SECRET,
    ROLECALL_ENCRYPTION_KEY: ENCRYPTION_KEY,
    SLACK_API_URL: fake.apiUrl,
    SLACK_HOOKS_URL: fake.responseUrl(""),
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: "silent",
    ...env,
  });
  const running = await startRolecall(config, options.logger ?? createLogger(config.LOG_LEVEL), {
    worker: { pollMs: 25 },
    ...options,
  });
  const base = `http://127.0.0.1:${running.port}`;
  const get = async (path: string, headers: Record<string, string> = {}): Promise<Page> => {
    const res = await fetch(`${base}${path}`, { headers, redirect: "manual" });
    return { status: res.status, html: await res.text(), headers: res.headers };
  };
  const startInstall = async (): Promise<InstallStart> => {
    const page = await get("/slack/install");
    const href = /id="add-to-slack"[^>]*href="([^"]+)"/.exec(page.html)?.[1]?.replaceAll("&amp;", "&");
    if (!href) throw new Error(`no Add to Slack link on the install page (${page.status})`);
    const authorizeUrl = new URL(href);
    const state = authorizeUrl.searchParams.get("state") ?? "";
    const cookie = (page.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
    return { page, authorizeUrl, state, cookie };
  };
  const redirect = (query: Record<string, string>, cookie?: string) =>
    get(`/slack/oauth_redirect?${new URLSearchParams(query)}`, cookie ? { cookie } : {});
  return {
    fake,
    running,
    base,
    get,
    startInstall,
    redirect,
    install: async (grant) => {
      const { state, cookie } = await startInstall();
      return redirect({ code: fake.authorizationCode(grant), state }, cookie);
    },
    slash: async (teamId, userId, text, extra = {}) => {
      const responseId = randomUUID();
      const body = new URLSearchParams(
        Object.fromEntries([
          ...new URLSearchParams(
            slashCommandBody({
              text,
              userId,
              teamId,
              responseUrl: fake.responseUrl(responseId),
              triggerId: fake.triggerId(),
            }),
          ),
          ...Object.entries(extra),
        ]),
      ).toString();
      return { ...(await postSigned(base, body, "application/x-www-form-urlencoded")), responseId };
    },
    interact: (teamId, userId, payload) =>
      postSigned(
        base,
        interactiveBody({
          team: { id: teamId, domain: "x" },
          user: { id: userId, team_id: teamId },
          api_app_id: "A0ROLECALL",
          token: "deprecated",
          ...payload,
        }),
        "application/x-www-form-urlencoded",
      ),
    event: (teamId, event, extra = {}) =>
      postSigned(
        base,
        JSON.stringify({
          token: "deprecated",
          team_id: teamId,
          api_app_id: "A0ROLECALL",
          type: "event_callback",
          event_id: `Ev${randomUUID().slice(0, 8)}`,
          event_time: Math.floor(Date.now() / 1000),
          authorizations: [{ team_id: teamId, user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
          event,
          ...extra,
        }),
        "application/json",
      ),
    stop: async () => {
      await running.stop({ restMs: 0 });
      if (!options.fake) await fake.stop();
    },
  };
};
