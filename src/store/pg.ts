import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";
import { busy, CoreError, DatabaseUnavailableError } from "../core/errors.js";
import type { Logger } from "../log.js";
import { unusableWarning } from "./unusable.js";

/** The channel every commit of an account row notifies (migration 011's trigger), so each instance knows its cache may be stale. */
export const CHANGES_CHANNEL = "rolecall_changes";

export type Queryable = Pick<pg.PoolClient, "query">;

const SERIALIZATION_FAILURE = "40001";
const DEADLOCK = "40P01";

/** A lock not granted within lock_timeout: other writers of the same rows (an account's) hold it. */
const LOCK_NOT_AVAILABLE = "55P03";

/** A statement cut by a timeout (ours or the server's): the database is too slow or blocked right now. */
const TIMEOUT_CODES = new Set(["57014"]);

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "57P01",
  "57P03",
]);

/**
 * Text PostgreSQL cannot store (22021: a NUL, or bytes that are not UTF-8; 22P05: a character the
 * database's encoding lacks). The doors refuse such text where they parse it; this is the belt, so
 * whatever slips past them is bad input rather than a failure of ours.
 */
const TEXT_CODES = new Set(["22021", "22P05"]);

/**
 * A server that answers, but not as Rolecall's database: the database, schema or tables are gone
 * (3D000, 3F000, 42P01: dropped under a running instance), or it is out of room or connections
 * (class 53). Until that is fixed the database is, for Rolecall, not answering; /readyz says so too.
 */
const UNUSABLE_CODES = new Set(["3D000", "3F000", "42P01"]);

/** A failure of the connection rather than of the statement. */
export const isConnectionError = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  if (code && (CONNECTION_CODES.has(code) || TIMEOUT_CODES.has(code) || code.startsWith("08"))) return true;
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error|Query read timeout/i.test(
    error.message,
  );
};

/**
 * A pool of connections with named (prepared-once-per-connection) statements, transactions on one
 * connection, and snapshot reads: inside `snapshot(fn)`, every query of `fn` runs on one connection
 * in one REPEATABLE READ transaction, found through AsyncLocalStorage.
 */
export class Postgres {
  private readonly names = new Map<string, string>();
  private readonly numbered = new Map<string, { text: string; names: string[] }>();
  private readonly inSnapshot = new AsyncLocalStorage<pg.PoolClient>();
  /** Inside `exclusive`: its connection, whose transaction every query and transaction joins. */
  private readonly inWrite = new AsyncLocalStorage<pg.PoolClient>();
  private readonly sayUnusable: (line: string) => void;

  constructor(
    readonly pool: pg.Pool,
    private readonly logger?: Pick<Logger, "warn">,
  ) {
    this.sayUnusable = unusableWarning(logger);
    // An idle connection that breaks (the server restarted) must never take the process down.
    pool.on("error", (error) => this.logger?.warn("PostgreSQL connection lost:", error.message));
  }

  static open(url: string, poolMax: number, logger?: Pick<Logger, "warn">): Postgres {
    const pool = new pg.Pool({
      connectionString: url,
      max: poolMax,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      // No request waits long on the database: the server cuts a statement after 10 s, a wait for an
      // account's row lock after 5 s, and a transaction left idle (its instance gone quiet) after 30 s,
      // which frees that lock; the client gives up on a server that stopped answering after 15 s.
      statement_timeout: 10_000,
      lock_timeout: 5_000,
      idle_in_transaction_session_timeout: 30_000,
      query_timeout: 15_000,
    });
    return new Postgres(pool, logger);
  }

  /**
   * What a failed statement means to its caller: an account too busy to wait for (BUSY), the
   * database not answering, text it cannot store (INVALID_INPUT), or the error as it is.
   */
  private failure(error: unknown): unknown {
    // Other writers of the account held its row lock past lock_timeout: busy, not gone.
    if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return busy();
    if (isConnectionError(error)) return new DatabaseUnavailableError(error);
    if (!(error instanceof pg.DatabaseError) || error.code === undefined) return error;
    if (TEXT_CODES.has(error.code)) return new CoreError({ reason: "unstorable_text" });
    if (!UNUSABLE_CODES.has(error.code) && !error.code.startsWith("53")) return error;
    this.sayUnusable(
      `PostgreSQL cannot serve Rolecall (${error.code}: ${error.message}); answering that the database is not answering.`,
    );
    return new DatabaseUnavailableError(error);
  }

  private named(text: string): string {
    let name = this.names.get(text);
    if (!name) {
      name = `q${this.names.size}`;
      this.names.set(text, name);
    }
    return name;
  }

