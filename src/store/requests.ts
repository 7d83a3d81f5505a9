import type { ChangeRequest, RequestPost } from "../core/model.js";
import type { NewRequest, RequestClosing, RequestStore } from "../core/ports.js";
import type { Dialect } from "./dialects.js";
import { type Executor, rows, run, type Script } from "./script.js";
import { closingParams, type RequestRow, requestParams, toRequest } from "./sql/requests.js";

/**
 * Change requests outside `apply` (which files and closes them with their decision), one
 * implementation for both engines. Each write is one statement, committing on its own.
 */
export class StoredRequests implements RequestStore {
  private readonly sql: Dialect["sql"]["requests"];

  constructor(
    private readonly x: Executor,
    d: Dialect,
  ) {
    this.sql = d.sql.requests;
  }

  private *list(sql: string, params: object = {}): Script<ChangeRequest[]> {
    return (yield* rows<RequestRow>(sql, params)).map(toRequest);
  }

  private *one(accountId: string, id: string): Script<ChangeRequest | null> {
    return (yield* this.list(this.sql.get, { accountId, id }))[0] ?? null;
  }

  async insertRequest(r: NewRequest): Promise<void> {
    await this.x.write(() => run(this.sql.insert, requestParams(r)));
  }

  async closeRequest(c: RequestClosing): Promise<boolean> {
    return (await this.x.write(() => run(this.sql.close, closingParams(c)))) === 1;
  }

  getRequest(accountId: string, id: string): Promise<ChangeRequest | null> {
    return this.x.read(this.one(accountId, id));
  }

  pendingRequests(accountId: string): Promise<ChangeRequest[]> {
    return this.x.read(this.list(this.sql.pending, { accountId }));
  }

  requestsToPost(): Promise<ChangeRequest[]> {
    return this.x.read(this.list(this.sql.toPost));
  }

  requestsToAnnounce(): Promise<ChangeRequest[]> {
    return this.x.read(this.list(this.sql.toAnnounce));
  }

  expiredRequests(now: Date): Promise<ChangeRequest[]> {
    return this.x.read(this.list(this.sql.expired, { now: now.toISOString() }));
  }

  async markPosted(accountId: string, id: string, posts: RequestPost[], done = true): Promise<void> {
    await this.x.write(() =>
      run(this.sql.posted, { accountId, id, done: done ? 1 : 0, posts: JSON.stringify(posts) }),
    );
  }

  async markAnnounced(accountId: string, id: string): Promise<void> {
    await this.x.write(() => run(this.sql.announced, { accountId, id }));
  }

  /**
   * The claim commits on its own (SQLite: its write lock, PostgreSQL: the row lock makes two
   * instances' claims take turns); the read that follows sees it and whatever the previous holder
   * recorded.
   */
  claimSlackWork(accountId: string, id: string, now: Date, until: Date): Promise<ChangeRequest | null> {
    return this.x.write(() => this.claim(accountId, id, now, until));
  }

  private *claim(accountId: string, id: string, now: Date, until: Date): Script<ChangeRequest | null> {
    const params = { accountId, id, until: until.toISOString(), now: now.toISOString() };
    return (yield* run(this.sql.claimSlack, params)) === 1 ? yield* this.one(accountId, id) : null;
  }

  async releaseSlackWork(accountId: string, id: string, until: Date): Promise<void> {
    await this.x.write(() => run(this.sql.releaseSlack, { accountId, id, until: until.toISOString() }));
  }
}
