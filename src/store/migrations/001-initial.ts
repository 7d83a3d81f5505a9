export const sqlite = /* sql */ `
CREATE TABLE accounts (
  id                 TEXT PRIMARY KEY,
  slack_team_id      TEXT NOT NULL UNIQUE,
  name               TEXT NOT NULL,
  approvals_channel  TEXT,
  version            INTEGER NOT NULL DEFAULT 1,
  api_key_hash       TEXT NOT NULL,
  api_key_prefix     TEXT NOT NULL,
  api_key_created_at TEXT NOT NULL,
  created_at         TEXT NOT NULL
) STRICT;

CREATE TABLE members (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  email         TEXT NOT NULL,
  name          TEXT,
  phone         TEXT,
  role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'teammate')),
  status        TEXT NOT NULL CHECK (status IN ('invited', 'active', 'removed')),
  slack_user_id TEXT,
  invited_by    TEXT REFERENCES members(id),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
) STRICT;
-- A removed email may be invited again, so uniqueness holds among current members only.
CREATE UNIQUE INDEX members_current_email ON members(account_id, email) WHERE status <> 'removed';
CREATE UNIQUE INDEX members_current_slack ON members(account_id, slack_user_id)
  WHERE status <> 'removed' AND slack_user_id IS NOT NULL;
CREATE INDEX members_by_role ON members(account_id, role, status);

CREATE TABLE invites (
  id          TEXT PRIMARY KEY,
  member_id   TEXT NOT NULL REFERENCES members(id),
  token_hash  TEXT NOT NULL UNIQUE,
  expires_at  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  used_at     TEXT,
  revoked_at  TEXT
) STRICT;
CREATE INDEX invites_by_member ON invites(member_id, created_at);

-- A row means the role holds the permission. Owners are never stored: they hold everything.
CREATE TABLE role_permissions (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  role       TEXT NOT NULL CHECK (role IN ('admin', 'teammate')),
  permission TEXT NOT NULL,
  PRIMARY KEY (account_id, role, permission)
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_log (
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  seq         INTEGER NOT NULL,
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,
  source      TEXT NOT NULL,
  action      TEXT NOT NULL,
  target      TEXT NOT NULL,
  before_json TEXT NOT NULL,
  after_json  TEXT NOT NULL,
  request_id  TEXT,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL,
  PRIMARY KEY (account_id, seq)
) STRICT;
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Mails are queued here in the same transaction as the change that causes them.
CREATE TABLE outbox (
  id              TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts(id),
  kind            TEXT NOT NULL,
  recipient       TEXT NOT NULL,
  payload_json    TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
`;

/**
 * The same schema on PostgreSQL. Times stay ISO-8601 text, as on SQLite, so both engines read and
 * order them alike; `n` columns give rows an insertion order where SQLite has its rowid.
 */
export const postgres = /* sql */ `
CREATE TABLE accounts (
  n                  BIGSERIAL NOT NULL,
  id                 TEXT PRIMARY KEY,
  slack_team_id      TEXT NOT NULL UNIQUE,
  name               TEXT NOT NULL,
  approvals_channel  TEXT,
  version            INTEGER NOT NULL DEFAULT 1,
  api_key_hash       TEXT NOT NULL,
  api_key_prefix     TEXT NOT NULL,
  api_key_created_at TEXT NOT NULL,
  created_at         TEXT NOT NULL
);

CREATE TABLE members (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  email         TEXT NOT NULL,
  name          TEXT,
  phone         TEXT,
  role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'teammate')),
  status        TEXT NOT NULL CHECK (status IN ('invited', 'active', 'removed')),
  slack_user_id TEXT,
  invited_by    TEXT REFERENCES members(id),
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX members_current_email ON members(account_id, email) WHERE status <> 'removed';
CREATE UNIQUE INDEX members_current_slack ON members(account_id, slack_user_id)
  WHERE status <> 'removed' AND slack_user_id IS NOT NULL;
CREATE INDEX members_by_role ON members(account_id, role, status);

CREATE TABLE invites (
  n           BIGSERIAL NOT NULL,
  id          TEXT PRIMARY KEY,
  member_id   TEXT NOT NULL REFERENCES members(id),
  token_hash  TEXT NOT NULL UNIQUE,
  expires_at  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  used_at     TEXT,
  revoked_at  TEXT
);
CREATE INDEX invites_by_member ON invites(member_id, created_at);

CREATE TABLE role_permissions (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  role       TEXT NOT NULL CHECK (role IN ('admin', 'teammate')),
  permission TEXT NOT NULL,
  PRIMARY KEY (account_id, role, permission)
);

CREATE TABLE audit_log (
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  seq         INTEGER NOT NULL,
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,
  source      TEXT NOT NULL,
  action      TEXT NOT NULL,
  target      TEXT NOT NULL,
  before_json TEXT NOT NULL,
  after_json  TEXT NOT NULL,
  request_id  TEXT,
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL,
  PRIMARY KEY (account_id, seq)
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE outbox (
  n               BIGSERIAL NOT NULL,
  id              TEXT PRIMARY KEY,
  account_id      TEXT NOT NULL REFERENCES accounts(id),
  kind            TEXT NOT NULL,
  recipient       TEXT NOT NULL,
  payload_json    TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'queued',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL,
  sent_at         TEXT,
  CONSTRAINT outbox_status CHECK (status IN ('queued', 'sent', 'failed'))
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
`;
