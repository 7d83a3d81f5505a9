import type { AddressInfo } from "node:net";
import type { Config } from "./config.js";
import type { AccessCore } from "./core/index.js";
import { type Clock, systemClock } from "./core/ports.js";
import { apiKeyAttempts } from "./http/api.js";
import { RateLimiter } from "./http/rate-limit.js";
import { createHttpServer } from "./http/server.js";
import { guardSlackRequests } from "./http/slack-guard.js";
import type { Logger } from "./log.js";
import type { WorkerOptions } from "./mail/worker.js";
import { createMailer } from "./mailer.js";
import { Metrics } from "./metrics.js";
import { createSlackApp, type SlackApp, slackMode } from "./slack/app.js";
import type { AuthTestRetry } from "./slack/clients.js";
import { announceAcceptedInvite } from "./slack/notify.js";
import { type Wired, wireCore } from "./wiring.js";

export interface Running {
  port: number;
  core: AccessCore;
  slack: SlackApp | null;
  /** The app's metrics registry (null unless METRICS_TOKEN is set). */
  metrics: Metrics | null;
  /**
   * Stops gracefully: /readyz answers 503 at once and every answer closes its connection; requests
   * are still served for `drainMs`; then no new connections; the HTTP requests and Slack requests
   * being handled and the mail being sent finish; the leases this instance holds are let go (a mail's
   * row is marked, the request posts' and token refreshes' leases are released as their work ends);
   * then the database closes.
   */
  stop(options?: StopOptions): Promise<void>;
}

export interface StopOptions {
  /** How long requests are still served after /readyz turns 503 (SHUTDOWN_DRAIN_MS on SIGTERM); 0 by default. */
  drainMs?: number;
  /**
   * How long a connection at rest is left for its client's next request before it is closed (1 s by
   * default). A test that is done with its server passes 0: its own idle connections need no grace.
   */
  restMs?: number;
}

export interface StartOptions {
  clock?: Clock;
  /** Faster retries and polling in tests. */
  worker?: Partial<Pick<WorkerOptions, "pollMs" | "backoffMs" | "maxBackoffMs" | "leaseMs" | "maxAttempts">>;
  inviteLimiter?: RateLimiter;
  /** Wrong API keys per client address (default: 30 in 10 minutes). */
  apiKeyLimiter?: RateLimiter;
  /** How soon a failed auth.test is tried again (single-workspace mode); tests make it quick. */
  authTestRetry?: AuthTestRetry;
  /** Work on the opened database before the server listens and the mail worker starts (the live try-out). */
  beforeServing?: (wired: Wired) => Promise<void>;
}

/** Starts Rolecall: the database, the Slack app (when configured), the mail worker and the HTTP server on PORT. */
export const startRolecall = async (
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<Running> => {
  const clock = options.clock ?? systemClock;
  // The store says why a database stops serving (a lost connection, a dropped schema, a full disk).
  const wired = await wireCore(config, clock, logger);
  try {
    await options.beforeServing?.(wired);
  } catch (error) {
    await wired.close();
    throw error;
  }
  const metrics = config.METRICS_TOKEN
    ? new Metrics({ core: wired.core, gauges: () => wired.store.gauges(), clock })
    : null;
  const slack = slackMode(config).mode
    ? createSlackApp(
        config,
        wired.core,
        logger,
        {
          installations: wired.store.installations,
          clock,
          ...(options.authTestRetry ? { authTestRetry: options.authTestRetry } : {}),
        },
        metrics,
      )
    : null;
  const { worker, transport } = createMailer(config, {
    store: wired.store,
    clock,
    logger,
    metrics,
    ...options.worker,
  });
  const trustedProxies = new Set(config.TRUSTED_PROXIES);
  const server = createHttpServer({
    core: wired.core,
    logger,
    slackEvents: slack?.eventsListener
      ? guardSlackRequests(
          { signingSecret: config.SLACK_SIGNING_SECRET ?? "", hooksUrl: config.SLACK_HOOKS_URL, logger },
          slack.eventsListener,
        )
      : null,
    slackInstall: slack?.installListener ?? null,
    slackConnected: slack ? () => slack.connected() : null,
    metrics: metrics && config.METRICS_TOKEN ? { metrics, token: config.METRICS_TOKEN } : null,
    requestTimeoutMs: config.REQUEST_BODY_TIMEOUT_MS,
    invites: {
      core: wired.core,
      logger,
      limiter: options.inviteLimiter ?? new RateLimiter(30, 10 * 60_000),
      trustedProxies,
      onAccepted: (accepted) => {
        if (slack) void announceAcceptedInvite(slack.clients, wired.core, logger, accepted);
      },
    },
    apiKeyAttempts: apiKeyAttempts(trustedProxies, options.apiKeyLimiter),
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  await slack?.start();
  worker.start();
  logger.info(
    `Rolecall is listening on port ${port}${slack ? ` (Slack: ${slack.mode === "socket" ? "Socket Mode" : "/slack/events"})` : ""}`,
  );
  return {
    port,
    core: wired.core,
    slack,
    metrics,
    stop: async ({ drainMs = 0, restMs } = {}) => {
      // Load balancers see /readyz fail and keep-alive clients are told to leave, while what still
      // reaches this instance is served; only then does the port close.
      // Without a drain (SIGINT) nobody is told to reconnect: the port closes as soon as no
      // connection is arriving (drain() turns /readyz 503 too, before anything else).
      if (drainMs > 0) {
        server.beginShutdown();
        await new Promise((done) => setTimeout(done, drainMs));
      }
      logger.info("no longer accepting connections: finishing the requests and the mail under way");
      // Stop accepting and let what was accepted finish: HTTP answers, then the Slack work after
      // the acks, while the mail being sent goes out (and no other mail is claimed).
      const mail = worker.stop();
      await server.drain(restMs === undefined ? {} : { restMs });
      await slack?.drain();
      await slack?.stop();
      await mail;
      transport.close();
      await wired.close();
    },
  };
};
