/** Change requests (PRODUCT §3), with what Slack has been told about each. */
export const sqlite = /* sql */ `
CREATE TABLE change_requests (
  id           TEXT NOT NULL,
  account_id   TEXT NOT NULL REFERENCES accounts(id),
  requester_id TEXT NOT NULL REFERENCES members(id),
  words_json   TEXT NOT NULL,
  summary      TEXT NOT NULL,
  effect       TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'failed', 'rejected', 'expired', 'cancelled')),
  decided_by   TEXT,
  decided_at   TEXT,
  reason       TEXT,
  outcome      TEXT,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  posts_json   TEXT NOT NULL DEFAULT '[]',
  posted       INTEGER NOT NULL DEFAULT 0,
  announced    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, id)
) STRICT;
CREATE INDEX change_requests_by_status ON change_requests(account_id, status, expires_at);
CREATE INDEX change_requests_slack_due ON change_requests(posted, announced);
`;

export const postgres = /* sql */ `
CREATE TABLE change_requests (
  n            BIGSERIAL NOT NULL,
  id           TEXT NOT NULL,
  account_id   TEXT NOT NULL REFERENCES accounts(id),
  requester_id TEXT NOT NULL REFERENCES members(id),
  words_json   TEXT NOT NULL,
  summary      TEXT NOT NULL,
  effect       TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'failed', 'rejected', 'expired', 'cancelled')),
  decided_by   TEXT,
  decided_at   TEXT,
  reason       TEXT,
  outcome      TEXT,
  created_at   TEXT NOT NULL,
  expires_at   TEXT NOT NULL,
  posts_json   TEXT NOT NULL DEFAULT '[]',
  posted       INTEGER NOT NULL DEFAULT 0,
  announced    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX change_requests_by_status ON change_requests(account_id, status, expires_at);
CREATE INDEX change_requests_slack_due ON change_requests(posted, announced);
`;
