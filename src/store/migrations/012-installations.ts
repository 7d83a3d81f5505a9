/**
 * Slack OAuth installs (issue 14). One installation per account, keyed by the account's Slack team id
 * (or enterprise id), its tokens sealed before they get here. A token refresh is leased
 * (`refresh_lease_until`, as 010 leases a request's Slack work) so one instance refreshes at a time;
 * it is not an audited change, so it lives here and never moves the account's version. An OAuth
 * state's nonce is kept until it expires, so each state is used once.
 *
 * Deleting an account keeps a digest of it (`deleted_accounts`). The audit log stays append-only,
 * with one exception: an account's entries may go once its digest is kept, in the same transaction.
 */
const tables = /* sql */ `
CREATE TABLE installations (
  key                   TEXT PRIMARY KEY,
  account_id            TEXT NOT NULL UNIQUE REFERENCES accounts(id),
  team_id               TEXT,
  enterprise_id         TEXT,
  is_enterprise_install INTEGER NOT NULL CHECK (is_enterprise_install IN (0, 1)),
  app_id                TEXT,
  bot_id                TEXT,
  bot_user_id           TEXT NOT NULL,
  scopes_json           TEXT NOT NULL,
  installer_user_id     TEXT NOT NULL,
  installed_at          TEXT NOT NULL,
  token_expires_at      TEXT,
  bot_token             TEXT NOT NULL,
  refresh_token         TEXT,
  refresh_lease_until   TEXT
) STRICT;

CREATE TABLE oauth_states (
  nonce      TEXT PRIMARY KEY,
  expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX oauth_states_expiry ON oauth_states(expires_at);

CREATE TABLE deleted_accounts (
  account_id    TEXT PRIMARY KEY,
  slack_team_id TEXT NOT NULL,
  name          TEXT NOT NULL,
  deleted_at    TEXT NOT NULL,
  audit_entries INTEGER NOT NULL,
  audit_head    TEXT
) STRICT;
CREATE INDEX deleted_accounts_newest ON deleted_accounts(deleted_at);
`;

export const sqlite = /* sql */ `${tables}
DROP TRIGGER audit_log_append_only_delete;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
  WHEN NOT EXISTS (SELECT 1 FROM deleted_accounts d WHERE d.account_id = OLD.account_id)
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

export const postgres = /* sql */ `${tables.replaceAll(") STRICT;", ");")}
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM deleted_accounts d WHERE d.account_id = OLD.account_id) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only';
  END $$;
`;
