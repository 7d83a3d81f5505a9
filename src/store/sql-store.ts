import type { Decision } from "../core/decision.js";
import type {
  Account,
  AccountDigest,
  AuditEntry,
  ChangeRequest,
  Grant,
  Installation,
  Invite,
  InviteWithMail,
  Member,
  MemberRef,
} from "../core/model.js";
import type { Matrix } from "../core/permissions.js";
import type {
  ApiKeyCandidate,
  ApplyContext,
  BasisQuery,
  DecisionBasis,
  MemberFilter,
  NewAccount,
  OutboxRow,
  OutboxStore,
  Page,
  StorePort,
} from "../core/ports.js";
import { applyDecision, createAccount } from "./apply.js";
import type { Dialect } from "./dialects.js";
import { StoredGrants } from "./grants.js";
import { StoredInstallations } from "./installations.js";
import { STORE_GAUGES_SQL, type StoreGauges, toStoreGauges } from "./opened.js";
import * as read from "./reads.js";
import { StoredRequests } from "./requests.js";
import { requireCurrentSchema } from "./schema.js";
import { type Executor, rows, run, type Script } from "./script.js";
import {
  type AccountRow,
  API_KEY_SQL,
  DELETE_ACCOUNT_SQL,
  type DeletedAccountRow,
  toDigest,
} from "./sql/accounts.js";
import { AUDIT_SQL, type AuditRow, toAudit } from "./sql/audit.js";
import { INVITE_SQL } from "./sql/invites.js";
import { type MemberRow, toMember } from "./sql/members.js";
import { type OutboxDbRow, toOutbox } from "./sql/outbox.js";

/**
 * The store, once for both engines: every read and write is a script of statements written once
 * (sql/*.ts, with the dialects' differences in dialects.ts), run by the engine's executor. An engine
 * adds only how it reads consistently, holds an account for a writer, and sees commits.
 */
export abstract class SqlStore implements StorePort, OutboxStore {
  /** Change requests live in the same database, so a decision and its request commit together. */
  readonly requests: StoredRequests;

  /** Slack installations: their token leases, reseals and OAuth states (saving one is a change, in `apply`). */
  readonly installations: StoredInstallations;

  /** What the grants' background job reads and claims (starting and ending one is a change, in `apply`). */
  readonly grants: StoredGrants;

  protected constructor(
    protected readonly x: Executor,
    protected readonly d: Dialect,
  ) {
    this.requests = new StoredRequests(x, d);
    this.installations = new StoredInstallations(x);
    this.grants = new StoredGrants(x);
  }

  abstract read<T>(fn: () => Promise<T>): Promise<T>;
  abstract outside<T>(fn: () => Promise<T>): Promise<T>;
  abstract write<T>(accountId: string, fn: () => Promise<T>): Promise<T>;
  abstract dataVersion(): number;

  async ping(): Promise<void> {
    requireCurrentSchema(await this.x.read(this.d.schemaVersion()));
  }

  private *accounts(sql: string, params: object = {}): Script<Account[]> {
    const found: Account[] = [];
    for (const row of yield* rows<AccountRow>(sql, params)) found.push((yield* read.account(row)) as Account);
    return found;
  }

  listAccounts(): Promise<Account[]> {
    return this.x.read(this.accounts(this.d.sql.accounts.all));
  }

  async getAccount(accountId: string): Promise<Account | null> {
    return (await this.x.read(this.accounts(this.d.sql.accounts.byId, { accountId })))[0] ?? null;
  }

  async findAccountBySlackTeam(slackTeamId: string): Promise<Account | null> {
    return (await this.x.read(this.accounts(this.d.sql.accounts.bySlackTeam, { slackTeamId })))[0] ?? null;
  }

  /** From one state (SQLite: one read transaction; PostgreSQL: one statement). */
  decisionBasis(accountId: string, query: BasisQuery): Promise<DecisionBasis | null> {
    return this.x.consistent(this.d.decisionBasis(accountId, query));
  }

  findMember(accountId: string, ref: MemberRef): Promise<Member | null> {
    return this.x.read(read.member(accountId, ref));
  }

  activeOwnerCount(accountId: string): Promise<number> {
    return this.x.read(read.activeOwnerCount(accountId));
  }

  loadMatrix(accountId: string): Promise<Matrix> {
    return this.x.read(read.matrix(accountId));
  }

  async listMembers(accountId: string, filter: MemberFilter, page?: Page): Promise<Member[]> {
    const params = { accountId, role: filter.role, status: filter.status, ...page };
    const found = await this.x.read(rows<MemberRow>(this.d.sql.members.list(filter, page), params));
    return found.map(toMember);
  }

  async countMembers(accountId: string, filter: MemberFilter): Promise<number> {
    const params = { accountId, role: filter.role, status: filter.status };
    const [row] = await this.x.read(rows<{ n: number }>(this.d.sql.members.count(filter), params));
    return row?.n ?? 0;
  }

  latestInvites(memberIds: readonly string[]): Promise<Map<string, InviteWithMail>> {
    return this.x.read(this.d.latestInvites(memberIds));
  }

