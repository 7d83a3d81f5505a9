import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";

/** The routes Rolecall serves, by exact path; anything else is a pattern below or `other`. */
const EXACT = new Set([
  "/healthz",
  "/readyz",
  "/metrics",
  "/slack/events",
  "/slack/install",
  "/slack/oauth_redirect",
  "/api/v1/members",
  "/api/v1/authorize",
  "/api/v1/openapi.json",
]);

/**
 * The route pattern a path belongs to, for logs and metric labels: never the path itself, which
 * holds invite tokens and emails (and would make a label per person).
 */
export const routeOf = (path: string): string => {
  if (EXACT.has(path)) return path;
  if (path.startsWith("/invites/")) return "/invites/{token}";
  if (path.startsWith("/api/v1/members/")) return "/api/v1/members/{email}";
  if (path.startsWith("/api/")) return "/api/other";
  return "other";
};

/** An incoming X-Request-Id is kept when it is a plain token (a proxy's or a caller's); else one is made. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export const requestIdOf = (header: string | string[] | undefined): string =>
  typeof header === "string" && SANE_ID.test(header) ? header : randomUUID();

/** The label values of one series (route, method, status), built once and reused by every request. */
const seriesLabels = new Map<string, { route: string; method: string; status: string }>();
const labelsOf = (route: string, method: string, status: number) => {
  const key = `${route} ${method} ${status}`;
  let labels = seriesLabels.get(key);
  if (labels === undefined) {
    labels = { route, method, status: String(status) };
    // Routes and statuses are few, but methods come from requests: the map stays bounded.
    if (seriesLabels.size < 10_000) seriesLabels.set(key, labels);
  }
  return labels;
};

/** What the log knows of an HTTP request while it is handled: its id, and who writes its line. */
export interface HttpRequestNote {
  readonly requestId: string;
  /** Set when a Slack request's own line (kind, team, user, outcome) stands for this one. */
  loggedAsSlackRequest: boolean;
}

const NOTE = Symbol("rolecall.httpRequest");

/** The note of a request `observeRequest` watches (undefined for any other). */
export const httpRequestNote = (req: IncomingMessage): HttpRequestNote | undefined =>
  (req as IncomingMessage & { [NOTE]?: HttpRequestNote })[NOTE];

/**
 * One log line (and the metrics) per HTTP request, when its response has ended or the connection
 * went away: request id, route, method, status and duration. Answers carry the id back in
 * X-Request-Id. `done` runs then too (the server's own bookkeeping), so a request has one listener.
 * A Slack request that Bolt answered 200 is logged by its own line instead (src/slack/request-log.ts),
 * with the same request id; one it answered otherwise is logged by both, with that id.
 */
export const observeRequest = (
  logger: Logger,
  metrics: Metrics | null,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  done: () => void,
): void => {
  const started = performance.now();
  const requestId = requestIdOf(req.headers["x-request-id"]);
  const note: HttpRequestNote = { requestId, loggedAsSlackRequest: false };
  (req as IncomingMessage & { [NOTE]?: HttpRequestNote })[NOTE] = note;
  res.setHeader("x-request-id", requestId);
  const route = routeOf(path);
  // 'close' comes once for every response: after its end, or when the connection went away first.
  res.once("close", () => {
    done();
    const ms = performance.now() - started;
    // A response cut before it ended (the client went away) has no status it was given: 499, as nginx says.
    const status = res.writableFinished ? res.statusCode : 499;
    const method = req.method ?? "?";
    if (metrics) {
      const labels = labelsOf(route, method, status);
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, ms / 1000);
    }
    // A Slack request answered 200 is logged by its own line; one Bolt answered otherwise (404 when
    // nothing acknowledged it, 500) or that Slack left (499) is logged here too, with the same id.
    if (
      (logger.level === "debug" || logger.level === "info") &&
      !(note.loggedAsSlackRequest && status === 200)
    )
      logger.info(
        { requestId, route, method, status, durationMs: Math.round(ms * 100) / 100 },
        "http request",
      );
  });
};
