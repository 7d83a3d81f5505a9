import type { Installation } from "../../core/model.js";

export interface InstallationRow {
  key: string;
  account_id: string;
  team_id: string | null;
  enterprise_id: string | null;
  is_enterprise_install: number;
  app_id: string | null;
  bot_id: string | null;
  bot_user_id: string;
  scopes_json: string;
  installer_user_id: string;
  installed_at: string;
  token_expires_at: string | null;
  bot_token: string;
  refresh_token: string | null;
}

export const toInstallation = (r: InstallationRow): Installation => ({
  key: r.key,
  accountId: r.account_id,
  teamId: r.team_id,
  enterpriseId: r.enterprise_id,
  isEnterpriseInstall: r.is_enterprise_install === 1,
  appId: r.app_id,
  botId: r.bot_id,
  botUserId: r.bot_user_id,
  scopes: JSON.parse(r.scopes_json) as string[],
  installerUserId: r.installer_user_id,
  installedAt: r.installed_at,
  tokenExpiresAt: r.token_expires_at,
  tokens: { botToken: r.bot_token, refreshToken: r.refresh_token },
});

/** An installation as its row, saved under the guard of `accountId`, the account it must belong to. */
export const installationRow = (accountId: string, i: Installation): InstallationRow => {
  if (i.accountId !== accountId)
    throw new Error(`installation ${i.key} belongs to another account than the change saving it`);
  return {
    key: i.key,
    account_id: i.accountId,
    team_id: i.teamId,
    enterprise_id: i.enterpriseId,
    is_enterprise_install: i.isEnterpriseInstall ? 1 : 0,
    app_id: i.appId,
    bot_id: i.botId,
    bot_user_id: i.botUserId,
    scopes_json: JSON.stringify(i.scopes),
    installer_user_id: i.installerUserId,
    installed_at: i.installedAt,
    token_expires_at: i.tokenExpiresAt,
    bot_token: i.tokens.botToken,
    refresh_token: i.tokens.refreshToken,
  };
};

// Every column of the row, checked by the compiler (a column left out would not be saved).
const INSTALLATION_COLUMNS = Object.keys({
  key: 1,
  account_id: 1,
  team_id: 1,
  enterprise_id: 1,
  is_enterprise_install: 1,
  app_id: 1,
  bot_id: 1,
  bot_user_id: 1,
  scopes_json: 1,
  installer_user_id: 1,
  installed_at: 1,
  token_expires_at: 1,
  bot_token: 1,
  refresh_token: 1,
} satisfies Record<keyof InstallationRow, 1>);

/**
 * The SQL of installations (migration 012), with `@name` parameters. Times are ISO text, which orders as time does.
 */
export const INSTALLATION_SQL = {
  all: "SELECT * FROM installations ORDER BY installed_at, key",
  find: "SELECT * FROM installations WHERE key = @key",
  // A reinstall replaces the row whole; its new tokens end any refresh of the old ones, so the lease
  // goes too (the old refresh's tokens must not overwrite the new install's).
  save: `INSERT INTO installations (${INSTALLATION_COLUMNS.join(", ")})
    VALUES (${INSTALLATION_COLUMNS.map((c) => `@${c}`).join(", ")})
    ON CONFLICT (key) DO UPDATE SET ${INSTALLATION_COLUMNS.filter((c) => c !== "key")
      .map((c) => `${c} = excluded.${c}`)
      .join(", ")}, refresh_lease_until = NULL`,
  delete: "DELETE FROM installations WHERE key = @key AND account_id = @accountId",
  // The one rule of the refresh lease: taken while the token is still the one the claimer saw expire
  // (nobody refreshed it meanwhile) and nobody holds the lease, or its holder's time ran out.
  claimRefresh: `UPDATE installations SET refresh_lease_until = @until
    WHERE key = @key AND token_expires_at = @seenExpiresAt
      AND (refresh_lease_until IS NULL OR refresh_lease_until <= @now)`,
  saveRefreshed: `UPDATE installations SET bot_token = @botToken, refresh_token = @refreshToken,
    token_expires_at = @tokenExpiresAt, refresh_lease_until = NULL
    WHERE key = @key AND bot_token = @wasBotToken`,
  releaseRefresh:
    "UPDATE installations SET refresh_lease_until = NULL WHERE key = @key AND refresh_lease_until = @until",
  reseal: `UPDATE installations SET bot_token = @botToken, refresh_token = @refreshToken
    WHERE key = @key AND bot_token = @wasBotToken AND refresh_token IS NOT DISTINCT FROM @wasRefreshToken`,
  forgetStates: "DELETE FROM oauth_states WHERE expires_at <= @now",
  useState:
    "INSERT INTO oauth_states (nonce, expires_at) VALUES (@nonce, @expiresAt) ON CONFLICT (nonce) DO NOTHING",
} as const;