  findInviteByTokenHash(tokenHash: string): Promise<{ invite: Invite; member: Member } | null> {
    return this.x.read(
      (function* () {
        const invite = yield* read.inviteByTokenHash(tokenHash);
        const member = invite && (yield* read.memberById(invite.memberId));
        return invite && member ? { invite, member } : null;
      })(),
    );
  }

  getMember(memberId: string): Promise<Member | null> {
    return this.x.read(read.memberById(memberId));
  }

  async listAudit(accountId: string, last?: number): Promise<AuditEntry[]> {
    const found =
      last === undefined
        ? await this.x.read(rows<AuditRow>(AUDIT_SQL.all, { accountId }))
        : await this.x.read(rows<AuditRow>(AUDIT_SQL.last, { accountId, last }));
    return found.map(toAudit);
  }

  async listAuditChanges(accountId: string, changes: number, before: number | null): Promise<AuditEntry[]> {
    // No seq reaches the largest 4-byte integer (PostgreSQL's column).
    const end = before ?? 2_147_483_647;
    const found = await this.x.read(
      (function* () {
        const [start] = yield* rows<{ seq: number }>(AUDIT_SQL.changeStart, {
          accountId,
          before: end,
          skip: changes - 1,
        });
        return yield* rows<AuditRow>(AUDIT_SQL.range, { accountId, start: start?.seq ?? 1, end });
      })(),
    );
    return found.map(toAudit);
  }

  getRequest(accountId: string, id: string): Promise<ChangeRequest | null> {
    return this.requests.getRequest(accountId, id);
  }

  pendingRequests(accountId: string): Promise<ChangeRequest[]> {
    return this.requests.pendingRequests(accountId);
  }

  openGrants(accountId: string): Promise<Grant[]> {
    return this.grants.open(accountId);
  }

  findInstallation(key: string): Promise<Installation | null> {
    return this.installations.find(key);
  }

  apiKeyCandidates(prefix: string): Promise<ApiKeyCandidate[]> {
    return this.x.read(rows<ApiKeyCandidate>(API_KEY_SQL.candidates, { prefix }));
  }

  async apiKeyPrefixes(): Promise<string[]> {
    return (await this.x.read(rows<{ prefix: string }>(API_KEY_SQL.prefixes))).map((row) => row.prefix);
  }

  async createAccount(input: NewAccount, ctx: Omit<ApplyContext, "accountId">): Promise<void> {
    await this.x.transaction(() => createAccount(input, ctx, this.d));
  }

  apply(ctx: ApplyContext, expectedVersion: number, decision: Decision<unknown>): Promise<boolean> {
    return this.x.transaction(() => applyDecision(ctx, expectedVersion, decision, this.d));
  }

  /** Its first statement takes the account's row: an apply of the account waits, then finds it gone. */
  deleteAccount(accountId: string, now: Date): Promise<AccountDigest | null> {
    const params = { accountId, at: now.toISOString() };
    return this.x.transaction(function* () {
      if ((yield* run(DELETE_ACCOUNT_SQL.take, params)) === 0) return null;
      yield* run(DELETE_ACCOUNT_SQL.keepDigest, params);
      for (const sql of DELETE_ACCOUNT_SQL.deletes) yield* run(sql, params);
      const [digest] = yield* rows<DeletedAccountRow>(DELETE_ACCOUNT_SQL.digest, params);
      return digest ? toDigest(digest) : null;
    });
  }

  async deletedAccounts(): Promise<AccountDigest[]> {
    return (await this.x.read(rows<DeletedAccountRow>(DELETE_ACCOUNT_SQL.digests))).map(toDigest);
  }

  claimDueMail(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    const until = new Date(now.getTime() + leaseMs).toISOString();
    return this.x.transaction(() => this.d.claimDueMail(now.toISOString(), until, limit));
  }

  async markMailSent(id: string, now: Date): Promise<void> {
    await this.x.write(() => run(this.d.sql.outbox.sent, { id, at: now.toISOString() }));
  }

  async markMailRetry(id: string, nextAttemptAt: Date, error: string): Promise<void> {
    const params = { id, at: nextAttemptAt.toISOString(), error: error.slice(0, 500) };
    await this.x.write(() => run(this.d.sql.outbox.retry, params));
  }

  async markMailFailed(id: string, error: string): Promise<void> {
    await this.x.write(() =>
      run(this.d.sql.outbox.unsent, { id, status: "failed", error: error.slice(0, 500) }),
    );
  }

  async markMailSkipped(id: string, reason: string): Promise<void> {
    await this.x.write(() =>
      run(this.d.sql.outbox.unsent, { id, status: "skipped", error: reason.slice(0, 500) }),
    );
  }

  async invitePending(inviteId: string, now: Date): Promise<boolean> {
    const found = await this.x.read(rows(INVITE_SQL.pending, { id: inviteId, now: now.toISOString() }));
    return found.length === 1;
  }

  async listMail(): Promise<OutboxRow[]> {
    return (await this.x.read(rows<OutboxDbRow>(this.d.sql.outbox.all))).map(toOutbox);
  }

  async gauges(): Promise<StoreGauges> {
    const [row] = await this.x.read(
      rows<{ queued: unknown; oldest: unknown; pending: unknown }>(STORE_GAUGES_SQL),
    );
    return toStoreGauges(row);
  }
}
