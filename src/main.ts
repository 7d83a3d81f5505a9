import { runDemo } from "./cli/demo.js";
import { ConfigError, loadConfig } from "./config.js";
import { wireCore } from "./wiring.js";

/**
 * `npm start`. Without Slack tokens it sets up the CLI try-out on the embedded defaults;
 * the Slack app itself arrives with its own adapter.
 */
try {
  const config = loadConfig();
  const wired = wireCore(config);
  try {
    console.log(
      "No Slack tokens are set (SLACK_BOT_TOKEN, SLACK_APP_TOKEN): here is the command-line try-out.\n",
    );
    console.log(runDemo(wired.core, config.DATABASE_URL));
  } finally {
    wired.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
