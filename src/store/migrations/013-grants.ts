/**
 * Time-bound grants and the four-eyes setting (issue 15). A grant is one member holding one
 * permission until `ends_at`; checks compare the clock, so a grant stops at its end time even before
 * the expiry job writes `ended_at`. The holder's reminder and the notice that it ended are each
 * claimed once (`reminded_at`, `end_notice_at`), across instances, before they go out.
 */
const tables = /* sql */ `
ALTER TABLE accounts ADD COLUMN four_eyes INTEGER NOT NULL DEFAULT 0 CHECK (four_eyes IN (0, 1));

CREATE TABLE grants (
  id            TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  member_id     TEXT NOT NULL REFERENCES members(id),
  permission    TEXT NOT NULL,
  reason        TEXT,
  granted_by    TEXT NOT NULL,
  request_id    TEXT,
  starts_at     TEXT NOT NULL,
  ends_at       TEXT NOT NULL,
  remind_at     TEXT NOT NULL,
  ended_at      TEXT,
  ended_by      TEXT,
  end_reason    TEXT CHECK (end_reason IN ('ended', 'expired', 'removed', 'standing')),
  reminded_at   TEXT,
  end_notice_at TEXT
) STRICT;
CREATE INDEX grants_open ON grants(account_id, member_id) WHERE ended_at IS NULL;
CREATE INDEX grants_due ON grants(ends_at) WHERE ended_at IS NULL;
CREATE INDEX grants_untold ON grants(ended_at) WHERE end_notice_at IS NULL AND ended_at IS NOT NULL;
`;

export const sqlite = tables;

export const postgres = tables.replaceAll(") STRICT;", ");");
