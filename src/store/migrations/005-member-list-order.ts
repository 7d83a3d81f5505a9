/**
 * Lookups by email or Slack id whatever the status (the partial unique indexes only serve current
 * members), and lists walked in display order (owners, admins, teammates; then email) without sorting.
 */
export const sqlite = /* sql */ `
CREATE INDEX members_by_email ON members(account_id, email);
CREATE INDEX members_by_slack ON members(account_id, slack_user_id);
CREATE INDEX members_list_order ON members(
  account_id,
  (CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END),
  email
) WHERE status <> 'removed';
`;

/** PostgreSQL orders text by its database's collation; the list order compares emails bytewise, as SQLite does. */
export const postgres = /* sql */ `
CREATE INDEX members_by_email ON members(account_id, email);
CREATE INDEX members_by_slack ON members(account_id, slack_user_id);
CREATE INDEX members_list_order ON members(
  account_id,
  (CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END),
  email COLLATE "C"
) WHERE status <> 'removed';
`;
