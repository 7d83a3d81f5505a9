import type { Decision, NewRequest, RequestClosing } from "./decision.js";
import type {
  Account,
  AuditEntry,
  AuditSource,
  ChangeRequest,
  Invite,
  InviteWithMail,
  Member,
  MemberRef,
  MemberStatus,
  RequestPost,
} from "./model.js";
import type { Matrix } from "./permissions.js";
import type { Role } from "./roles.js";

export interface ApplyContext {
  accountId: string;
  /** Who made the change, as the audit names them (an email, or "operator"/"system"). */
  actor: string;
  source: AuditSource;
  requestId: string | null;
  now: Date;
}

export interface MemberFilter {
  role?: Role;
  status?: MemberStatus;
  includeRemoved?: boolean;
}

/** A key that may open an account: the one in use (`expiresAt` null), or one in its grace period. */
export interface ApiKeyCandidate {
  accountId: string;
  hash: string;
  expiresAt: string | null;
}

export interface Page {
  offset: number;
  limit: number;
}

export interface NewAccount {
  account: Omit<Account, "version" | "apiKey">;
  owner: Member;
  apiKeyHash: string;
  apiKeyPrefix: string;
}

/**
 * What the core needs from storage. SQLite implements it today; the optimistic
 * version guard in `apply` is what lets another database implement it later.
 */
export interface StorePort {
  /** Runs `fn` against one consistent snapshot. */
  read<T>(fn: () => T): T;
  /** Runs `fn` holding the write lock (BEGIN IMMEDIATE); changes applied inside commit or roll back with it. */
  transaction<T>(fn: () => T): T;
  /** Applies a decision atomically, only if the account is still at `expectedVersion`. False on a conflict. */
  apply(ctx: ApplyContext, expectedVersion: number, decision: Decision<unknown>): boolean;
  createAccount(input: NewAccount, ctx: Omit<ApplyContext, "accountId">): void;

  listAccounts(): Account[];
  findAccountBySlackTeam(slackTeamId: string): Account | null;
  getAccount(accountId: string): Account | null;
  /** The member a reference names: the current one, else the latest removed one. */
  findMember(accountId: string, ref: MemberRef): Member | null;
  activeOwnerCount(accountId: string): number;
  loadMatrix(accountId: string): Matrix;
  /** Members in list order (owners, admins, teammates; then by email), optionally one page of them. */
  listMembers(accountId: string, filter: MemberFilter, page?: Page): Member[];
  countMembers(accountId: string, filter: MemberFilter): number;
  /** The newest invite of each of these members. */
  latestInvites(memberIds: readonly string[]): Map<string, InviteWithMail>;
  /** The invite a token's hash names, with its member. */
  findInviteByTokenHash(tokenHash: string): { invite: Invite; member: Member } | null;
  getMember(memberId: string): Member | null;
  /** Keys (in use, or rotated out and maybe still in grace) that start with `prefix`, hashed. */
  apiKeyCandidates(prefix: string): ApiKeyCandidate[];
  /** Audit entries, oldest first; with `last`, only the newest `last` of them. */
  listAudit(accountId: string, last?: number): AuditEntry[];
  /**
   * The entries of the newest `changes` changes before entry `before` (null: the newest of all),
   * oldest first; a change's entries are never split (see `AuditEntry.batch`).
   */
  listAuditChanges(accountId: string, changes: number, before: number | null): AuditEntry[];
  getRequest(accountId: string, id: string): ChangeRequest | null;
  pendingRequests(accountId: string): ChangeRequest[];
  /** Changes whenever another connection commits: the permission cache's freshness check. */
  dataVersion(): number;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Change requests: filed, decided once, and what Slack has been told. */
export interface RequestStore {
  insertRequest(r: NewRequest): void;
  getRequest(accountId: string, id: string): ChangeRequest | null;
  pendingRequests(accountId: string): ChangeRequest[];
  /** Closes a pending request; false when it was no longer pending (the first decision won). */
  closeRequest(c: RequestClosing): boolean;
  requestsToPost(): ChangeRequest[];
  requestsToAnnounce(): ChangeRequest[];
  /** Records the copies so far; `done` once every place has it (or refused it for good). */
  markPosted(accountId: string, id: string, posts: RequestPost[], done?: boolean): void;
  markAnnounced(accountId: string, id: string): void;
  expiredRequests(now: Date): ChangeRequest[];
}

export type { NewRequest, RequestClosing };
