import type { IncomingMessage, ServerResponse } from "node:http";
import { App, HTTPReceiver } from "@slack/bolt";
import { type Config, isLoopback } from "../config.js";
import type { AccessCore } from "../core/index.js";
import { type Clock, type InstallationStore, systemClock } from "../core/ports.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { TokenCipher } from "../shared/token-cipher.js";
import { SlackActors } from "./actor.js";
import { boltLogger, withoutRequestBodies } from "./bolt-logger.js";
import {
  type AuthTestRetry,
  observedFetch,
  type SlackClients,
  singleWorkspaceClients,
  webClientOptions,
} from "./clients.js";
import { GrantsSync } from "./grants-sync.js";
import { HomeTabs } from "./home.js";
import { INSTALL_PATH, oauthReceiverOptions } from "./install-flow.js";
import { InstalledWorkspaces } from "./installations.js";
import { registerActions } from "./listeners/actions.js";
import type { SlackDeps } from "./listeners/deps.js";
import { registerGrantActions } from "./listeners/grants.js";
import { registerHome } from "./listeners/home.js";
import { registerInstallEvents, requireInstallation } from "./listeners/installs.js";
import { registerRejectView, registerRequestActions } from "./listeners/requests.js";
import { registerTeamCommand } from "./listeners/team-command.js";
import { registerViews } from "./listeners/views.js";
import { httpRequestProperties, InFlight, slackRequestLog } from "./request-log.js";
import { RequestsSync } from "./requests-sync.js";
import { SlackRouter } from "./router.js";

export type SlackMode = "http" | "socket";

