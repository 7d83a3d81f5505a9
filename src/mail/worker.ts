import { CoreError, TEMPORARY_CODES } from "../core/errors.js";
import type { Clock, OutboxRow, OutboxStore } from "../core/ports.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { renderMail } from "./render.js";
import { isPermanentFailure, type MailTransport } from "./transport.js";

export interface WorkerOptions {
  store: OutboxStore;
  transport: MailTransport;
  clock: Clock;
  logger: Logger;
  baseUrl: string;
  from: string;
  /** How often to look for due mail. */
  pollMs?: number;
  /** First retry delay; doubles each attempt (with jitter) up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Temporary failures are retried this many times before the row is marked failed. */
  maxAttempts?: number;
  /** A claimed row is not handed out again for this long, in case this worker dies mid-send. */
  leaseMs?: number;
  random?: () => number;
  /** Counts sends and failures for /metrics. */
  metrics?: Metrics | null;
}

export interface SendReport {
  sent: number;
  retried: number;
  failed: number;
  /** Invite mails whose link died before they went out (accepted, revoked, resent): not sent. */
  skipped: number;
}

const messageIdDomain = (from: string): string =>
  /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? "rolecall.invalid";

/**
 * Sends due outbox rows. A row is marked sent the moment the server accepts it, so a row is sent at
 * most once per successful SMTP transaction; the Message-ID is stable per row, so a receiving server
 * can tell a retry after a crash from a new mail.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SendReport> | null = null;
  /** Set by `stop`: the mail being sent finishes, no other is claimed. */
  private stopping = false;
  private readonly o: Required<Omit<WorkerOptions, "random" | "metrics">> & {
    random: () => number;
    metrics: Metrics | null;
  };

  constructor(options: WorkerOptions) {
    this.o = {
      pollMs: 1_000,
      backoffMs: 30_000,
      maxBackoffMs: 3_600_000,
      maxAttempts: 12,
      leaseMs: 120_000,
      random: Math.random,
      metrics: null,
      ...options,
    };
  }

  /**
   * Sends everything due now, one row after another, and reports what happened. Each row is claimed
   * just before it is sent, so its lease runs from its own send: a batch claimed at once would have
   * its last rows' leases run out while the first were still being sent (with a short lease, or a
   * slow server), and another instance would send them too.
   */
  async sendDue(): Promise<SendReport> {
    const report: SendReport = { sent: 0, retried: 0, failed: 0, skipped: 0 };
    while (!this.stopping) {
      const [row] = await this.o.store.claimDueMail(this.o.clock.now(), this.o.leaseMs, 1);
      if (!row) return report;
      report[await this.sendOne(row)]++;
    }
    return report;
  }

  start(): void {
    this.stopping = false;
    const tick = () => {
      this.running ??= this.sendDue()
        .catch((error) => {
          // The database busy with another process's write, or not answering: nothing was lost, and
          // the next poll tries again. A line a poll, not a stack.
          if (error instanceof CoreError && TEMPORARY_CODES.has(error.code))
            this.o.logger.warn(`Mail worker: ${error.message} (${error.code}; tried again at the next poll)`);
          else this.o.logger.error("Mail worker failed:", error);
          return { sent: 0, retried: 0, failed: 0, skipped: 0 };
        })
        .finally(() => {
          this.running = null;
        });
    };
    tick();
    this.timer = setInterval(tick, this.o.pollMs);
    this.timer.unref();
  }

  /** Claims no more mail and waits for the one being sent (its row is then marked: no lease is left held). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async sendOne(row: OutboxRow): Promise<keyof SendReport> {
    if (
      row.mail.kind === "invite" &&
      !(await this.o.store.invitePending(row.mail.inviteId, this.o.clock.now()))
    ) {
      // Never mail a dead link: a newer invite, the acceptance or the revocation came first.
      await this.o.store.markMailSkipped(
        row.id,
        "Not sent: the invite was accepted, revoked or replaced before it went out.",
      );
      return "skipped";
    }
    const rendered = renderMail(row.mail, this.o.baseUrl);
    try {
      await this.o.transport.send({
        from: this.o.from,
        to: rendered.to,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId: `<${row.id}@${messageIdDomain(this.o.from)}>`,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (isPermanentFailure(error) || row.attempts >= this.o.maxAttempts) {
        await this.o.store.markMailFailed(row.id, reason);
        this.o.metrics?.mailFailures.inc({ kind: row.mail.kind, permanent: "true" });
        this.o.logger.warn(`Mail ${row.id} (${row.mail.kind}) failed for good: ${reason}`);
        return "failed";
      }
      const base = Math.min(this.o.maxBackoffMs, this.o.backoffMs * 2 ** (row.attempts - 1));
      const delay = Math.round(base * (0.5 + this.o.random()));
      await this.o.store.markMailRetry(row.id, new Date(this.o.clock.now().getTime() + delay), reason);
      this.o.metrics?.mailFailures.inc({ kind: row.mail.kind, permanent: "false" });
      this.o.logger.warn(`Mail ${row.id} (${row.mail.kind}) will be retried in ${delay} ms: ${reason}`);
      return "retried";
    }
    // Sent: only recording that is left. If the database does not answer now, the mail is not
    // retried as if sending had failed; its lease runs out and it goes again (the same Message-ID),
    // the one duplicate an outbox cannot rule out.
    await this.o.store.markMailSent(row.id, this.o.clock.now());
    this.o.metrics?.mailSent.inc({ kind: row.mail.kind });
    this.o.logger.info(`Mail ${row.id} (${row.mail.kind}) sent`);
    return "sent";
  }
}
