import { runDemo } from "./cli/demo.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger, type RootLogger } from "./log.js";
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
  const logger = createLogger(config.LOG_LEVEL, undefined, config.LOG_FORMAT);
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
  // Ready for Ctrl-C before the tour says the server is up: a signal right after it stops cleanly.
  stopOnSignals(running, logger);
  if (tour) console.log(tour);
};

/** How long a shutdown may take before the process exits anyway (orchestrators wait ~30 s, then kill). */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * SIGTERM or SIGINT: stop accepting, finish what was accepted, let leases go, exit 0. A shutdown
 * that overruns SHUTDOWN_GRACE_MS is cut short with a log line (exit 1); a second signal changes nothing.
 */
const stopOnSignals = (running: Awaited<ReturnType<typeof startRolecall>>, logger: RootLogger): void => {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    logger.info({ signal }, "shutting down: finishing the requests and the mail under way");
    const force = setTimeout(() => {
      logger.error({ graceMs: SHUTDOWN_GRACE_MS }, "shutdown took too long; exiting now");
      logger.flush();
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    running
      .stop()
      .then(
        () => {
          logger.info({ durationMs: Date.now() - started }, "stopped");
          process.exitCode = 0;
        },
        (error) => {
          logger.error("shutdown failed:", error);
          process.exitCode = 1;
        },
      )
      .finally(() => {
        logger.flush();
        process.exit();
      });
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
};

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
});
