/** The SQL of each account's matrix: which permissions each changeable role holds (one row each). */
export const PERMISSION_SQL = {
  matrix: "SELECT role, permission FROM role_permissions WHERE account_id = @accountId",
  grant: `INSERT INTO role_permissions (account_id, role, permission) VALUES (@accountId, @role, @permission)
    ON CONFLICT DO NOTHING`,
  revoke:
    "DELETE FROM role_permissions WHERE account_id = @accountId AND role = @role AND permission = @permission",
} as const;
