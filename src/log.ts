import type { Config } from "./config.js";

const LEVELS = ["debug", "info", "warn", "error"] as const;
type Level = (typeof LEVELS)[number];

/** The level a logger writes at and above; `silent` writes nothing. */
export type LoggerLevel = Level | "silent";

/**
 * Rolecall's own logger, so the HTTP server, the mail worker and the core depend on no Slack package.
 * Bolt gets an adapter over it (src/slack/bolt-logger.ts).
 */
export interface Logger {
  readonly level: LoggerLevel;
  debug(...msg: unknown[]): void;
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
}

const LEVEL_OF: Record<Config["LOG_LEVEL"], LoggerLevel> = {
  trace: "debug",
  debug: "debug",
  info: "info",
  warn: "warn",
  error: "error",
  fatal: "error",
  silent: "silent",
};

/** A small logger: one line per entry on stderr, at or above LOG_LEVEL. */
export const createLogger = (
  configured: Config["LOG_LEVEL"],
  write: (line: string) => unknown = (line) => process.stderr.write(line),
): Logger => {
  const level = LEVEL_OF[configured];
  const lowest = level === "silent" ? LEVELS.length : LEVELS.indexOf(level);
  const at =
    (lvl: Level) =>
    (...msg: unknown[]) => {
      if (LEVELS.indexOf(lvl) < lowest) return;
      const text = msg.map((m) =>
        m instanceof Error ? (m.stack ?? m.message) : typeof m === "string" ? m : JSON.stringify(m),
      );
      write(`${new Date().toISOString()} ${lvl.toUpperCase()} [rolecall] ${text.join(" ")}\n`);
    };
  return { level, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
};
