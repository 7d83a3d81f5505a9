import { runDemo } from "./cli/demo.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { SETTLE_MAX_MS } from "./http/connections.js";
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
  stopOnSignals(running, logger, config);
  if (tour) console.log(tour);
};

/**
 * What a shutdown may take once the port has closed, beyond REQUEST_BODY_TIMEOUT_MS for a request
 * still arriving: the answers, the Slack work after acknowledgements and the mail under way.
 */
const FINISH_MS = 10_000;

/**
 * SIGTERM: /readyz answers 503 at once and requests are still served for SHUTDOWN_DRAIN_MS; then stop
 * accepting, finish what was accepted, let leases go, exit 0. SIGINT (Ctrl-C in a terminal) does the
 * same without the drain. A shutdown that overruns its grace (the drain + SETTLE_MAX_MS + REQUEST_BODY_TIMEOUT_MS +
 * 10 s) is cut short with a log line (exit 1); a second signal changes nothing.
 */
const stopOnSignals = (
  running: Awaited<ReturnType<typeof startRolecall>>,
  logger: RootLogger,
  config: Pick<Config, "SHUTDOWN_DRAIN_MS" | "REQUEST_BODY_TIMEOUT_MS">,
): void => {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    const drainMs = signal === "SIGTERM" ? config.SHUTDOWN_DRAIN_MS : 0;
    // First of all, before any log line: /readyz answers 503 from here on (stop() marks it at once).
    const stopped = running.stop({ drainMs });
    const graceMs = drainMs + SETTLE_MAX_MS + config.REQUEST_BODY_TIMEOUT_MS + FINISH_MS;
    logger.info(
      { signal, drainMs },
      "shutting down: /readyz answers 503; serving for drainMs more, then finishing the requests and the mail under way",
    );
    const force = setTimeout(() => {
      logger.error({ graceMs }, "shutdown took too long; exiting now");
      logger.flush();
      process.exit(1);
    }, graceMs);
    force.unref();
    stopped
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
