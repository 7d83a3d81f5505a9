import type { MemberStatus } from "./model.js";
import { type Matrix, type PermissionKey, roleHolds } from "./permissions.js";
import type { StorePort } from "./ports.js";
import type { Role } from "./roles.js";

interface CachedAccount {
  matrix: Matrix;
  members: Map<string, { role: Role; status: MemberStatus } | null>;
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
    const key = email.trim().toLowerCase();
    let member = account.members.get(key);
    if (member === undefined) {
      const found = this.store.findMember(accountId, { email: key });
      member = found ? { role: found.role, status: found.status } : null;
      account.members.set(key, member);
    }
    return (
      member !== null && member.status === "active" && roleHolds(account.matrix, member.role, permission)
    );
  }
}
