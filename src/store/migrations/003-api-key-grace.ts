/** A rotated API key may keep working for a grace period; it is kept (hashed) beside the new one. */
export const sqlite = /* sql */ `
ALTER TABLE accounts ADD COLUMN previous_api_key_hash TEXT;
ALTER TABLE accounts ADD COLUMN previous_api_key_prefix TEXT;
ALTER TABLE accounts ADD COLUMN previous_api_key_expires_at TEXT;
CREATE INDEX accounts_api_key_prefix ON accounts(api_key_prefix);
CREATE INDEX accounts_previous_api_key_prefix ON accounts(previous_api_key_prefix);
`;

export const postgres = sqlite;
