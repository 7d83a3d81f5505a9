/**
 * Every rotated-out API key whose grace period has not ended keeps working until its own end, so a
 * later rotation never cuts one short: they move from one column set on accounts to a table of their own.
 */
export const sqlite = /* sql */ `
CREATE TABLE api_keys_in_grace (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  hash       TEXT NOT NULL,
  prefix     TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  PRIMARY KEY (account_id, hash)
) STRICT;
CREATE INDEX api_keys_in_grace_prefix ON api_keys_in_grace(prefix);
INSERT INTO api_keys_in_grace (account_id, hash, prefix, expires_at)
  SELECT id, previous_api_key_hash, previous_api_key_prefix, previous_api_key_expires_at FROM accounts
  WHERE previous_api_key_hash IS NOT NULL AND previous_api_key_prefix IS NOT NULL
    AND previous_api_key_expires_at IS NOT NULL;
DROP INDEX accounts_previous_api_key_prefix;
ALTER TABLE accounts DROP COLUMN previous_api_key_hash;
ALTER TABLE accounts DROP COLUMN previous_api_key_prefix;
ALTER TABLE accounts DROP COLUMN previous_api_key_expires_at;
`;

export const postgres = sqlite.replace(") STRICT;", ");");
