import { can, type Holder } from "./can.js";
import { LruMap } from "./lru.js";
import { type Grant, isActiveGrant } from "./model.js";
import type { Matrix, PermissionKey } from "./permissions.js";
import { type Clock, type StorePort, systemClock } from "./ports.js";

/**
 * A member as checks need them: role and status, the account's matrix as loaded with them, and their
 * grants not yet ended (each works until its end time: `granted` compares the clock, rule 8).
 */
export type CachedMember =
  | (Holder & {
      matrix: Matrix;
      granted: GrantsAt;
    })
  | null;

/** What a member's grants let them use, compared with the clock at each question (rule 8). */
class GrantsAt {
  constructor(
    private readonly grants: readonly Grant[],
    private readonly clock: Clock,
  ) {}

  has(permission: PermissionKey): boolean {
    return this.grants.length > 0 && this.find(permission) !== undefined;
  }

  /** The grant of `permission` that works now, if any. */
  find(permission: PermissionKey): Grant | undefined {
    const now = this.clock.now();
    return this.grants.find((g) => g.permission === permission && isActiveGrant(g, now));
  }
}

const NO_GRANTS: readonly Grant[] = [];

interface CachedAccount {
  matrix: Matrix;
  /** The account's grants nobody has ended, by member id. */
  grants: Map<string, Grant[]>;
  members: LruMap<string, CachedMember>;
}

/**
 * How much the cache holds. Its keys come from requests (API keys, emails, Slack ids), so each map
 * is bounded and drops the least recently used entry: a flood of made-up keys costs lookups, never
 * memory.
 */
export interface CacheLimits {
  /** CACHE_MAX_ACCOUNTS. */
  accounts: number;
  membersPerAccount: number;
  memos: number;
}

export const DEFAULT_CACHE_LIMITS: CacheLimits = {
  accounts: 10_000,
  membersPerAccount: 10_000,
  memos: 10_000,
};

/** An answer from memory when the cache holds it, else a promise of one loaded from the store. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * `can(member, permission)` from memory. Before trusting what it holds it asks the store whether any
 * connection has committed since (SQLite's data_version), so a change made by another process — the
 * CLI, say — is seen by the next request. It asks once per turn of the event loop: a burst of checks
 * within one request shares one look, and every new request (a new turn) looks again. Our own writes
 * call `invalidate()`.
 *
 * The store is asynchronous, but a warm answer is not: `can`, `member`, `matrix` and `memo` return
 * the value itself when it is in memory (no promise, no allocation on the hot path) and a promise
 * only when they must load. Callers `await` either. A load that overlaps a write (the generation
 * moved meanwhile) answers its caller but is not kept.
 */
export class PermissionCache {
  private readonly accounts: LruMap<string, CachedAccount>;
  private last: { id: string; account: CachedAccount } | null = null;
  private readonly memos: LruMap<string, unknown>;
  private seenVersion = Number.NaN;
  private checkedThisTurn = false;
  private generation = 0;
  /** Permission checks answered from memory, and those that had to load (for /metrics). */
  readonly stats = { hits: 0, misses: 0 };

  constructor(
    private readonly store: StorePort,
    private readonly limits: CacheLimits = DEFAULT_CACHE_LIMITS,
    private readonly clock: Clock = systemClock,
  ) {
    this.accounts = new LruMap(limits.accounts);
    this.memos = new LruMap(limits.memos);
  }

  invalidate(): void {
    this.generation++;
    this.accounts.clear();
    this.last = null;
    this.memos.clear();
  }

  /** Any other read that stays true until the next write (e.g. how many members match a filter). */
  memo<T>(key: string, compute: () => Promise<T>): MaybePromise<T> {
    this.freshen();
    if (this.memos.has(key)) return this.memos.get(key) as T;
    return this.memoLoad(key, compute);
  }

  /** What was kept under `key` since the last write, if anything (see `keep`). */
  kept(key: string): unknown {
    this.freshen();
    return this.memos.get(key);
  }

  /** Which data the cache holds now: a value built from it may be kept only while it is the same. */
  epoch(): number {
    this.freshen();
    return this.generation;
  }

  /**
   * Keeps a value built from the data as it was at `since` (a reply): not at all when a write came
   * in between, and forgotten at the next write anywhere.
   */
  keep(key: string, value: unknown, since: number): void {
    this.freshen();
    if (since === this.generation) this.memos.set(key, value);
  }

