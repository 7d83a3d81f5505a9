import { runDemo } from "./cli/demo.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./log.js";
import { startRolecall } from "./server.js";
import { slackMode } from "./slack/app.js";
import { prepareLiveTryOut } from "./try-out.js";
import { wireCore } from "./wiring.js";

/**
 * `npm start`: the Slack app (HTTP mode, or Socket Mode with SLACK_APP_TOKEN) when Slack tokens are
 * set; without them, the try-out on the embedded defaults: its tour, then the same server on PORT
 * (invite pages, the API, probes) until Ctrl-C — or, with `--once` or ROLECALL_ONCE=1, the tour alone.
 */
const main = async () => {
  const config = loadConfig();
  const { mode, missing } = slackMode(config);
  if (missing.length > 0) throw new ConfigError(missing);
  const tryOut = !mode;
  if (tryOut) {
    console.log("No Slack tokens are set (SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET):");
    console.log("here is the command-line try-out instead.\n");
  }
  if (tryOut && (config.ROLECALL_ONCE || process.argv.slice(2).includes("--once"))) {
    const wired = await wireCore(config);
    try {
      console.log(await runDemo(wired.core, config.DATABASE_URL));
    } finally {
      await wired.close();
    }
    return;
  }
  const logger = createLogger(config.LOG_LEVEL);
  process.on("unhandledRejection", (reason) => logger.error("Unhandled rejection:", reason));
  process.on("uncaughtException", (error) => logger.error("Uncaught exception:", error));
  let tour = "";
  const running = await startRolecall(
    config,
    logger,
    tryOut
      ? {
          beforeServing: async (wired) => {
            tour = await prepareLiveTryOut(wired, config);
          },
        }
      : {},
  );
  if (tour) console.log(tour);
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
