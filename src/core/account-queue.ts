import { busy } from "./errors.js";

/**
 * Changes to one account take turns in this process: each waits for the one before it rather than
 * racing it and deciding again (a busy account would otherwise turn into a storm of retries). A
 * change that cannot get its turn within `maxWaitMs` is refused with BUSY, having changed nothing.
 * Other processes are kept in line by the store (PostgreSQL: the account's row lock).
 */
export class AccountQueue {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly maxWaitMs: number) {}

  async run<T>(accountId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(accountId);
    let release = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The queue's tail only ever resolves: a change that failed (or gave up) still hands on its turn.
    const tail = before ? before.then(() => done) : done;
    this.tails.set(accountId, tail);
    try {
      if (before && !(await settlesWithin(before, this.maxWaitMs))) throw busy();
      return await fn();
    } finally {
      release();
      if (this.tails.get(accountId) === tail) this.tails.delete(accountId);
    }
  }

  /** Accounts with changes under way or waiting (for tests and /metrics). */
  get size(): number {
    return this.tails.size;
  }
}

/** Whether `turn` (a promise that only resolves) settles within `ms`. */
export const settlesWithin = (turn: Promise<void>, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    void turn.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