  private async memoLoad<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const generation = this.generation;
    const value = await this.store.outside(compute);
    if (generation === this.generation) this.memos.set(key, value);
    return value;
  }

  can(accountId: string, email: string, permission: PermissionKey): MaybePromise<boolean> {
    const account = this.warmAccount(accountId);
    if (account !== undefined) {
      const member = this.warmMember(account, email);
      if (member !== undefined) {
        this.stats.hits++;
        return this.holds(member, permission);
      }
    }
    this.stats.misses++;
    return this.loadAllowed(accountId, email, permission);
  }

  /** `can()` for a member as the cache holds them: by role, or by a grant not yet at its end. */
  holds(member: CachedMember, permission: PermissionKey): boolean {
    return member !== null && can(member.matrix, member, permission);
  }

  // Apart from `can`, so the warm path captures nothing in a closure (no context allocated per call).
  private async loadAllowed(accountId: string, email: string, permission: PermissionKey): Promise<boolean> {
    return this.holds(await this.loadMember(accountId, email), permission);
  }

  /** The account's grants nobody has ended (some may be past their end: compare the clock). */
  openGrants(accountId: string): MaybePromise<ReadonlyMap<string, readonly Grant[]>> {
    const account = this.warmAccount(accountId);
    return account ? account.grants : this.loadAccount(accountId).then((a) => a.grants);
  }

  /** An account's matrix as of this turn. */
  matrix(accountId: string): MaybePromise<Matrix> {
    const account = this.warmAccount(accountId);
    return account ? account.matrix : this.loadAccount(accountId).then((a) => a.matrix);
  }

  /** The member's role and status as the cache holds them (null when not a current member). */
  member(accountId: string, email: string): MaybePromise<CachedMember> {
    const account = this.warmAccount(accountId);
    if (account !== undefined) {
      const member = this.warmMember(account, email);
      if (member !== undefined) {
        this.stats.hits++;
        return member;
      }
    }
    this.stats.misses++;
    return this.loadMember(accountId, email);
  }

  /** The member as held in memory; undefined when they must be loaded. */
  private warmMember(account: CachedAccount, email: string): CachedMember | undefined {
    // Callers mostly pass emails as stored (trimmed, lower-case): try that before normalising.
    const exact = account.members.get(email);
    return exact !== undefined ? exact : account.members.get(email.trim().toLowerCase());
  }

  private freshen(): void {
    if (this.checkedThisTurn) return;
    this.checkedThisTurn = true;
    setImmediate(() => {
      this.checkedThisTurn = false;
    }).unref();
    const version = this.store.dataVersion();
    if (version !== this.seenVersion) {
      this.invalidate();
      this.seenVersion = version;
    }
  }

  private warmAccount(accountId: string): CachedAccount | undefined {
    this.freshen();
    if (this.last?.id === accountId) return this.last.account;
    const account = this.accounts.get(accountId);
    if (account) this.last = { id: accountId, account };
    return account;
  }

  private async loadAccount(accountId: string): Promise<CachedAccount> {
    const generation = this.generation;
    const { matrix, open } = await this.store.outside(async () => ({
      matrix: await this.store.loadMatrix(accountId),
      open: await this.store.openGrants(accountId),
    }));
    const grants = new Map<string, Grant[]>();
    for (const grant of open) grants.set(grant.memberId, [...(grants.get(grant.memberId) ?? []), grant]);
    const loaded: CachedAccount = { matrix, grants, members: new LruMap(this.limits.membersPerAccount) };
    if (generation !== this.generation) return loaded;
    // Another caller may have loaded it meanwhile: keep theirs, so its members stay cached.
    const account = this.accounts.get(accountId) ?? loaded;
    this.accounts.set(accountId, account);
    this.last = { id: accountId, account };
    return account;
  }

  private async loadMember(accountId: string, email: string): Promise<CachedMember> {
    const generation = this.generation;
    const account = this.warmAccount(accountId) ?? (await this.loadAccount(accountId));
    const key = email.trim().toLowerCase();
    const known = account.members.get(key);
    if (known !== undefined) return known;
    const found = await this.store.outside(() => this.store.findMember(accountId, { email: key }));
    const grants = found?.status === "active" ? (account.grants.get(found.id) ?? NO_GRANTS) : NO_GRANTS;
    const member: CachedMember =
      found && found.status !== "removed"
        ? {
            role: found.role,
            status: found.status,
            // The matrix itself: no copy, and gone with the cache when the matrix changes.
            matrix: account.matrix,
            granted: new GrantsAt(grants, this.clock),
          }
        : null;
    if (generation === this.generation) account.members.set(key, member);
    return member;
  }
}
