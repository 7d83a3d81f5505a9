import type { Decision, NewRequest, RequestClosing } from "./decision.js";
import type {
  Account,
  AuditEntry,
  AuditSource,
  ChangeRequest,
  DecisionState,
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

/** What a change's decision reads about its account, all from one state. */
export type DecisionBasis = Omit<DecisionState, "now" | "request" | "pending">;

/** Whom and what a decision concerns: the acting member, the member acted on, an invite by its token's hash. */
export interface BasisQuery {
  actor: MemberRef | null;
  target: MemberRef | null;
  /** When set, `invite` is loaded too (null when no invite has that hash). */
  inviteTokenHash?: string;
}

/** What a store answers from a consistent snapshot (inside `read`) or on its own. */
export interface StoreReads {
  /**
   * Everything a decision needs about an account, as of one moment, in one call (PostgreSQL: one
   * statement): the account, the actor and target members, the active owner count and the matrix.
   * Null when the account does not exist.
   */
  decisionBasis(accountId: string, query: BasisQuery): Promise<DecisionBasis | null>;
  listAccounts(): Promise<Account[]>;
  findAccountBySlackTeam(slackTeamId: string): Promise<Account | null>;
  getAccount(accountId: string): Promise<Account | null>;
  /** The member a reference names: the current one, else the latest removed one. */
  findMember(accountId: string, ref: MemberRef): Promise<Member | null>;
  activeOwnerCount(accountId: string): Promise<number>;
  loadMatrix(accountId: string): Promise<Matrix>;
  /** Members in list order (owners, admins, teammates; then by email), optionally one page of them. */
  listMembers(accountId: string, filter: MemberFilter, page?: Page): Promise<Member[]>;
  countMembers(accountId: string, filter: MemberFilter): Promise<number>;
  /** The newest invite of each of these members. */
  latestInvites(memberIds: readonly string[]): Promise<Map<string, InviteWithMail>>;
  /** The invite a token's hash names, with its member. */
  findInviteByTokenHash(tokenHash: string): Promise<{ invite: Invite; member: Member } | null>;
  getMember(memberId: string): Promise<Member | null>;
  /** Keys (in use, or rotated out and maybe still in grace) that start with `prefix`, hashed. */
  apiKeyCandidates(prefix: string): Promise<ApiKeyCandidate[]>;
  /** Audit entries, oldest first; with `last`, only the newest `last` of them. */
  listAudit(accountId: string, last?: number): Promise<AuditEntry[]>;
  /**
   * The entries of the newest `changes` changes before entry `before` (null: the newest of all),
   * oldest first; a change's entries are never split (see `AuditEntry.batch`).
   */
  listAuditChanges(accountId: string, changes: number, before: number | null): Promise<AuditEntry[]>;
  getRequest(accountId: string, id: string): Promise<ChangeRequest | null>;
  pendingRequests(accountId: string): Promise<ChangeRequest[]>;
}

/**
 * What the core needs from storage, asynchronous so that a networked database (PostgreSQL) can sit
 * behind it as well as SQLite. A transaction never spans an `await` in the core: `apply` is one
 * call that checks the account's version, writes everything and commits (or writes nothing).
 */
export interface StorePort extends StoreReads {
  /**
   * Runs `fn`, whose store reads all see one consistent snapshot (a change committed meanwhile, by
   * this process or another, makes the store run `fn` again on the newer state).
   */
  read<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` with its reads outside any `read` snapshot the caller is in: what the permission cache
   * keeps must be as of now, never as of a snapshot that began before a change it has already heard
   * of (SQLite reads the newest state anyway).
   */
  outside<T>(fn: () => Promise<T>): Promise<T>;
  /** Applies a decision atomically, only if the account is still at `expectedVersion`. False on a conflict. */
  apply(ctx: ApplyContext, expectedVersion: number, decision: Decision<unknown>): Promise<boolean>;
  createAccount(input: NewAccount, ctx: Omit<ApplyContext, "accountId">): Promise<void>;
  /**
   * Resolves when the database answers and its schema is the one this code was written for (readiness);
   * rejects when it does not answer, or another version migrated it (a rolling upgrade).
   */
  ping(): Promise<void>;
  /**
   * Changes whenever any connection commits: the permission cache's freshness check, asked once per
   * turn of the event loop on the hot path, so it is answered from memory without a round trip
   * (SQLite: `PRAGMA data_version` on the open handle; a networked store: a counter its change
   * notifications move). The one synchronous member of the port, on purpose.
   */
  dataVersion(): number;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Change requests: filed, decided once, and what Slack has been told. */
export interface RequestStore {
  insertRequest(r: NewRequest): Promise<void>;
  getRequest(accountId: string, id: string): Promise<ChangeRequest | null>;
  pendingRequests(accountId: string): Promise<ChangeRequest[]>;
  /** Closes a pending request; false when it was no longer pending (the first decision won). */
  closeRequest(c: RequestClosing): Promise<boolean>;
  requestsToPost(): Promise<ChangeRequest[]>;
  requestsToAnnounce(): Promise<ChangeRequest[]>;
  /** Records the copies so far; `done` once every place has it (or refused it for good). */
  markPosted(accountId: string, id: string, posts: RequestPost[], done?: boolean): Promise<void>;
  markAnnounced(accountId: string, id: string): Promise<void>;
  /**
   * Takes the request's Slack lease until `until` when nobody holds it or its holder's lease ran out
   * (that instance died), atomically across instances; answers the request as it now stands (posts
   * another instance recorded included), or null while another holds it.
   */
  claimSlackWork(accountId: string, id: string, now: Date, until: Date): Promise<ChangeRequest | null>;
  /**
   * Lets the lease that ends at `until` go, for the next instance (or beat) to take; a lease that has
   * since passed to another instance (this one overran its time) is theirs and stays.
   */
  releaseSlackWork(accountId: string, id: string, until: Date): Promise<void>;
  expiredRequests(now: Date): Promise<ChangeRequest[]>;
}

export type { NewRequest, RequestClosing };
