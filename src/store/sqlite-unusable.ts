import { DatabaseUnavailableError } from "../core/errors.js";
import type { Logger } from "../log.js";
import type { Db } from "./open.js";
import { unusableWarning } from "./unusable.js";

/**
 * SQLite's answers that say the file cannot be used now, not that a statement is wrong: an I/O
 * error (a failing disk, a network filesystem gone), a full disk, a file or filesystem that became
 * read-only (or a file moved away under a rollback journal), a file that can no longer be opened.
 * Extended codes count too (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED…). Not SQLITE_BUSY (a busy
 * database is BUSY, handled where writes wait their turn) nor SQLITE_CORRUPT (a damaged file is no
 * "try again in a moment"; it stays an error an operator must see).
 */
const UNUSABLE = /^SQLITE_(IOERR|FULL|READONLY|CANTOPEN)(_|$)/;

type Statement = ReturnType<Db["prepare"]>;
type Fn = (...args: unknown[]) => unknown;

/** What runs a statement (and so can meet the disk); its other methods only configure it. */
const RUNS: ReadonlySet<PropertyKey> = new Set(["run", "get", "all", "iterate"]);

/**
 * `db` whose every statement, transaction, `exec` and `pragma` turns a disk that cannot be used into
 * a DatabaseUnavailableError (UNAVAILABLE: HTTP 503 with Retry-After, the CLI's exit 75, Slack's
 * "the database is not answering"), logged with its SQLite code. The one place the SQLite store
 * meets this, since better-sqlite3 has no hook: every store statement is prepared from this handle.
 */
export const unusableAsUnavailable = (db: Db, logger?: Pick<Logger, "warn">): Db => {
  const warn = unusableWarning(logger);
  const mapped = (error: unknown): unknown => {
    const code = (error as { code?: unknown } | null)?.code;
    if (!(error instanceof Error) || typeof code !== "string" || !UNUSABLE.test(code)) return error;
    warn(
      `SQLite cannot use the database file (${code}: ${error.message}); answering that the database is not answering.`,
    );
    return new DatabaseUnavailableError(error);
  };
  const guarded =
    (fn: Fn, self: unknown): Fn =>
    (...args) => {
      try {
        return fn.apply(self, args);
      } catch (error) {
        throw mapped(error);
      }
    };
  /** Methods looked up once per object: a statement runs many times. */
  const wrapping = <T extends object>(target: T, wrap: (key: PropertyKey, method: Fn) => Fn): T => {
    const methods = new Map<PropertyKey, Fn>();
    return new Proxy(target, {
      get(object, key) {
        const value: unknown = Reflect.get(object, key, object);
        if (typeof value !== "function") return value;
        let method = methods.get(key);
        if (method === undefined) {
          method = wrap(key, value as Fn);
          methods.set(key, method);
        }
        return method;
      },
    });
  };
  const statement = (prepared: Statement): Statement => {
    const proxy: Statement = wrapping(prepared, (key, method) => {
      if (RUNS.has(key)) return guarded(method, prepared);
      // pluck(), raw(), bind()… return the statement itself: hand back the guarded one.
      return (...args) => {
        const out = method.apply(prepared, args);
        return out === prepared ? proxy : out;
      };
    });
    return proxy;
  };
  const transaction = (method: Fn) => (fn: unknown) => {
    const run = method.call(db, fn) as Fn & Record<"default" | "deferred" | "immediate" | "exclusive", Fn>;
    return Object.assign(guarded(run, undefined), {
      default: guarded(run.default, undefined),
      deferred: guarded(run.deferred, undefined),
      immediate: guarded(run.immediate, undefined),
      exclusive: guarded(run.exclusive, undefined),
    });
  };
  const proxy: Db = wrapping(db, (key, method) => {
    if (key === "prepare") return (...args) => statement(method.apply(db, args) as Statement);
    if (key === "transaction") return transaction(method);
    if (key === "exec" || key === "pragma")
      return (...args) => {
        const out = guarded(method, db)(...args);
        return out === db ? proxy : out;
      };
    return method.bind(db) as Fn;
  });
  return proxy;
};
