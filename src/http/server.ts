import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { DEFAULT_REQUEST_TIMEOUT_MS } from "../config.js";
import { DatabaseUnavailableError } from "../core/errors.js";
import type { AccessCore } from "../core/index.js";
import type { Logger } from "../log.js";
import { bearerMatches, type Metrics } from "../metrics.js";
import { observeRequest } from "../shared/http-request-log.js";
import { refusalJson, refusalWords } from "../words/en/refusals.js";
import { plainDoor } from "../words/format.js";
import { type ApiKeyAttempts, apiKeyAttempts, handleApi } from "./api.js";
import { type DrainOptions, requestTimeouts, trackConnections } from "./connections.js";
import { RETRY_AFTER_SECONDS } from "./error-status.js";
import { handleInvite, type InviteRouteDeps } from "./invites.js";

export interface HttpDeps {
  core: AccessCore;
  logger: Logger;
  /** POST /slack/events in HTTP mode: Bolt's receiver behind the Slack guard (slack-guard.ts). */
  slackEvents: ((req: IncomingMessage, res: ServerResponse) => void) | null;
  /** OAuth mode: GET /slack/install and /slack/oauth_redirect, Bolt's InstallProvider. */
  slackInstall?: ((req: IncomingMessage, res: ServerResponse) => void) | null;
  invites: InviteRouteDeps;
  /** Wrong API keys counted per client address (PRODUCT §8). */
  /** Wrong API keys allowed per client address (the app's limits unless a test sets its own). */
  apiKeyAttempts?: ApiKeyAttempts;
  /** Single-workspace mode: whether Slack has accepted SLACK_BOT_TOKEN yet (auth.test), for /readyz. */
  slackConnected?: (() => boolean) | null;
  /** GET /metrics, when METRICS_TOKEN is set: the app's registry behind that Bearer token. */
  metrics?: { metrics: Metrics; token: string } | null;
  /** REQUEST_BODY_TIMEOUT_MS: a request's headers and body must have arrived this long after its first byte. */
  requestTimeoutMs?: number;
}

/** Rolecall's HTTP server, and how it stops without cutting a request it has accepted. */
export interface RolecallServer extends Server {
  /**
   * The shutdown's first step: /readyz answers 503 from now on and every answer closes its
   * connection, while requests (and new connections) are still served, so that load balancers and
   * keep-alive clients move away before the port closes.
   */
  beginShutdown(): void;
  /**
   * Stops accepting connections (once none has arrived for a moment, so that none waiting in the
   * kernel's accept queue is reset), lets the requests already accepted finish (each answer closing its connection),
   * closes connections only after they have been at rest a moment, and resolves when every
   * connection is gone. /readyz answers 503 from the call on. A request still arriving is bounded by
   * REQUEST_BODY_TIMEOUT_MS.
   */
  drain(options?: DrainOptions): Promise<void>;
}

/** /readyz once the shutdown has begun: answered at once, whatever the database does. */
const SHUTTING_DOWN = {
  ok: false,
  shutdown:
    "not ready: this instance is shutting down; it still answers what reaches it for a moment, send new requests elsewhere",
};

/**
 * /readyz: the database answers with the schema this code knows and, with a bot token configured,
 * Slack has accepted it once. Each part says what it waits for, so an operator sees which.
 */
const readiness = async (core: AccessCore, slackConnected: (() => boolean) | null | undefined) => {
  const database = (await core.ready())
    ? "ready"
    : "not ready: the database is not answering, or its schema is not the one this version knows";
  const slack = !slackConnected
    ? undefined
    : slackConnected()
      ? "ready"
      : "not ready: Slack has not accepted SLACK_BOT_TOKEN yet (auth.test is retried in the background)";
  const ok = database === "ready" && (slack === undefined || slack === "ready");
  return { ok, database, ...(slack === undefined ? {} : { slack }) };
};

/** 503 with a hint to retry: the database is away for now. */
const sendUnavailable = (res: ServerResponse, body: unknown): void => {
  res.setHeader("retry-after", RETRY_AFTER_SECONDS);
  sendJson(res, 503, body);
};

export const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
};

/**
 * A request target that is already a plain path: no dot segments, percent-escapes, backslashes or
 * double slashes for URL parsing to resolve, so the path is the target up to its query.
 */
const PLAIN_PATH = /^\/(?:[A-Za-z0-9_~-]+(?:\/[A-Za-z0-9_~-]+)*\/?)?(?:\?|$)/;

/** The request's path; an unreadable request target is nobody's route. */
const pathOf = (url: string | undefined): string => {
  if (url !== undefined && PLAIN_PATH.test(url)) {
    const query = url.indexOf("?");
    return query === -1 ? url : url.slice(0, query);
  }
  try {
    return new URL(url ?? "/", "http://localhost").pathname;
  } catch {
    return "/";
  }
};