  /** One statement: on the snapshot's connection inside `snapshot`, else on any pooled one. */
  async query<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
    on?: Queryable,
  ): Promise<pg.QueryResult<R>> {
    const target: Queryable = on ?? this.inSnapshot.getStore() ?? this.inWrite.getStore() ?? this.pool;
    try {
      return await target.query<R>({ name: this.named(text), text, values });
    } catch (error) {
      throw this.failure(error);
    }
  }

  async rows<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
    on?: Queryable,
  ): Promise<R[]> {
    return (await this.query<R>(text, values, on)).rows;
  }

  /**
   * A statement written for both engines, with `@name` parameters (SQLite's), run with `params` by
   * name: each name becomes one `$n`, however often it appears.
   */
  queryNamed<R extends pg.QueryResultRow>(
    sql: string,
    params: object = {},
    on?: Queryable,
  ): Promise<pg.QueryResult<R>> {
    let numbered = this.numbered.get(sql);
    if (!numbered) {
      const names: string[] = [];
      const text = sql.replace(/@(\w+)/g, (_, name: string) => {
        const at = names.indexOf(name);
        return `$${at < 0 ? names.push(name) : at + 1}`;
      });
      numbered = { text, names };
      this.numbered.set(sql, numbered);
    }
    const values = numbered.names.map((name) => {
      if (!(name in params)) throw new Error(`no value for @${name}`);
      return (params as Record<string, unknown>)[name];
    });
    return this.query<R>(numbered.text, values, on);
  }

  /**
   * A connection of the caller's own. The pool stops listening to a connection it hands out, and a
   * connection that breaks emits 'error' whether or not a query runs: the listener here keeps that
   * from ending the process, and `release` passes the error on so the pool drops the connection.
   */
  private async connect(): Promise<{ client: pg.PoolClient; release(error?: Error): void }> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new DatabaseUnavailableError(error);
    }
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on("error", onError);
    return {
      client,
      release: (error) => {
        client.off("error", onError);
        client.release(error ?? broken);
      },
    };
  }

  /**
   * Runs `fn` in one transaction on one connection, committing when it resolves and rolling back
   * when it throws. A serialization failure or deadlock runs it again (a few times).
   */
  async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>, begin = "BEGIN"): Promise<T> {
    const writing = this.inWrite.getStore();
    if (writing) return fn(writing);
    for (let attempt = 1; ; attempt++) {
      const { client, release } = await this.connect();
      let broken: Error | undefined;
      let committing = false;
      try {
        await client.query(begin);
        const result = await fn(client);
        committing = true;
        await client.query("COMMIT");
        return result;
      } catch (error) {
        if (!committing)
          await client.query("ROLLBACK").catch((e: Error) => {
            broken = e;
          });
        else broken = error as Error;
        const code = (error as { code?: string }).code;
        if ((code === SERIALIZATION_FAILURE || code === DEADLOCK) && attempt < 5) continue;
        if (!isConnectionError(error)) throw this.failure(error);
        // Lost while committing, the change may have been saved: say so rather than "nothing changed".
        throw committing
          ? new DatabaseUnavailableError(error, { reason: "unavailable_while_saving" })
          : new DatabaseUnavailableError(error);
      } finally {
        release(broken);
      }
    }
  }

  /**
   * Runs `fn` in one transaction that first takes `lock` (a `SELECT … FOR UPDATE`): every query and
   * transaction inside `fn` joins it, so what `fn` reads cannot change under it until it commits.
   * Waiting longer than lock_timeout for the lock is BUSY.
   */
  exclusive<T>(lock: string, values: unknown[], fn: () => Promise<T>): Promise<T> {
    if (this.inWrite.getStore()) return fn();
    return this.transaction(async (client) => {
      await this.query(lock, values, client);
      return this.inWrite.run(client, fn);
    });
  }

  /** Runs `fn` with every query on one REPEATABLE READ snapshot (nested calls share the outer one). */
  async snapshot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inSnapshot.getStore() || this.inWrite.getStore()) return fn();
    return this.transaction(
      (client) => this.inSnapshot.run(client, fn),
      "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    );
  }

  /** Outside any snapshot, whatever the caller's context (a write inside a read uses its own connection). */
  outside<T>(fn: () => Promise<T>): Promise<T> {
    return this.inSnapshot.exit(fn);
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

/**
 * Closes a connection, waiting at most a second: one whose route died silently never answers the
 * goodbye, and shutting down must not wait for it.
 */
const endWithin = async (client: pg.Client | null, ms = 1_000): Promise<void> => {
  if (!client) return;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  await Promise.race([client.end().catch(() => {}), gaveUp]);
  clearTimeout(timer);
};

/**
 * A connection that LISTENs for commits and counts them: the permission cache's `dataVersion`. When
 * the connection drops, the counter moves on every tick until it is back (so caches re-read rather
 * than trust what they hold), and it reconnects by itself.
 */
export class ChangeListener {
  private count = 0;
  private client: pg.Client | null = null;
  private down = true;
  private stopped = false;
  private ticks = 0;
  private probing = false;
  private lose: ((error?: Error) => void) | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly logger?: Pick<Logger, "warn">,
    tickMs = 500,
  ) {
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  get version(): number {
    return this.count;
  }

  get listening(): boolean {
    return !this.down;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.down) {
      this.count++;
      if (!this.client) void this.connect().catch(() => {});
      return;
    }
    // Listening: every second, make sure the connection still answers (within 1.5 s). A route that drops
    // (a failover, a NAT's idle timeout) can leave a socket that never says it closed, and silence
    // would look like nothing changing.
    if (++this.ticks % 2 !== 0 || this.probing || !this.client) return;
    this.probing = true;
    const lose = this.lose;
    this.client
      .query("SELECT 1")
      .catch((error: Error) => lose?.(error))
      .finally(() => {
        this.probing = false;
      });
  }

  private async connect(): Promise<void> {
    if (this.client || this.stopped) return;
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: 5_000,
      query_timeout: 1_500,
      keepAlive: true,
      application_name: "rolecall-listener",
    });
    this.client = client;
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      const wasListening = !this.down;
      this.client = null;
      this.down = true;
      this.count++;
      // Said once when it happens, not on every failed reconnect while the database is away.
      if (wasListening && !this.stopped)
        this.logger?.warn(
          "PostgreSQL change notifications lost; re-checking every tick:",
          error?.message ?? "closed",
        );
      void endWithin(client);
    };
    this.lose = lost;
    client.on("error", lost);
    client.on("end", () => lost());
    client.on("notification", () => {
      this.count++;
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      // Anything committed while we were not listening counts as a change.
      this.count++;
      this.down = false;
    } catch (error) {
      lost(error as Error);
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const client = this.client;
    this.client = null;
    await endWithin(client);
  }
}
