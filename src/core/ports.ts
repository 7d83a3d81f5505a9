import type { Decision, MailDraft, NewRequest, RequestClosing } from "./decision.js";
import type {
  Account,
  AccountDigest,
  AuditEntry,
  AuditSource,
  ChangeRequest,
  DecisionState,
  Grant,
  Installation,
  Invite,
  InviteWithMail,
  MailStatus,
  Member,
  MemberRef,
  MemberStatus,
  RequestPost,
  SealedTokens,
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
  account: Omit<Account, "version" | "apiKey" | "fourEyes">;
  owner: Member;
  apiKeyHash: string;
  apiKeyPrefix: string;
  /** More of the same change, written in the same transaction (a Slack install's installation). */
  with?: Pick<Decision<unknown>, "changes" | "audit">;
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
  /** The prefix of every key that may open an account: each account's key, and those rotated out. */
  apiKeyPrefixes(): Promise<string[]>;
  /** Audit entries, oldest first; with `last`, only the newest `last` of them. */
  listAudit(accountId: string, last?: number): Promise<AuditEntry[]>;
  /**
   * The entries of the newest `changes` changes before entry `before` (null: the newest of all),
   * oldest first; a change's entries are never split (see `AuditEntry.batch`).
   */
  listAuditChanges(accountId: string, changes: number, before: number | null): Promise<AuditEntry[]>;
  getRequest(accountId: string, id: string): Promise<ChangeRequest | null>;
  pendingRequests(accountId: string): Promise<ChangeRequest[]>;
  /** The account's grants nobody has ended yet (some may be past their end time), oldest first. */
  openGrants(accountId: string): Promise<Grant[]>;
  /** The Slack installation whose key (team id, or enterprise id for an org-wide install) this is. */
  findInstallation(key: string): Promise<Installation | null>;
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
  /**
   * Runs `fn` (a change's reads, decision and apply) as the account's only writer across processes
   * where the engine can: PostgreSQL holds the account's row lock in one transaction from the first
   * read to the commit, so other instances' writers wait their turn (bounded by lock_timeout: BUSY).
   * SQLite runs `fn` as it is: each apply is one synchronous transaction, guarded by the version.
   */
  write<T>(accountId: string, fn: () => Promise<T>): Promise<T>;
  /** Applies a decision atomically, only if the account is still at `expectedVersion`. False on a conflict. */
  apply(ctx: ApplyContext, expectedVersion: number, decision: Decision<unknown>): Promise<boolean>;
  createAccount(input: NewAccount, ctx: Omit<ApplyContext, "accountId">): Promise<void>;
  /**
   * Deletes an account and everything it holds — members, invites, outbox, requests, API keys, its
   * installation, its audit log — keeping only its digest (entry count and chain head). Null when
   * no such account exists.
   */
  deleteAccount(accountId: string, now: Date): Promise<AccountDigest | null>;
  /** Digests of deleted accounts, newest first. */
  deletedAccounts(): Promise<AccountDigest[]>;
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

/**
 * Slack installations beyond what `apply` writes: token refresh under a lease (one refresh per
 * installation at a time, across instances), resealing tokens under a new key, and single-use OAuth
 * states. Tokens are always sealed here.
 */
export interface InstallationStore {
  listInstallations(): Promise<Installation[]>;
  /**
   * Takes the right to refresh `key`'s token until `until`: only while its token still expires at
   * `seenExpiresAt` (nobody refreshed it meanwhile) and no other holder's lease is running. Atomic
   * across instances.
   */
  claimTokenRefresh(key: string, seenExpiresAt: string, now: Date, until: Date): Promise<boolean>;
  /**
   * Stores refreshed tokens and lets the lease go, only while the tokens are still `was`, the ones
   * refreshed from: the first refresh saved wins, and a reinstall meanwhile is never overwritten. Not
   * tied to the lease: tokens Slack has issued (spending the old refresh token) must not be lost
   * because the call outlasted it.
   */
  saveRefreshedTokens(
    key: string,
    was: SealedTokens,
    tokens: SealedTokens,
    tokenExpiresAt: string | null,
  ): Promise<boolean>;
  /** Lets a lease go without new tokens (the refresh failed); a lease that has passed to another holder stays. */
  releaseTokenRefresh(key: string, until: Date): Promise<void>;
  /** Replaces sealed tokens only while they are still `was` (a refresh meanwhile wins); true when replaced. */
  resealTokens(key: string, was: SealedTokens, now: SealedTokens): Promise<boolean>;
  /** Marks an OAuth state's nonce used; false when it was used before (a replay). Forgets nonces past their expiry. */
  consumeOAuthState(nonce: string, expiresAt: Date, now: Date): Promise<boolean>;
}

/** The two messages a grant's holder gets, each once: the reminder before the end, and the end. */
export type GrantNotice = "reminder" | "end";

/**
 * What the grants' background job needs beyond `apply` (which starts, extends and ends grants): the
 * grants that are due, across accounts, and a once-only claim on each notice.
 */
export interface GrantStore {
  /** Grants nobody has ended whose end time has come (`endsAt <= now`): the expiry job ends them. */
  grantsPastEnd(now: Date): Promise<Grant[]>;
  /** Open grants whose reminder is due (`remindAt <= now < endsAt`) and not yet claimed. */
  grantsToRemind(now: Date): Promise<Grant[]>;
  /** Grants that ended early (`ended`) or at their time (`expired`) whose holder has not been told. */
  grantsToTell(): Promise<Grant[]>;
  /**
   * Claims one notice of one grant, atomically across instances: true for the one caller that
   * takes it. A reminder is claimed only while it is due and the grant still open.
   */
  claimGrantNotice(grantId: string, notice: GrantNotice, now: Date): Promise<boolean>;
  /** Gives a claimed notice back (Slack failed for now), for the next beat to try again. */
  releaseGrantNotice(grantId: string, notice: GrantNotice): Promise<void>;
}

/** A mail in the outbox, as the mail worker sends it. */
export interface OutboxRow {
  id: string;
  accountId: string;
  recipient: string;
  mail: MailDraft;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** What the mail worker needs from storage: the outbox, written in the same transaction as a change. */
export interface OutboxStore {
  /**
   * Takes up to `limit` due rows and leases them for `leaseMs` (their next attempt moves past the
   * lease), so two workers never send the same row at once and a crashed worker's rows come back.
   */
  claimDueMail(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]>;
  /** Marks a row sent and wipes any invite token from its payload. */
  markMailSent(id: string, now: Date): Promise<void>;
  markMailRetry(id: string, nextAttemptAt: Date, error: string): Promise<void>;
  markMailFailed(id: string, error: string): Promise<void>;
  /** Marks a row that no longer needs sending (its invite died first); not a failure. */
  markMailSkipped(id: string, reason: string): Promise<void>;
  listMail(): Promise<OutboxRow[]>;
  /** Whether an invite can still be accepted (not used, revoked, replaced or expired). */
  invitePending(inviteId: string, now: Date): Promise<boolean>;
}
