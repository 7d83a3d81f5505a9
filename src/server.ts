import type { AddressInfo } from "node:net";
import type { Logger } from "@slack/bolt";
import type { Config } from "./config.js";
import type { AccessCore } from "./core/access-core.js";
import { type Clock, systemClock } from "./core/ports.js";
import { createHttpServer } from "./http/server.js";
import { createSlackApp, type SlackApp, slackMode } from "./slack/app.js";
import { wireCore } from "./wiring.js";

export interface Running {
  port: number;
  core: AccessCore;
  slack: SlackApp | null;
  stop(): Promise<void>;
}

/** Starts Rolecall: the database, the Slack app (when configured) and the HTTP server on PORT. */
export const startRolecall = async (
  config: Config,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<Running> => {
  const wired = wireCore(config, clock);
  const slack = slackMode(config).mode ? createSlackApp(config, wired.core, logger) : null;
  const server = createHttpServer({ core: wired.core, logger, slackEvents: slack?.eventsListener ?? null });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  await slack?.start();
  logger.info(
    `Rolecall is listening on port ${port}${slack ? ` (Slack: ${slack.mode === "socket" ? "Socket Mode" : "/slack/events"})` : ""}`,
  );
  return {
    port,
    core: wired.core,
    slack,
    stop: async () => {
      await slack?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      wired.close();
    },
  };
};
