/**
 * A mail whose invite died before it went out (accepted, revoked, replaced) is `skipped`, not
 * `failed`: nothing went wrong. SQLite cannot change a CHECK constraint in place, so the table is
 * rebuilt; the skips recorded so far as failures move over.
 */
export const sqlite = /* sql */ `
CREATE TABLE outbox_new (
  id              TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts(id),
  kind            TEXT NOT NULL,
  recipient       TEXT NOT NULL,
  payload_json    TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'skipped')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT,
  invite_id       TEXT REFERENCES invites(id)
) STRICT;
INSERT INTO outbox_new (id, account_id, kind, recipient, payload_json, status, attempts, next_attempt_at,
  last_error, created_at, sent_at, invite_id)
SELECT id, account_id, kind, recipient, payload_json,
  CASE WHEN status = 'failed' AND last_error LIKE 'Not sent: the invite was %' THEN 'skipped' ELSE status END,
  attempts, next_attempt_at, last_error, created_at, sent_at, invite_id
FROM outbox ORDER BY rowid;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_by_invite ON outbox(invite_id);
`;

/** PostgreSQL changes the constraint in place (and 002 already added invite_id and its index). */
export const postgres = /* sql */ `
ALTER TABLE outbox DROP CONSTRAINT outbox_status;
ALTER TABLE outbox ADD CONSTRAINT outbox_status CHECK (status IN ('queued', 'sent', 'failed', 'skipped'));
UPDATE outbox SET status = 'skipped' WHERE status = 'failed' AND last_error LIKE 'Not sent: the invite was %';
`;
