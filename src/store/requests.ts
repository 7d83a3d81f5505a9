import { type ChangeIntent, intentToJson } from "../core/intents.js";
import type { ChangeRequest, RequestPost } from "../core/model.js";
import type { NewRequest, RequestClosing, RequestStore } from "../core/ports.js";
import type { Db } from "./open.js";
import {
  claimSlackSql,
  outcomeToColumn,
  REQUEST_SELECT,
  type RequestRow,
  releaseSlackSql,
  toRequest,
} from "./rows.js";
import type { SqliteWrites } from "./sqlite-writes.js";

/** The SQL of change requests (the `…Now` methods for the store's transactions; the others write through `writes`). */
export class SqliteRequestStore implements RequestStore {
  private readonly s;

  constructor(
    db: Db,
    private readonly writes: SqliteWrites,
  ) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insert:
        p(`INSERT INTO change_requests (id, account_id, requester_id, words_json, intent_json, summary, effect,
        status, created_at, expires_at) VALUES (@id, @accountId, @requesterId, '[]', @intent, @summary, @effect,
        'pending', @createdAt, @expiresAt)`),
      legacy: p(`${REQUEST_SELECT} WHERE r.intent_json IS NULL AND r.status = 'pending'`),
      setIntent: p("UPDATE change_requests SET intent_json = ? WHERE account_id = ? AND id = ?"),
      get: p(`${REQUEST_SELECT} WHERE r.account_id = ? AND r.id = ?`),
      pending: p(`${REQUEST_SELECT} WHERE r.account_id = ? AND r.status = 'pending' ORDER BY r.created_at`),
      close: p(`UPDATE change_requests SET status = @status, decided_by = @decidedBy, decided_at = @at,
        reason = @reason, outcome = @outcome WHERE account_id = @accountId AND id = @id AND status = 'pending'`),
      // A request decided before it was ever posted (from the CLI) is still posted, in its final state.
      toPost: p(`${REQUEST_SELECT} WHERE r.posted = 0 ORDER BY r.created_at`),
      toAnnounce: p(
        `${REQUEST_SELECT} WHERE r.announced = 0 AND r.posted = 1 AND r.status <> 'pending' ORDER BY r.decided_at`,
      ),
      posted: p("UPDATE change_requests SET posted = ?, posts_json = ? WHERE account_id = ? AND id = ?"),
      announced: p("UPDATE change_requests SET announced = 1, posted = 1 WHERE account_id = ? AND id = ?"),
      claimSlack: p(claimSlackSql({ accountId: "@accountId", id: "@id", until: "@until", now: "@now" })),
      releaseSlack: p(releaseSlackSql({ accountId: "?", id: "?", until: "?" })),
      expired: p(`${REQUEST_SELECT} WHERE r.status = 'pending' AND r.expires_at <= ?`),
    };
  }

  // The synchronous statements, for the store's transactions (which never span an await).
  insertNow(r: NewRequest): void {
    this.s.insert.run({ ...r, intent: intentToJson(r.intent) });
  }

  getRequestNow(accountId: string, id: string): ChangeRequest | null {
    const row = this.s.get.get(accountId, id) as RequestRow | undefined;
    return row ? toRequest(row) : null;
  }

  pendingNow(accountId: string): ChangeRequest[] {
    return (this.s.pending.all(accountId) as RequestRow[]).map(toRequest);
  }

  closeNow(c: RequestClosing): boolean {
    return this.s.close.run({ ...c, outcome: outcomeToColumn(c.outcome) }).changes === 1;
  }

  async insertRequest(r: NewRequest): Promise<void> {
    await this.writes.run(() => this.insertNow(r));
  }

  async getRequest(accountId: string, id: string): Promise<ChangeRequest | null> {
    return this.getRequestNow(accountId, id);
  }

  async pendingRequests(accountId: string): Promise<ChangeRequest[]> {
    return this.pendingNow(accountId);
  }

  closeRequest(c: RequestClosing): Promise<boolean> {
    return this.writes.run(() => this.closeNow(c));
  }

  async requestsToPost(): Promise<ChangeRequest[]> {
    return (this.s.toPost.all() as RequestRow[]).map(toRequest);
  }

  async requestsToAnnounce(): Promise<ChangeRequest[]> {
    return (this.s.toAnnounce.all() as RequestRow[]).map(toRequest);
  }

  async markPosted(accountId: string, id: string, posts: RequestPost[], done = true): Promise<void> {
    await this.writes.run(() => this.s.posted.run(done ? 1 : 0, JSON.stringify(posts), accountId, id));
  }

  async markAnnounced(accountId: string, id: string): Promise<void> {
    await this.writes.run(() => this.s.announced.run(accountId, id));
  }

  // The UPDATE and the read run back to back with no await between: nothing else on this
  // connection runs in between, and another process's write waits for SQLite's lock.
  claimSlackWork(accountId: string, id: string, now: Date, until: Date): Promise<ChangeRequest | null> {
    return this.writes.run(() => {
      const params = { accountId, id, until: until.toISOString(), now: now.toISOString() };
      return this.s.claimSlack.run(params).changes === 1 ? this.getRequestNow(accountId, id) : null;
    });
  }

  async releaseSlackWork(accountId: string, id: string, until: Date): Promise<void> {
    await this.writes.run(() => this.s.releaseSlack.run(accountId, id, until.toISOString()));
  }

  /** Pending requests filed before intents were stored, with the words they were filed with. */
  async legacyRequests(): Promise<{ request: ChangeRequest; words: string[] }[]> {
    return (this.s.legacy.all() as RequestRow[]).map((row) => ({
      request: toRequest(row),
      words: JSON.parse(row.words_json) as string[],
    }));
  }

  async setIntent(accountId: string, id: string, intent: ChangeIntent): Promise<void> {
    await this.writes.run(() => this.s.setIntent.run(intentToJson(intent), accountId, id));
  }

  async expiredRequests(now: Date): Promise<ChangeRequest[]> {
    return (this.s.expired.all(now.toISOString()) as RequestRow[]).map(toRequest);
  }
}