export interface SlackApp {
  app: App;
  mode: SlackMode;
  /** OAuth mode: many workspaces install Rolecall; each request and job uses its own workspace's token. */
  oauth: boolean;
  /** The Web API client for an account, with its token: for work outside a request. */
  clients: SlackClients;
  /** HTTP mode: the handler for POST /slack/events, mounted on Rolecall's own server. */
  eventsListener: ((req: IncomingMessage, res: ServerResponse) => void) | null;
  /** OAuth mode: the handler for GET /slack/install and /slack/oauth_redirect (Bolt's InstallProvider). */
  installListener: ((req: IncomingMessage, res: ServerResponse) => void) | null;
  /** Expire, post and announce change requests now (the app also does it every few seconds). */
  syncRequests(): Promise<void>;
  /** End grants past their time, remind holders and tell them of ends now (also done every few seconds). */
  syncGrants(): Promise<void>;
  /** Publish now the App Homes that changes have made stale (the app also does it moments after). */
  refreshHomes(): Promise<void>;
  /**
   * For /readyz: single-workspace mode is ready once Slack accepted SLACK_BOT_TOKEN (`auth.test`);
   * OAuth mode has no one token to check, so it is always ready.
   */
  connected(): boolean;
  start(): Promise<void>;
  /** Resolves once the Slack requests being handled now have finished (their work after the ack included). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export const REQUEST_SYNC_MS = 5_000;

/**
 * Which Slack transport the configuration asks for, whether many workspaces install Rolecall (OAuth
 * mode: any of SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET set) or one workspace's bot
 * token serves, and what is missing or in conflict for it.
 */
export const slackMode = (config: Config): { mode: SlackMode | null; oauth: boolean; missing: string[] } => {
  if (config.SLACK_CLIENT_ID || config.SLACK_CLIENT_SECRET || config.SLACK_STATE_SECRET)
    return { mode: "http", oauth: true, missing: oauthProblems(config) };
  const wantsSlack = Boolean(config.SLACK_BOT_TOKEN || config.SLACK_APP_TOKEN || config.SLACK_SIGNING_SECRET);
  if (!wantsSlack) return { mode: null, oauth: false, missing: [] };
  const missing: string[] = [];
  if (!config.SLACK_BOT_TOKEN) missing.push("SLACK_BOT_TOKEN is required to talk to Slack");
  if (config.SLACK_APP_TOKEN) return { mode: "socket", oauth: false, missing };
  if (!config.SLACK_SIGNING_SECRET)
    missing.push("SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN)");
  return { mode: "http", oauth: false, missing };
};

const oauthProblems = (config: Config): string[] => {
  const required = (name: keyof Config, why: string) =>
    config[name] ? [] : [`${name} is required in OAuth mode: ${why}`];
  return [
    ...required("SLACK_CLIENT_ID", "Basic Information → App Credentials → Client ID"),
    ...required("SLACK_CLIENT_SECRET", "Basic Information → App Credentials → Client Secret"),
    ...required(
      "SLACK_STATE_SECRET",
      "a random secret that signs each install link's state (e.g. openssl rand -base64 32)",
    ),
    ...required("SLACK_SIGNING_SECRET", "Basic Information → App Credentials → Signing Secret"),
    ...required(
      "ROLECALL_ENCRYPTION_KEY",
      "32 random bytes in base64 (openssl rand -base64 32); Slack tokens are encrypted with it",
    ),
    ...(config.SLACK_BOT_TOKEN
      ? [
          "SLACK_BOT_TOKEN must be unset in OAuth mode: each workspace's token comes from its installation " +
            "(for one workspace, set SLACK_BOT_TOKEN alone, without SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET)",
        ]
      : []),
    ...(config.APP_BASE_URL.startsWith("http:") && !isLoopback(config.APP_BASE_URL)
      ? [
          "APP_BASE_URL must be an https address in OAuth mode (http only on localhost): browsers keep the install's " +
            "state cookie only on secure pages, and Slack sends installers back to APP_BASE_URL/slack/oauth_redirect",
        ]
      : []),
    ...(config.SLACK_APP_TOKEN
      ? [
          "SLACK_APP_TOKEN must be unset in OAuth mode: Socket Mode serves one workspace, and the install pages " +
            "need Rolecall's public HTTP address (Slack events then arrive at /slack/events)",
        ]
      : []),
  ];
};

/**
 * The real Bolt app. Every Web API call, in a handler or in background work, gets its client from
 * one resolver (`SlackClients`), so each carries the bot token of the account it is for.
 */
export const createSlackApp = (
  config: Config,
  core: AccessCore,
  logger: Logger,
  stores: { installations: InstallationStore; clock?: Clock; authTestRetry?: AuthTestRetry } | null = null,
  metrics: Metrics | null = null,
): SlackApp => {
  const { mode, oauth, missing } = slackMode(config);
  if (!mode || missing.length > 0) throw new Error(`Slack is not configured: ${missing.join("; ")}`);
  const bolt = boltLogger(logger);
  const clientOptions = webClientOptions(config.SLACK_API_URL, bolt, observedFetch(logger, metrics));
  const inFlight = new InFlight();
  // Bolt's first middleware, in every mode: each request is logged once, when its listener is done.
  const observed = (created: App): App => {
    created.use(slackRequestLog(logger, metrics, inFlight));
    return created;
  };
  let receiver: HTTPReceiver | null = null;
  let app: App;
  let clients: SlackClients;
  let workspaces: InstalledWorkspaces | null = null;
  let single: ReturnType<typeof singleWorkspaceClients> | null = null;
  const clock = stores?.clock ?? systemClock;
  if (oauth) {
    if (!stores) throw new Error("OAuth mode needs the installation store");
    const oauthApp = {
      clientId: config.SLACK_CLIENT_ID ?? "",
      clientSecret: config.SLACK_CLIENT_SECRET ?? "",
    };
    const cipher = TokenCipher.fromBase64(
      config.ROLECALL_ENCRYPTION_KEY ?? "",
      config.ROLECALL_ENCRYPTION_KEY_PREVIOUS,
    );
    workspaces = new InstalledWorkspaces(
      core,
      stores.installations,
      cipher,
      oauthApp,
      clientOptions,
      logger,
      clock,
    );
    clients = workspaces;
    receiver = new HTTPReceiver({
      signingSecret: config.SLACK_SIGNING_SECRET ?? "",
      endpoints: "/slack/events",
      // Bolt's InstallProvider gives its clients this logger; their debug lines hold the client secret.
      logger: withoutRequestBodies(bolt),
      processBeforeResponse: false,
      // Checked once, by the guard every POST /slack/events passes first (src/http/slack-guard.ts).
      signatureVerification: false,
      // The HTTP request's id and log line, for the Slack request's own line (src/slack/request-log.ts).
      customPropertiesExtractor: httpRequestProperties,
      ...oauthReceiverOptions(
        {
          ...oauthApp,
          stateSecret: config.SLACK_STATE_SECRET ?? "",
          baseUrl: config.APP_BASE_URL,
          clientOptions,
        },
        workspaces,
        stores.installations,
        clock,
        logger,
      ),
    });
    // Bolt's InstallProvider gives each request its workspace's token (through `workspaces`).
    app = observed(new App({ receiver, clientOptions, logger: bolt, convoStore: false }));
    app.use(requireInstallation(workspaces, `${config.APP_BASE_URL}${INSTALL_PATH}`, logger));
  } else if (mode === "socket") {
    single = singleWorkspaceClients(
      config.SLACK_BOT_TOKEN ?? "",
      clientOptions,
      logger,
      stores?.authTestRetry,
    );
    clients = single;
    app = observed(
      new App({
        authorize: single.authorize,
        appToken: config.SLACK_APP_TOKEN,
        socketMode: true,
        clientOptions,
        logger: bolt,
        convoStore: false,
      }),
    );
  } else {
    single = singleWorkspaceClients(
      config.SLACK_BOT_TOKEN ?? "",
      clientOptions,
      logger,
      stores?.authTestRetry,
    );
    clients = single;
    receiver = new HTTPReceiver({
      signingSecret: config.SLACK_SIGNING_SECRET ?? "",
      endpoints: "/slack/events",
      logger: bolt,
      processBeforeResponse: false,
      // Checked once, by the guard every POST /slack/events passes first (src/http/slack-guard.ts).
      signatureVerification: false,
      // The HTTP request's id and log line, for the Slack request's own line (src/slack/request-log.ts).
      customPropertiesExtractor: httpRequestProperties,
    });
    // No conversation store: Rolecall keeps no per-conversation state, and it costs every request.
    app = observed(
      new App({ receiver, authorize: single.authorize, clientOptions, logger: bolt, convoStore: false }),
    );
  }
  const sync = new RequestsSync(core, clients, logger);
  const grantsSync = new GrantsSync(core, clients, clock, logger);
  const syncNow = () => {
    sync.run().catch((e) => logger.warn("Request sync failed:", e));
    grantsSync.run().catch((e) => logger.warn("Grant sync failed:", e));
    homes.poll().catch((e) => logger.warn("Could not check for changes to App Home:", e));
  };
  const actors = new SlackActors(core, logger);
  const homes = new HomeTabs(core, actors, clients, logger);
  const deps: SlackDeps = {
    core,
    actors,
    logger,
    homes,
    requestsChanged: syncNow,
    deliverRequest: (request) => sync.deliver(request),
    clock,
  };
  const router = new SlackRouter();
  registerTeamCommand(router.registry, deps);
  registerHome(router.registry, deps);
  registerActions(router.registry, deps);
  registerViews(router.registry, deps);
  registerRequestActions(router.registry, deps);
  registerRejectView(router.registry, deps);
  registerGrantActions(router.registry, deps);
  if (workspaces) registerInstallEvents(router.registry, deps, workspaces, clock);
  router.mount(app);
  let timer: NodeJS.Timeout | null = null;
  app.error(async (error) => {
    logger.error("Slack listener error:", error);
  });

  return {
    app,
    mode,
    oauth,
    clients,
    eventsListener: receiver ? receiver.requestListener : null,
    installListener: oauth && receiver ? receiver.requestListener : null,
    syncRequests: () => sync.run(),
    syncGrants: () => grantsSync.run(),
    refreshHomes: async () => {
      await homes.poll();
      return homes.refresh();
    },
    connected: () => single?.connected() ?? true,
    start: async () => {
      void clients.start();
      // Expiry, and decisions made from the CLI, reach Slack on this beat.
      timer = setInterval(syncNow, REQUEST_SYNC_MS);
      timer.unref();
      if (mode === "socket") await app.start();
    },
    drain: () => inFlight.idle(),
    stop: async () => {
      single?.stop();
      if (timer) clearInterval(timer);
      await homes.stop();
      await sync.run().catch(() => {});
      await grantsSync.run().catch(() => {});
      if (mode === "socket") await app.stop();
    },
  };
};
