import { type Authorize, type Logger as BoltLogger, webApi } from "@slack/bolt";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { SlackUnavailableError } from "./actor.js";
import { slackErrorCode } from "./slack-error.js";

/** The Web API client options every Rolecall client shares. */
export type ClientOptions = webApi.WebClientOptions & { logger: BoltLogger };

/** The method a Web API URL calls (`chat.postMessage`): the path's last segment, never its query. */
const methodOf = (url: string | URL): string => {
  const path = (typeof url === "string" ? url : url.href).split(/[?#]/)[0] ?? "";
  const method = path.slice(path.lastIndexOf("/") + 1);
  return /^[A-Za-z0-9._]{1,64}$/.test(method) ? method : "unknown";
};

/** What Slack answered: `ok`, its error code (`channel_not_found`…), or the HTTP status when not JSON. */
const resultOf = async (response: Awaited<ReturnType<webApi.FetchFunction>>): Promise<string> => {
  if (response.status !== 200) return `http_${response.status}`;
  try {
    const body = (await (response as Response).clone().json()) as { ok?: unknown; error?: unknown };
    if (body.ok === true) return "ok";
    return typeof body.error === "string" && /^[a-z0-9_]{1,64}$/.test(body.error) ? body.error : "error";
  } catch {
    return "not_json";
  }
};

/**
 * fetch for the Web API clients, timing each call (each attempt, retries apart) for the log and
 * /metrics: method, Slack's result and duration. Tokens travel in the Authorization header, which is
 * neither read nor logged here.
 */
export const observedFetch =
  (
    logger: Logger,
    metrics: Metrics | null,
    inner: webApi.FetchFunction = globalThis.fetch,
  ): webApi.FetchFunction =>
  async (url, init) => {
    const started = performance.now();
    const method = methodOf(url);
    let result = "network";
    try {
      const response = await inner(url, init);
      result = await resultOf(response);
      return response;
    } finally {
      const ms = performance.now() - started;
      metrics?.slackApiCalls.inc({ method, result });
      metrics?.slackApiDuration.observe({ method }, ms / 1000);
      logger.info({ method, result, durationMs: Math.round(ms * 100) / 100 }, "slack api call");
    }
  };

export const webClientOptions = (
  slackApiUrl: string,
  logger: BoltLogger,
  fetch?: webApi.FetchFunction,
): ClientOptions => ({
  slackApiUrl,
  logger,
  ...(fetch ? { fetch } : {}),
  timeout: 10_000,
  // A few quick retries on errors and 429s (honouring Retry-After), never minutes of them.
  retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
});

/**
 * The one place that knows which bot token speaks for which account. Bolt asks it for each request's
 * token (so a handler's `client` carries it), and background work — request posts, thread replies,
 * DMs after an invite is accepted — asks `forAccount`. Nothing calls Slack with a bare client. One
 * configured token (`singleWorkspaceClients`), or each workspace's installation (installations.ts).
 */
export interface SlackClients {
  forAccount(accountId: string): Promise<webApi.WebClient>;
  /** Looks the bot up once (auth.test), for the logs and Bolt's self-event filtering. */
  start(): Promise<void>;
}

/** How often a failed `auth.test` at start is tried again: doubling from `firstMs`, at most `maxMs` apart. */
export interface AuthTestRetry {
  firstMs: number;
  maxMs: number;
}

const AUTH_TEST_RETRY: AuthTestRetry = { firstMs: 1_000, maxMs: 60_000 };

/**
 * Single-workspace mode: one configured bot token (`SLACK_BOT_TOKEN`) serves the one workspace. Its
 * `auth.test` is tried at start and again in the background until Slack accepts the token; until then
 * the instance is not ready (`connected()`, for /readyz).
 */
export const singleWorkspaceClients = (
  botToken: string,
  options: webApi.WebClientOptions,
  logger: Logger,
  retry: AuthTestRetry = AUTH_TEST_RETRY,
): SlackClients & { authorize: Authorize<boolean>; connected(): boolean; stop(): void } => {
  const client = new webApi.WebClient(botToken, options);
  const identity: { botId?: string; botUserId?: string } = {};
  let connected = false;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const attempt = async (delayMs: number): Promise<void> => {
    try {
      const r = await client.auth.test();
      identity.botId = r.bot_id;
      identity.botUserId = r.user_id;
      connected = true;
      logger.info(`Connected to Slack as ${r.user ?? "?"} in ${r.team ?? "?"}`);
    } catch (e) {
      if (stopped) return;
      logger.warn(
        `auth.test failed (check SLACK_BOT_TOKEN); trying again in ${Math.round(delayMs / 1000)} s:`,
        slackErrorCode(e) ?? (e instanceof Error ? e.message : e),
      );
      timer = setTimeout(() => void attempt(Math.min(delayMs * 2, retry.maxMs)), delayMs);
      timer.unref();
    }
  };
  return {
    // Answered without waiting for auth.test, so a slow or failing Slack never delays an ack.
    authorize: async () => ({ botToken, ...identity }),
    forAccount: async () => client,
    start: () => attempt(retry.firstMs),
    connected: () => connected,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
};

const TRIGGER_ERRORS = new Set(["expired_trigger_id", "exchanged_trigger_id", "invalid_trigger_id"]);

/** Slack's error code of a failed Web API call (`not_authed`, `channel_not_found`, …), if it was one. */
export { slackErrorCode };

/**
 * Opens a modal. A trigger id lives three seconds: when Slack (or we) took longer, the person is told
 * to try again instead of getting a generic failure.
 */
export const openView = async (
  client: webApi.WebClient,
  triggerId: string,
  view: webApi.ViewsOpenArguments["view"],
): Promise<void> => {
  try {
    await client.views.open({ trigger_id: triggerId, view });
  } catch (error) {
    if (TRIGGER_ERRORS.has(slackErrorCode(error) ?? ""))
      throw new SlackUnavailableError(
        "Slack took too long to open the form, so nothing was changed. Please try again.",
      );
    throw error;
  }
};
