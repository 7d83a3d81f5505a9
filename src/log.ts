import { type Logger, LogLevel } from "@slack/bolt";
import type { Config } from "./config.js";

const ORDER = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

const LEVEL_OF: Record<Config["LOG_LEVEL"], LogLevel | null> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: null,
};

/** A small logger in Bolt's shape: one line per entry on stderr, at or above LOG_LEVEL. */
export const createLogger = (
  level: Config["LOG_LEVEL"],
  write: (line: string) => unknown = (line) => process.stderr.write(line),
): Logger => {
  const current: LogLevel | null = LEVEL_OF[level];
  let name = "rolecall";
  const at =
    (lvl: LogLevel) =>
    (...msg: unknown[]) => {
      if (current === null || ORDER.indexOf(lvl) < ORDER.indexOf(current)) return;
      const text = msg.map((m) =>
        m instanceof Error ? (m.stack ?? m.message) : typeof m === "string" ? m : JSON.stringify(m),
      );
      write(`${new Date().toISOString()} ${lvl.toUpperCase()} [${name}] ${text.join(" ")}\n`);
    };
  return {
    debug: at(LogLevel.DEBUG),
    info: at(LogLevel.INFO),
    warn: at(LogLevel.WARN),
    error: at(LogLevel.ERROR),
    // LOG_LEVEL decides; Bolt's own setLevel calls at start-up are not allowed to override it.
    setLevel: () => {},
    getLevel: () => current ?? LogLevel.ERROR,
    setName: (n: string) => {
      name = n;
    },
  };
};
