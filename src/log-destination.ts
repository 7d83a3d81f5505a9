import { openSync, writeSync } from "node:fs";

/** What a log line is written with: node's `fs.writeSync` (a seam for tests). */
export type WriteSync = (fd: number, buffer: Buffer, offset: number, length: number) => number;

/** The bytes held at most: while the output does not take them (a full pipe), later lines are dropped and counted. */
const HELD_BYTES = 1024 * 1024;

/** Lines are written this often, or at once when SOON_BYTES are waiting. */
const EVERY_MS = 20;
const SOON_BYTES = 256 * 1024;

/** How long `flushSync` (at exit) waits in all for an output that does not take what is held. */
const FLUSH_PATIENCE_MS = 1_000;

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const isAgain = (error: unknown) => (error as { code?: unknown }).code === "EAGAIN";

/** Every destination still in use, written out once when the process exits (one listener for all). */
const open = new Set<WeakRef<BatchedDestination>>();
const writeAllOnExit = () => {
  for (const ref of open) ref.deref()?.flushSync();
};
const register = (destination: BatchedDestination) => {
  if (open.size === 0) process.once("exit", writeAllOnExit);
  for (const ref of open) if (ref.deref() === undefined) open.delete(ref);
  open.add(new WeakRef(destination));
};

/**
 * Where the JSON lines go. Each line is copied into one buffer allocated once, and what the buffer
 * holds is written with a single `write(2)` every EVERY_MS (at once past SOON_BYTES). A request's
 * line costs a copy: no syscall, no thread-pool round trip, and no string kept alive until a write.
 * (sonic-boom, pino's own asynchronous destination, measures its whole pending string again on every
 * line and keeps lines alive for the garbage collector to move: under load that was a tenth of a
 * request.)
 *
 * A full pipe (`EAGAIN`) keeps the rest for the next write; past HELD_BYTES, lines are dropped, and a
 * line says how many once the output takes lines again. What is held is written before the process
 * exits: by `flushSync`, and on the process's `exit` (an uncaught error too).
 */
export class BatchedDestination {
  private readonly buffer = Buffer.allocUnsafe(HELD_BYTES);
  private used = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The output answered EAGAIN last time: wait for the timer rather than try on every line. */
  private blocked = false;
  private dropped = 0;

  constructor(
    private readonly fd: number,
    private readonly write_: WriteSync = writeSync,
  ) {}

  /** A destination on a file (appended to) or on a file descriptor. */
  static to(dest: number | string): BatchedDestination {
    const destination = new BatchedDestination(typeof dest === "number" ? dest : openSync(dest, "a"));
    register(destination);
    return destination;
  }

  write(line: string): void {
    if (line.length * 3 > HELD_BYTES && Buffer.byteLength(line) > HELD_BYTES) {
      this.writeLarge(line);
      return;
    }
    // After lines were dropped, the next line that fits comes with a line saying how many.
    if (this.hold(this.dropped > 0 ? this.droppedNotice() + line : line)) this.dropped = 0;
    else this.dropped++;
    if (this.used >= SOON_BYTES && !this.blocked) this.due();
    else if (this.timer === null) {
      // Never what keeps the process alive: what is held is written on exit.
      this.timer = setTimeout(this.due, EVERY_MS);
      this.timer.unref();
    }
  }

  /** Copies a line in whole, or not at all when it does not fit. */
  private hold(line: string): boolean {
    // A UTF-8 byte takes at most 3 per UTF-16 unit: most lines fit without being measured.
    if (this.used + line.length * 3 > HELD_BYTES && this.used + Buffer.byteLength(line) > HELD_BYTES)
      return false;
    this.used += this.buffer.write(line, this.used);
    return true;
  }

  private droppedNotice(): string {
    return `${JSON.stringify({ level: "warn", time: new Date().toISOString(), app: "rolecall", msg: `${this.dropped} log lines dropped: the log output did not take them` })}\n`;
  }

  private readonly due = (): void => {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    // A full output: what it did not take is tried again a moment later.
    if (!this.writeHeld()) {
      this.timer = setTimeout(this.due, EVERY_MS);
      this.timer.unref();
    }
  };

  /** A line larger than the buffer: written on its own, after what is held, if the output takes it now. */
  private writeLarge(line: string): void {
    const bytes = Buffer.from(line);
    let offset = this.writeHeld() ? this.writeOut(bytes, 0) : 0;
    if (offset === 0) {
      this.dropped++;
      return;
    }
    // Begun: finished, waiting a little for a full pipe, rather than leave half a line.
    const deadline = Date.now() + FLUSH_PATIENCE_MS;
    while (offset < bytes.length && Date.now() < deadline) {
      sleep(1);
      offset = this.writeOut(bytes, offset);
    }
  }

  /** Writes what is held; false when the output would not take all of it now. */
  private writeHeld(): boolean {
    const written = this.writeOut(this.buffer.subarray(0, this.used), 0);
    this.buffer.copyWithin(0, written, this.used);
    this.used -= written;
    this.blocked = this.used > 0;
    return !this.blocked;
  }

  /** Writes `bytes` from `offset` on; where the output stopped taking them (their end, unless it is full). */
  private writeOut(bytes: Buffer, offset: number): number {
    let at = offset;
    try {
      while (at < bytes.length) at += this.write_(this.fd, bytes, at, bytes.length - at);
    } catch (error) {
      if (isAgain(error)) return at;
      // A closed or broken output (EPIPE, EBADF): logging must never take the process down.
    }
    return bytes.length;
  }

  /** Writes everything held now (before exiting), waiting up to FLUSH_PATIENCE_MS for a full pipe. */
  flushSync(): void {
    if (this.dropped > 0 && this.hold(this.droppedNotice())) this.dropped = 0;
    const deadline = Date.now() + FLUSH_PATIENCE_MS;
    while (!this.writeHeld() && Date.now() < deadline) sleep(1);
  }
}
