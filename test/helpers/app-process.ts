import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { BOT_TOKEN } from "./fake-slack.js";

export const MAIN = resolve(import.meta.dirname, "../../dist/src/main.js");

/**
 * `npm start` as a real process in HTTP mode against a fake Slack, with a clean environment.
 * Pass "ignore" when nobody reads its output, so a full pipe can never stall it.
 */
export const spawnApp = (
  env: { SLACK_API_URL: string; DATABASE_URL: string } & Record<string, string>,
  output: "pipe" | "ignore" = "pipe",
): ChildProcess =>
  spawn(process.execPath, [MAIN], {
    stdio: ["ignore", output, output],
    env: {
      PATH: process.env.PATH,
      PORT: "0",
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: "secret",
      LOG_LEVEL: "warn",
      ...env,
    },
  });

/** The port a spawned app listens on, from its log; `log()` is everything it wrote to stderr so far. */
export const listeningPort = (child: ChildProcess): { port: Promise<number>; log: () => string } => {
  let log = "";
  const port = new Promise<number>((done, fail) => {
    let found = false;
    child.stderr?.on("data", (chunk) => {
      log += chunk;
      // Searched until found only: at LOG_LEVEL=info an app under load writes a line per request.
      if (found) return;
      const match = /listening on port (\d+)/.exec(log);
      if (match?.[1]) {
        found = true;
        done(Number(match[1]));
      }
    });
    child.on("exit", (code) => fail(new Error(`exited ${code}: ${log}`)));
  });
  return { port, log: () => log };
};
