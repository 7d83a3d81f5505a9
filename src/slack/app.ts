import type { IncomingMessage, ServerResponse } from "node:http";
import { App, type Authorize, HTTPReceiver, type Logger } from "@slack/bolt";
import type { Config } from "../config.js";
import type { AccessCore } from "../core/access-core.js";
import { SlackActors } from "./actor.js";
import { registerActions } from "./listeners/actions.js";
import type { SlackDeps } from "./listeners/deps.js";
import { registerHome } from "./listeners/home.js";
import { registerRejectView, registerRequestActions } from "./listeners/requests.js";
import { registerTeamCommand } from "./listeners/team-command.js";
import { registerViews } from "./listeners/views.js";
import { RequestsSync } from "./requests-sync.js";
import { SlackRouter } from "./router.js";

export type SlackMode = "http" | "socket";

export interface SlackApp {
  app: App;
  mode: SlackMode;
  /** HTTP mode: the handler for POST /slack/events, mounted on Rolecall's own server. */
  eventsListener: ((req: IncomingMessage, res: ServerResponse) => void) | null;
  /** Expire, post and announce change requests now (the app also does it every few seconds). */
  syncRequests(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const REQUEST_SYNC_MS = 5_000;

/** Which Slack transport the configuration asks for, and what is missing for it. */
export const slackMode = (config: Config): { mode: SlackMode | null; missing: string[] } => {
  const wantsSlack = Boolean(config.SLACK_BOT_TOKEN || config.SLACK_APP_TOKEN || config.SLACK_SIGNING_SECRET);
  if (!wantsSlack) return { mode: null, missing: [] };
  const missing: string[] = [];
  if (!config.SLACK_BOT_TOKEN) missing.push("SLACK_BOT_TOKEN is required to talk to Slack");
  if (config.SLACK_APP_TOKEN) return { mode: "socket", missing };
  if (!config.SLACK_SIGNING_SECRET)
    missing.push("SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN)");
  return { mode: "http", missing };
};

/**
 * The real Bolt app. Authorization is answered from the configured bot token without waiting for
 * `auth.test`, so a slow or failing Slack API never delays an acknowledgement; the bot's identity is
 * looked up once in the background, for the logs.
 */
export const createSlackApp = (config: Config, core: AccessCore, logger: Logger): SlackApp => {
  const { mode, missing } = slackMode(config);
  if (!mode || missing.length > 0) throw new Error(`Slack is not configured: ${missing.join("; ")}`);
  const botToken = config.SLACK_BOT_TOKEN ?? "";
  const identity: { botId?: string; botUserId?: string } = {};
  const authorize: Authorize<boolean> = async () => ({ botToken, ...identity });
  const clientOptions = {
    slackApiUrl: config.SLACK_API_URL,
    timeout: 10_000,
    // A few quick retries on errors and 429s (honouring Retry-After), never minutes of them.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
  };
  let receiver: HTTPReceiver | null = null;
  let app: App;
  if (mode === "socket") {
    app = new App({
      authorize,
      appToken: config.SLACK_APP_TOKEN,
      socketMode: true,
      clientOptions,
      logger,
      convoStore: false,
    });
  } else {
    receiver = new HTTPReceiver({
      signingSecret: config.SLACK_SIGNING_SECRET ?? "",
      endpoints: "/slack/events",
      logger,
      processBeforeResponse: false,
    });
    // No conversation store: Rolecall keeps no per-conversation state, and it costs every request.
    app = new App({ receiver, authorize, clientOptions, logger, convoStore: false });
  }
  const sync = new RequestsSync(core, app.client, logger);
  const syncNow = () => {
    sync.run().catch((e) => logger.warn("Request sync failed:", e));
  };
  const deps: SlackDeps = { core, actors: new SlackActors(core, logger), logger, requestsChanged: syncNow };
  const router = new SlackRouter();
  registerTeamCommand(app, deps);
  registerHome(app, deps);
  registerActions(router.registry, deps);
  registerViews(router.registry, deps);
  registerRequestActions(router.registry, deps);
  registerRejectView(router.registry, deps);
  router.mount(app);
  let timer: NodeJS.Timeout | null = null;
  app.error(async (error) => {
    logger.error("Slack listener error:", error);
  });

  const lookUpIdentity = () =>
    app.client.auth
      .test({ token: botToken })
      .then((r) => {
        identity.botId = r.bot_id;
        identity.botUserId = r.user_id;
        logger.info(`Connected to Slack as ${r.user ?? "?"} in ${r.team ?? "?"}`);
      })
      .catch((e) =>
        logger.warn("auth.test failed; check SLACK_BOT_TOKEN:", e instanceof Error ? e.message : e),
      );

  return {
    app,
    mode,
    eventsListener: receiver ? receiver.requestListener : null,
    syncRequests: () => sync.run(),
    start: async () => {
      void lookUpIdentity();
      // Expiry, and decisions made from the CLI, reach Slack on this beat.
      timer = setInterval(syncNow, REQUEST_SYNC_MS);
      timer.unref();
      if (mode === "socket") await app.start();
    },
    stop: async () => {
      if (timer) clearInterval(timer);
      await sync.run().catch(() => {});
      if (mode === "socket") await app.stop();
    },
  };
};
