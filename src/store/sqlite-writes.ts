import { settlesWithin } from "../core/account-queue.js";
import { busy } from "../core/errors.js";
import type { Db } from "./open.js";

/**
 * How long one try may wait inside SQLite for another connection's write lock. better-sqlite3 is
 * synchronous: while SQLite waits, this process's event loop waits with it (every request, every
 * timer), so a try is kept short and the wait goes on between tries, with the loop free.
 */
export const SQLITE_TRY_MS = 20;

/** How long a write waits in all for its turn before it is BUSY, with nothing changed. */
export const SQLITE_WRITE_WAIT_MS = 10_000;

/** The longest pause between two tries (doubling from 1 ms, with jitter). */
const MAX_PAUSE_MS = 50;

/** SQLITE_BUSY and its extended codes: another connection (a second instance, a CLI) holds the file. */
export const isSqliteBusy = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_"));
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The one rule for every write to a SQLite file (a transaction or a single statement): it runs at
 * once when it can; while another connection holds the write lock it is tried again, yielding to the
 * event loop between tries, for up to `waitMs`; then it is BUSY, having changed nothing (a write
 * that failed with SQLITE_BUSY never began, so trying it again is safe).
 *
 * This process's writes that must wait take turns: one connection writes one at a time anyway, and
 * several of them each polling would hold the loop several tries at a time.
 */
export class SqliteWrites {
  private turns: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(
    db: Db,
    private readonly waitMs = SQLITE_WRITE_WAIT_MS,
  ) {
    db.pragma(`busy_timeout = ${SQLITE_TRY_MS}`);
  }

  async run<T>(write: () => T): Promise<T> {
    const deadline = performance.now() + this.waitMs;
    if (this.waiting === 0) {
      try {
        return write();
      } catch (error) {
        if (!isSqliteBusy(error)) throw error;
      }
    }
    this.waiting++;
    let done = () => {};
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    const before = this.turns;
    this.turns = before.then(() => mine);
    try {
      if (!(await settlesWithin(before, deadline - performance.now()))) throw busy();
      for (let wait = 1; ; wait = Math.min(wait * 2, MAX_PAUSE_MS)) {
        try {
          return write();
        } catch (error) {
          if (!isSqliteBusy(error)) throw error;
        }
        const left = deadline - performance.now();
        if (left <= 0) throw busy();
        await pause(Math.min(left, wait * (0.5 + Math.random())));
      }
    } finally {
      this.waiting--;
      done();
    }
  }
}
