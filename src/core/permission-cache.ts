import { LruMap } from "./lru.js";
import type { MemberStatus } from "./model.js";
import { type Matrix, PERMISSION_KEYS, type PermissionKey } from "./permissions.js";
import type { StorePort } from "./ports.js";
import type { Role } from "./roles.js";

/** A member as checks need them: role, status, and the permissions they hold right now. */
type CachedMember = { role: Role; status: MemberStatus; allowed: ReadonlySet<PermissionKey> } | null;

const EVERYTHING: ReadonlySet<PermissionKey> = new Set(PERMISSION_KEYS);
const NOTHING: ReadonlySet<PermissionKey> = new Set();

interface CachedAccount {
  matrix: Matrix;
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

/**
 * `can(member, permission)` from memory. Before trusting what it holds it asks the store whether any
 * connection has committed since (SQLite's data_version), so a change made by another process — the
 * CLI, say — is seen by the next request. It asks once per turn of the event loop: a burst of checks
 * within one request shares one look, and every new request (a new turn) looks again. Our own writes
 * call `invalidate()`.
 */
export class PermissionCache {
  private readonly accounts: LruMap<string, CachedAccount>;
  private last: { id: string; account: CachedAccount } | null = null;
  private readonly memos: LruMap<string, unknown>;
  private seenVersion = Number.NaN;
  private checkedThisTurn = false;

  constructor(
    private readonly store: StorePort,
    private readonly limits: CacheLimits = DEFAULT_CACHE_LIMITS,
  ) {
    this.accounts = new LruMap(limits.accounts);
    this.memos = new LruMap(limits.memos);
  }

  invalidate(): void {
    this.accounts.clear();
    this.last = null;
    this.memos.clear();
  }

  /** Any other read that stays true until the next write (e.g. how many members match a filter). */
  memo<T>(key: string, compute: () => T): T {
    this.freshen();
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  can(accountId: string, email: string, permission: PermissionKey): boolean {
    const member = this.lookUp(this.account(accountId), accountId, email);
    return member?.allowed.has(permission) ?? false;
  }

  /** An account's matrix as of this turn. */
  matrix(accountId: string): Matrix {
    return this.account(accountId).matrix;
  }

  /** The member's role and status as the cache holds them (null when not a current member). */
  member(accountId: string, email: string): CachedMember {
    return this.lookUp(this.account(accountId), accountId, email);
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

  private account(accountId: string): CachedAccount {
    this.freshen();
    if (this.last?.id === accountId) return this.last.account;
    let account = this.accounts.get(accountId);
    if (!account) {
      account = {
        matrix: this.store.loadMatrix(accountId),
        members: new LruMap(this.limits.membersPerAccount),
      };
      this.accounts.set(accountId, account);
    }
    this.last = { id: accountId, account };
    return account;
  }

  private lookUp(account: CachedAccount, accountId: string, email: string): CachedMember {
    // Callers mostly pass emails as stored (trimmed, lower-case): try that before normalising.
    const exact = account.members.get(email);
    if (exact !== undefined) return exact;
    const key = email.trim().toLowerCase();
    let member = account.members.get(key);
    if (member === undefined) {
      const found = this.store.findMember(accountId, { email: key });
      member =
        found && found.status !== "removed"
          ? {
              role: found.role,
              status: found.status,
              // The matrix's own column: no copy, and gone with the cache when the matrix changes.
              allowed:
                found.status !== "active"
                  ? NOTHING
                  : found.role === "owner"
                    ? EVERYTHING
                    : account.matrix[found.role],
            }
          : null;
      account.members.set(key, member);
    }
    return member;
  }
}
