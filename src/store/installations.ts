import type { Installation, SealedTokens } from "../core/model.js";
import type { InstallationStore } from "../core/ports.js";
import { type Executor, rows, run } from "./script.js";
import { INSTALLATION_SQL, type InstallationRow, toInstallation } from "./sql/installations.js";

/**
 * Slack installations, one implementation for both engines: every method is one statement (the
 * OAuth state two, each atomic on its own), so a lease is atomic across instances — SQLite's write
 * lock and PostgreSQL's row lock each let one UPDATE at a time see the row. Saving and deleting an
 * installation are changes, so they go through the store's `apply` instead.
 */
export class StoredInstallations implements InstallationStore {
  constructor(private readonly x: Executor) {}

  private readonly sql = {
    rows: <R>(sql: string, params: object = {}) => this.x.read(rows<R>(sql, params)),
    run: (sql: string, params: object) => this.x.write(() => run(sql, params)),
  };

  async find(key: string): Promise<Installation | null> {
    const [row] = await this.sql.rows<InstallationRow>(INSTALLATION_SQL.find, { key });
    return row ? toInstallation(row) : null;
  }

  async listInstallations(): Promise<Installation[]> {
    return (await this.sql.rows<InstallationRow>(INSTALLATION_SQL.all)).map(toInstallation);
  }

  async claimTokenRefresh(key: string, seenExpiresAt: string, now: Date, until: Date): Promise<boolean> {
    const params = { key, seenExpiresAt, now: now.toISOString(), until: until.toISOString() };
    return (await this.sql.run(INSTALLATION_SQL.claimRefresh, params)) === 1;
  }

  async saveRefreshedTokens(
    key: string,
    was: SealedTokens,
    tokens: SealedTokens,
    tokenExpiresAt: string | null,
  ): Promise<boolean> {
    const params = { key, wasBotToken: was.botToken, ...tokens, tokenExpiresAt };
    return (await this.sql.run(INSTALLATION_SQL.saveRefreshed, params)) === 1;
  }

  async releaseTokenRefresh(key: string, until: Date): Promise<void> {
    await this.sql.run(INSTALLATION_SQL.releaseRefresh, { key, until: until.toISOString() });
  }

  async resealTokens(key: string, was: SealedTokens, now: SealedTokens): Promise<boolean> {
    const params = { key, ...now, wasBotToken: was.botToken, wasRefreshToken: was.refreshToken };
    return (await this.sql.run(INSTALLATION_SQL.reseal, params)) === 1;
  }

  async consumeOAuthState(nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
    await this.sql.run(INSTALLATION_SQL.forgetStates, { now: now.toISOString() });
    return (
      (await this.sql.run(INSTALLATION_SQL.useState, { nonce, expiresAt: expiresAt.toISOString() })) === 1
    );
  }
}
