import { openSync, writeSync } from "node:fs";

/** What a log line is written with: node's `fs.writeSync` (a seam for tests). */
export type WriteSync = (fd: number, buffer: Buffer, offset: number) => number;

/** Lines held at most while the output does not take them (a full pipe); beyond, lines are dropped and counted. */
const MAX_HELD_BYTES = 8 * 1024 * 1024;

/** How long `flushSync` (at exit) waits in all for an output that does not take what is held. */
const FLUSH_PATIENCE_MS = 1_000;

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const isAgain = (error: unknown) => (error as { code?: unknown }).code === "EAGAIN";

/**
 * Where the JSON lines go: every line logged during one turn of the event loop is written with a
 * single `write(2)` when the turn ends. A request's line costs an array push, not a syscall, and
 * nothing waits for a thread-pool round trip. (sonic-boom, pino's own asynchronous destination,
 * measures the whole pending buffer again on every line: under load that was a tenth of a request.)
 *
 * A pipe that is full (`EAGAIN`) keeps the rest for a later turn; past MAX_HELD_BYTES, lines are
 * dropped, and a line says how many once the output takes lines again. `flushSync` writes what is
 * held before the process exits.
 */
export class BatchedDestination {
  private pending: string[] = [];
  private pendingBytes = 0;
  private rest: Buffer | null = null;
  private scheduled = false;
  private retry: NodeJS.Timeout | null = null;
  private dropped = 0;

  constructor(
    private readonly fd: number,
    private readonly write_: WriteSync = writeSync,
  ) {}

  /** A destination on a file (appended to) or on a file descriptor. */
  static to(dest: number | string): BatchedDestination {
    return new BatchedDestination(typeof dest === "number" ? dest : openSync(dest, "a"));
  }

  write(line: string): void {
    if (this.pendingBytes + (this.rest?.length ?? 0) > MAX_HELD_BYTES) {
      this.dropped++;
      return;
    }
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (!this.scheduled && this.retry === null) {
      this.scheduled = true;
      setImmediate(this.endOfTurn);
    }
  }

  private readonly endOfTurn = (): void => {
    this.scheduled = false;
    if (!this.writeHeld() && this.retry === null) {
      // The output is full: try again shortly, without holding the process open for it.
      this.retry = setTimeout(() => {
        this.retry = null;
        this.endOfTurn();
      }, 5);
      this.retry.unref();
    }
  };

  /** Writes what is held; false when the output would not take all of it now. */
  private writeHeld(): boolean {
    if (this.pending.length > 0) {
      if (this.dropped > 0 && this.rest === null) {
        this.pending.unshift(
          `${JSON.stringify({ level: "warn", time: new Date().toISOString(), app: "rolecall", msg: `${this.dropped} log lines dropped: the log output did not take them` })}\n`,
        );
        this.dropped = 0;
      }
      const fresh = Buffer.from(this.pending.join(""));
      this.rest = this.rest ? Buffer.concat([this.rest, fresh]) : fresh;
      this.pending = [];
      this.pendingBytes = 0;
    }
    const chunk = this.rest;
    if (chunk === null) return true;
    let offset = 0;
    try {
      while (offset < chunk.length) offset += this.write_(this.fd, chunk, offset);
    } catch (error) {
      if (isAgain(error)) {
        this.rest = chunk.subarray(offset);
        return false;
      }
      // A closed or broken output (EPIPE, EBADF): logging must never take the process down.
    }
    this.rest = null;
    return true;
  }

  /** Writes everything held now (before exiting), waiting up to FLUSH_PATIENCE_MS for a full pipe. */
  flushSync(): void {
    const deadline = Date.now() + FLUSH_PATIENCE_MS;
    while (!this.writeHeld() && Date.now() < deadline) sleep(1);
  }
}
