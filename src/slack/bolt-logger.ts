import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger, LoggerLevel } from "../log.js";

const BOLT_LEVEL: Record<LoggerLevel, LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

/**
 * A Web API client's debug lines that carry what was sent or answered: message texts (people's
 * names), users.info's profiles, OAuth bodies. Rolecall logs each call itself (method, result,
 * duration: clients.ts), so these go nowhere.
 */
const PAYLOAD_LINE = /^http request (body|result|headers)|^http request url/;

/** Bolt's and the Web API's lines are text: passed as text, never as fields Rolecall would read. */
const asText = (msg: unknown[]): unknown[] =>
  typeof msg[0] === "object" && msg[0] !== null && !(msg[0] instanceof Error) ? ["", ...msg] : msg;

/**
 * Rolecall's logger in the shape Bolt, its receivers and Web API clients want. LOG_LEVEL decides:
 * their own setLevel calls at start-up are not allowed to override it, and every line is Rolecall's,
 * so setName changes nothing.
 */
export const boltLogger = (logger: Logger): BoltLogger => ({
  debug: (...msg) => {
    if (typeof msg[0] === "string" && PAYLOAD_LINE.test(msg[0])) return;
    logger.debug(...asText(msg));
  },
  info: (...msg) => logger.info(...asText(msg)),
  warn: (...msg) => logger.warn(...asText(msg)),
  error: (...msg) => logger.error(...asText(msg)),
  setLevel: () => {},
  getLevel: () => BOLT_LEVEL[logger.level],
  setName: () => {},
});

/**
 * For the clients that call `oauth.v2.access`: at debug level a Web API client logs each request's
 * body, and that one holds the client secret and the code (or refresh token). Their debug lines go
 * nowhere; the rest is as `boltLogger` says.
 */
export const withoutRequestBodies = (logger: BoltLogger): BoltLogger => ({
  ...logger,
  debug: () => {},
  getLevel: () => (logger.getLevel() === LogLevel.DEBUG ? LogLevel.INFO : logger.getLevel()),
});
