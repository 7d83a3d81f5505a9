import type { MemberStatus } from "./model.js";
import { type Matrix, type PermissionKey, roleHolds } from "./permissions.js";
import type { StorePort } from "./ports.js";
import type { Role } from "./roles.js";

type CachedMember = { role: Role; status: MemberStatus } | null;

interface CachedAccount {
  matrix: Matrix;
  members: Map<string, CachedMember>;
}

/**
 * `can(member, permission)` from memory. Before trusting what it holds it asks the store whether any
 * connection has committed since (SQLite's data_version), so a change made by another process — the
 * CLI, say — is seen on the very next check. Our own writes call `invalidate()`.
 */
export class PermissionCache {
  private accounts = new Map<string, CachedAccount>();
  private seenVersion = Number.NaN;

  constructor(private readonly store: StorePort) {}

  invalidate(): void {
    this.accounts.clear();
  }

  can(accountId: string, email: string, permission: PermissionKey): boolean {
    const account = this.account(accountId);
    const member = this.lookUp(account, accountId, email);
    return (
      member !== null && member.status === "active" && roleHolds(account.matrix, member.role, permission)
    );
  }

  /** The member's role and status as the cache holds them (null when not a current member). */
  member(accountId: string, email: string): CachedMember {
    return this.lookUp(this.account(accountId), accountId, email);
  }

  private account(accountId: string): CachedAccount {
    const version = this.store.dataVersion();
    if (version !== this.seenVersion) {
      this.accounts.clear();
      this.seenVersion = version;
    }
    let account = this.accounts.get(accountId);
    if (!account) {
      account = { matrix: this.store.loadMatrix(accountId), members: new Map() };
      this.accounts.set(accountId, account);
    }
    return account;
  }

  private lookUp(account: CachedAccount, accountId: string, email: string): CachedMember {
    const key = email.trim().toLowerCase();
    let member = account.members.get(key);
    if (member === undefined) {
      const found = this.store.findMember(accountId, { email: key });
      member = found && found.status !== "removed" ? { role: found.role, status: found.status } : null;
      account.members.set(key, member);
    }
    return member;
  }
}
