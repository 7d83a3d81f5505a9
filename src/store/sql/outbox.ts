import type { MailDraft } from "../../core/decision.js";
import type { MailStatus } from "../../core/model.js";
import type { OutboxRow } from "../../core/ports.js";
import type { Fragments } from "./dialect.js";

export interface OutboxDbRow {
  id: string;
  account_id: string;
  recipient: string;
  payload_json: string;
  status: MailStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export const toOutbox = (r: OutboxDbRow): OutboxRow => ({
  id: r.id,
  accountId: r.account_id,
  recipient: r.recipient,
  mail: JSON.parse(r.payload_json) as MailDraft,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

/** The SQL of the outbox (claiming due mail is a dialect's: `../dialects.ts`). */
export const outboxSql = (f: Fragments) =>
  ({
    insert: `INSERT INTO outbox (id, account_id, kind, recipient, payload_json, next_attempt_at, created_at,
      invite_id) VALUES (@id, @accountId, @kind, @recipient, @payload, @at, @at, @inviteId)`,
    sent: `UPDATE outbox SET status = 'sent', sent_at = @at, last_error = NULL,
      payload_json = ${f.payloadWithoutToken} WHERE id = @id`,
    retry:
      "UPDATE outbox SET next_attempt_at = @at, last_error = @error WHERE id = @id AND status = 'queued'",
    /** Failed or skipped: not sent, and never will be. */
    unsent: `UPDATE outbox SET status = @status, last_error = @error, payload_json = ${f.payloadWithoutToken}
      WHERE id = @id`,
    all: `SELECT * FROM outbox ORDER BY created_at, ${f.insertionOrder}`,
  }) as const;