/** GET /metrics: off (404) without METRICS_TOKEN; then Prometheus text for `Bearer <METRICS_TOKEN>` only. */
const serveMetrics = async (
  on: NonNullable<HttpDeps["metrics"]>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> => {
  req.resume();
  if (req.method !== "GET") {
    res.setHeader("allow", "GET");
    return sendJson(res, 405, { error: "GET only" });
  }
  if (!bearerMatches(req.headers.authorization, on.token)) {
    res.setHeader("www-authenticate", 'Bearer realm="rolecall-metrics"');
    return sendJson(res, 401, { error: "Send Authorization: Bearer <METRICS_TOKEN>." });
  }
  const text = await on.metrics.registry.metrics();
  res.writeHead(200, { "content-type": on.metrics.registry.contentType, "cache-control": "no-store" });
  res.end(text);
};

/** One HTTP server for everything Rolecall serves: Slack events (HTTP mode), invites and health. */
export const createHttpServer = ({
  core,
  logger,
  slackEvents,
  slackInstall,
  invites,
  apiKeyAttempts: attempts = apiKeyAttempts(invites.trustedProxies),
  slackConnected,
  metrics,
  requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
}: HttpDeps): RolecallServer => {
  const server = createServer(requestTimeouts(requestTimeoutMs), async (req, res) => {
    const path = pathOf(req.url);
    // Its connection is busy until the answer ends; once stopping, the answer closes it.
    connections.started(req, res);
    observeRequest(logger, metrics?.metrics ?? null, req, res, path, () => connections.ended(req, res));
    try {
      if (path === "/metrics") {
        if (!metrics) {
          req.resume();
          return sendJson(res, 404, { error: "Not found" });
        }
        await serveMetrics(metrics, req, res);
        return;
      }
      // Liveness: the process serves (a database away is no reason to restart it).
      if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
        sendJson(res, 200, { ok: true });
        return;
      }
      // Readiness: a load balancer sends traffic elsewhere until the instance can serve it.
      if (path === "/readyz" && (req.method === "GET" || req.method === "HEAD")) {
        if (connections.shuttingDown) return sendJson(res, 503, SHUTTING_DOWN);
        const ready = await readiness(core, slackConnected);
        // The shutdown may have begun while the database was asked.
        if (connections.shuttingDown) return sendJson(res, 503, SHUTTING_DOWN);
        sendJson(res, ready.ok ? 200 : 503, ready);
        return;
      }
      if (path === "/slack/events" && slackEvents) {
        if (req.method !== "POST") return sendJson(res, 405, { error: "POST only" });
        slackEvents(req, res);
        return;
      }
      if ((path === "/slack/install" || path === "/slack/oauth_redirect") && slackInstall) {
        if (req.method !== "GET") {
          res.setHeader("allow", "GET");
          return sendJson(res, 405, { error: "GET only" });
        }
        // Each answer carries a one-time state (or spends one): never cached, never framed.
        res.setHeader("cache-control", "no-store");
        res.setHeader("x-frame-options", "DENY");
        res.setHeader("content-security-policy", "frame-ancestors 'none'");
        slackInstall(req, res);
        return;
      }
      if (path.startsWith("/api/")) {
        handleApi(core, req, res, path, attempts).catch((error) => {
          if (error instanceof DatabaseUnavailableError) {
            logger.warn("API request refused:", error.message);
            if (!res.headersSent) sendUnavailable(res, { error: refusalJson(error, plainDoor) });
            return;
          }
          logger.error("API handler failed:", error);
          if (!res.headersSent)
            sendJson(res, 500, { error: { code: "INTERNAL", message: "Internal error" } });
        });
        return;
      }
      const invite = /^\/invites\/([^/]*)$/.exec(path);
      if (invite) {
        await handleInvite(invites, req, res, invite[1] ?? "");
        return;
      }
      req.resume();
      sendJson(res, 404, { error: "Not found" });
    } catch (error) {
      if (error instanceof DatabaseUnavailableError) {
        logger.warn("HTTP request refused:", error.message);
        if (!res.headersSent) sendUnavailable(res, { error: refusalWords(error.refusal, plainDoor) });
        else res.end();
        return;
      }
      logger.error("HTTP handler failed:", error);
      if (!res.headersSent) sendJson(res, 500, { error: "Internal error" });
      else res.end();
    }
  }) as RolecallServer;
  const connections = trackConnections(server, requestTimeoutMs);
  server.beginShutdown = () => connections.shutdown();
  server.drain = (options) => connections.drain(options);
  return server;
};
