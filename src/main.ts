import { runDemo } from "./cli/demo.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { startRolecall } from "./server.js";
import { slackMode } from "./slack/app.js";
import { wireCore } from "./wiring.js";

/**
 * `npm start`: the Slack app (HTTP mode, or Socket Mode with SLACK_APP_TOKEN) when Slack tokens are
 * set; without them, the command-line try-out on the embedded defaults.
 */
const main = async () => {
  const config = loadConfig();
  const { mode, missing } = slackMode(config);
  if (missing.length > 0) throw new ConfigError(missing);
  if (!mode) {
    const wired = await wireCore(config);
    try {
      console.log("No Slack tokens are set (SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET):");
      console.log("here is the command-line try-out instead.\n");
      console.log(await runDemo(wired.core, config.DATABASE_URL));
    } finally {
      await wired.close();
    }
    return;
  }
  const logger = createLogger(config.LOG_LEVEL);
  process.on("unhandledRejection", (reason) => logger.error("Unhandled rejection:", reason));
  process.on("uncaughtException", (error) => logger.error("Uncaught exception:", error));
  const running = await startRolecall(config, logger);
  const shutdown = () => {
    logger.info("Shutting down");
    void running.stop().finally(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
};

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
});
