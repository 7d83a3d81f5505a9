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
 * Rolecall's logger in the shape Bolt, its receivers and Web API clients want. LOG_LEVEL decides:
 * their own setLevel calls at start-up are not allowed to override it, and every line is Rolecall's,
 * so setName changes nothing.
 */
export const boltLogger = (logger: Logger): BoltLogger => ({
  debug: (...msg) => logger.debug(...msg),
  info: (...msg) => logger.info(...msg),
  warn: (...msg) => logger.warn(...msg),
  error: (...msg) => logger.error(...msg),
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
