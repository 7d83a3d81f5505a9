import { createRequire } from "node:module";
import { type DestinationStream, type LevelWithSilent, pino } from "pino";
import { BatchedDestination } from "./log-destination.js";

const LEVELS = ["debug", "info", "warn", "error"] as const;
type Level = (typeof LEVELS)[number];

/** The level a logger writes at and above; `silent` writes nothing. */
export type LoggerLevel = Level | "silent";

/** LOG_LEVEL's words (pino's). */
export type ConfiguredLevel = LevelWithSilent;

/** LOG_FORMAT: JSON lines, or colourful lines for a terminal (pino-pretty, a dev dependency). */
export type LogFormat = "json" | "pretty";

/**
 * Rolecall's own logger, so the HTTP server, the mail worker and the core depend on no Slack package.
 * Bolt gets an adapter over it (src/slack/bolt-logger.ts). Backed by pino: one JSON line per event.
 *
 * `info("text", …)` logs a message; `info({ field: value }, "text")` (pino's form) logs an event
 * with context fields. Field names that could hold a secret or a person's name are redacted
 * (`REDACTED_PATHS`); message texts are Rolecall's own and never carry either.
 */
export interface Logger {
  readonly level: LoggerLevel;
  debug(...msg: unknown[]): void;
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
}

/** A logger that can also write what it buffers before the process exits. */
export interface RootLogger extends Logger {
  flush(): void;
}

const LEVEL_OF: Record<ConfiguredLevel, LoggerLevel> = {
  trace: "debug",
  debug: "debug",
  info: "info",
  warn: "warn",
  error: "error",
  fatal: "error",
  silent: "silent",
};

/**
 * Context fields never written as they are, whoever passes them: Slack tokens, invite tokens and
 * links, API keys, secrets, mail bodies, people's names. Named paths only: a wildcard (`*.token`)
 * would make every line walk every field, several microseconds a request; context fields are flat.
 */
export const REDACTED_PATHS = [
  "token",
  "botToken",
  "userToken",
  "refreshToken",
  "apiKey",
  "key",
  "secret",
  "password",
  "authorization",
  "cookie",
  "link",
  "url",
  "name",
  "fullName",
  "realName",
  "text",
  "html",
  "body",
  "headers.authorization",
  "headers.cookie",
];

/** An error as a log field: what it is and where, not the data some errors carry (responses, requests). */
const errorField = (error: Error): Record<string, unknown> => ({
  type: error.name,
  message: error.message,
  ...((error as { code?: unknown }).code === undefined
    ? {}
    : { code: String((error as { code?: unknown }).code) }),
  stack: error.stack,
});

const isFields = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" &&
  value !== null &&
  !(value instanceof Error) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

const text = (m: unknown): string => {
  if (typeof m === "string") return m;
  if (m instanceof Error) return `${m.name}: ${m.message}`;
  try {
    return JSON.stringify(m) ?? String(m);
  } catch {
    // A cycle or a BigInt: a log line never throws.
    return String(m);
  }
};

/** Where the pretty format comes from: pino-pretty, when it is installed (it is a dev dependency). */
const prettyStream = (): DestinationStream | null => {
  try {
    const build = createRequire(import.meta.url)("pino-pretty") as (o: object) => DestinationStream;
    return build({ destination: 2, sync: true, colorize: Boolean(process.stderr.isTTY) });
  } catch {
    return null;
  }
};

/**
 * pino's isoTime (`,"time":"<ISO 8601>"`), formatted once per millisecond: under load many lines
 * share a millisecond, and formatting the date was a tenth of a line's cost.
 */
let stampedAt = Number.NaN;
let stamp = "";
const isoTime = (): string => {
  const now = Date.now();
  if (now !== stampedAt) {
    stampedAt = now;
    stamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return stamp;
};

/**
 * The logger: JSON lines on stderr at or above LOG_LEVEL (gathered and written together every few
 * milliseconds by `BatchedDestination`; call `flush` before exiting), or through `write` (one line
 * per call, synchronously: tests, the CLI).
 * `dest` is where the JSON lines go instead of stderr (a file descriptor or a path: the bench).
 */
export const createLogger = (
  configured: ConfiguredLevel,
  write?: (line: string) => unknown,
  format: LogFormat = "json",
  dest: number | string = 2,
): RootLogger => {
  let destination: DestinationStream;
  let fallback = false;
  if (write) destination = { write: (line: string) => void write(line) };
  else if (configured === "silent") destination = { write: () => {} };
  else if (format === "pretty") {
    const pretty = prettyStream();
    fallback = pretty === null;
    destination = pretty ?? BatchedDestination.to(dest);
  } else destination = BatchedDestination.to(dest);
  const base = pino(
    {
      level: configured === "trace" ? "debug" : configured,
      base: { app: "rolecall" },
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      serializers: { err: (e: unknown) => (e instanceof Error ? errorField(e) : e) },
    },
    destination,
  );
  const level = LEVEL_OF[configured];
  const at = (lvl: Level) => {
    const log = base[lvl].bind(base);
    return (...msg: unknown[]): void => {
      if (!base.isLevelEnabled(lvl)) return;
      const first = msg[0];
      if (isFields(first)) {
        // The common form, `(fields, "text")`, goes straight through: nothing to join.
        if (msg.length === 2 && typeof msg[1] === "string") log(first, msg[1]);
        else log(first, msg.length > 1 ? msg.slice(1).map(text).join(" ") : undefined);
        return;
      }
      const error = msg.find((m): m is Error => m instanceof Error);
      const line = msg
        .filter((m) => m !== error)
        .map(text)
        .join(" ");
      if (error) log({ err: error }, line || error.message);
      else log(line);
    };
  };
  const logger: RootLogger = {
    level,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    flush: () => {
      const sonic = destination as { flushSync?: () => void };
      try {
        sonic.flushSync?.();
      } catch {}
    },
  };
  if (fallback) logger.warn("LOG_FORMAT=pretty needs pino-pretty (a dev dependency); writing JSON lines.");
  return logger;
};
