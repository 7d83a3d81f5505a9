import type { MailDraft } from "../core/decision.js";
import type { MailStatus } from "../core/model.js";

export interface OutboxRow {
  id: string;
  accountId: string;
  recipient: string;
  mail: MailDraft;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** What the mail worker needs from storage. */
export interface OutboxStore {
  /**
   * Takes up to `limit` due rows and leases them for `leaseMs` (their next attempt moves past the
   * lease), so two workers never send the same row at once and a crashed worker's rows come back.
   */
  claimDueMail(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]>;
  /** Marks a row sent and wipes any invite token from its payload. */
  markMailSent(id: string, now: Date): Promise<void>;
  markMailRetry(id: string, nextAttemptAt: Date, error: string): Promise<void>;
  markMailFailed(id: string, error: string): Promise<void>;
  /** Marks a row that no longer needs sending (its invite died first); not a failure. */
  markMailSkipped(id: string, reason: string): Promise<void>;
  listMail(): Promise<OutboxRow[]>;
  /** Whether an invite can still be accepted (not used, revoked, replaced or expired). */
  invitePending(inviteId: string, now: Date): Promise<boolean>;
}
