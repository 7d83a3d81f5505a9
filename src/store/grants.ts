import type { Grant } from "../core/model.js";
import type { GrantNotice, GrantStore } from "../core/ports.js";
import { type Executor, rows, run } from "./script.js";
import { GRANT_SQL, type GrantRow, toGrant } from "./sql/grants.js";

/**
 * Grants as the background job reads them, one implementation for both engines. Each claim is one
 * UPDATE of one row, so exactly one caller (one instance) takes each notice. Starting, extending and
 * ending grants are changes, so they go through the store's `apply`.
 */
export class StoredGrants implements GrantStore {
  constructor(private readonly x: Executor) {}

  private async list(sql: string, params: object = {}): Promise<Grant[]> {
    return (await this.x.read(rows<GrantRow>(sql, params))).map(toGrant);
  }

  open(accountId: string): Promise<Grant[]> {
    return this.list(GRANT_SQL.open, { accountId });
  }

  grantsPastEnd(now: Date): Promise<Grant[]> {
    return this.list(GRANT_SQL.pastEnd, { now: now.toISOString() });
  }

  grantsToRemind(now: Date): Promise<Grant[]> {
    return this.list(GRANT_SQL.toRemind, { now: now.toISOString() });
  }

  grantsToTell(): Promise<Grant[]> {
    return this.list(GRANT_SQL.toTell);
  }

  async claimGrantNotice(grantId: string, notice: GrantNotice, now: Date): Promise<boolean> {
    const sql = notice === "reminder" ? GRANT_SQL.claimReminder : GRANT_SQL.claimEnd;
    return (await this.x.write(() => run(sql, { id: grantId, now: now.toISOString() }))) === 1;
  }

  async releaseGrantNotice(grantId: string, notice: GrantNotice): Promise<void> {
    const sql = notice === "reminder" ? GRANT_SQL.releaseReminder : GRANT_SQL.releaseEnd;
    await this.x.write(() => run(sql, { id: grantId }));
  }
}
