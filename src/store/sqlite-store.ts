import { GENESIS_HASH } from "../core/audit.js";
import type { AuditDraft, Change, Decision, MailDraft } from "../core/decision.js";
import { busy } from "../core/errors.js";
import type {
  Account,
  AccountDigest,
  ApiKeyInfo,
  AuditEntry,
  ChangeRequest,
  Grant,
  Installation,
  Invite,
  InviteWithMail,
  MailStatus,
  Member,
  MemberRef,
} from "../core/model.js";
import { defaultMatrix, type Matrix, type PermissionKey } from "../core/permissions.js";
import type {
  ApiKeyCandidate,
  ApplyContext,
  BasisQuery,
  DecisionBasis,
  MemberFilter,
  NewAccount,
  Page,
  StorePort,
} from "../core/ports.js";
import { CHANGEABLE_ROLES, type ChangeableRole } from "../core/roles.js";
import { newId } from "../core/tokens.js";
import type { OutboxRow, OutboxStore } from "../mail/outbox.js";
import { StoredGrants } from "./grants.js";
import { type NamedSql, StoredInstallations } from "./installations.js";
import type { Db } from "./open.js";
import { STORE_GAUGES_SQL, type StoreGauges, toStoreGauges } from "./opened.js";
import { SqliteRequestStore } from "./requests.js";
import {
  type AccountRow,
  API_KEY_PREFIXES_SQL,
  type AuditRow,
  DELETE_ACCOUNT_SQL,
  type DeletedAccountRow,
  GRANT_SQL,
  type GrantRow,
  grantChangeSql,
  INSTALLATION_SQL,
  type InviteRow,
  installationRow,
  MEMBER_COLUMNS,
  type MemberRow,
  memberListOrder,
  newAccountAudit,
  nextAuditEntry,
  type OutboxDbRow,
  requireCurrentSchema,
  toAccount,
  toAudit,
  toDigest,
  toGrant,
  toInvite,
  toMember,
  toOutbox,
} from "./rows.js";
import { SQLITE_WRITE_WAIT_MS, SqliteWrites } from "./sqlite-writes.js";

type Statement = ReturnType<Db["prepare"]>;

const MAX_READ_ATTEMPTS = 20;

/** Members in display order (see `memberListOrder`). */
export const MEMBER_LIST_ORDER = memberListOrder("email");

export interface SqliteStoreOptions {
  /** How long a write waits for another process's write lock before it is BUSY (10 s; tests shorten it). */
  writeWaitMs?: number;
}

/**
 * The SQLite store: all SQL lives here, every write in one BEGIN IMMEDIATE transaction or one
 * statement, each through `writes` (another process holding the file is waited for without holding
 * this process's event loop, and is BUSY past its bound).
 */
export class SqliteStore implements StorePort, OutboxStore {
  private readonly s;
  private readonly writes: SqliteWrites;

  /** Change requests live in the same database, so a decision and its change commit together. */
  readonly requests: SqliteRequestStore;

  /** Slack installations: their token leases, reseals and OAuth states (saving one is a change, in `apply`). */
  readonly installations: StoredInstallations;

  /** What the grants' background job reads and claims (starting and ending one is a change, in `apply`). */
  readonly grants: StoredGrants;

  constructor(
    readonly db: Db,
    options: SqliteStoreOptions = {},
  ) {
    const writes = new SqliteWrites(db, options.writeWaitMs ?? SQLITE_WRITE_WAIT_MS);
    this.writes = writes;
    this.requests = new SqliteRequestStore(db, writes);
    const named: NamedSql = {
      rows: async <R>(sql: string, params = {}) => this.prepared(sql).all(params) as R[],
      run: (sql, params) => writes.run(() => this.prepared(sql).run(params).changes),
    };
    this.installations = new StoredInstallations(named);
    this.grants = new StoredGrants(named);
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      dataVersion: p("PRAGMA data_version").pluck(),
      schemaVersion: p("PRAGMA user_version").pluck(),
      totalChanges: p("SELECT total_changes()").pluck(),
      accounts: p("SELECT * FROM accounts ORDER BY created_at"),
      accountById: p("SELECT * FROM accounts WHERE id = ?"),
      accountByTeam: p("SELECT * FROM accounts WHERE slack_team_id = ?"),
      bumpVersion: p("UPDATE accounts SET version = version + 1 WHERE id = ? AND version = ?"),
      setApprovals: p("UPDATE accounts SET approvals_channel = ? WHERE id = ?"),
      insertAccount:
        p(`INSERT INTO accounts (id, slack_team_id, name, approvals_channel, version, api_key_hash,
        api_key_prefix, api_key_created_at, created_at) VALUES (@id, @slackTeamId, @name, NULL, 1, @apiKeyHash,
        @apiKeyPrefix, @createdAt, @createdAt)`),
      memberByEmail: p(`SELECT * FROM members WHERE account_id = ? AND email = ?
        ORDER BY status <> 'removed' DESC, created_at DESC LIMIT 1`),
      memberBySlack: p(`SELECT * FROM members WHERE account_id = ? AND slack_user_id = ?
        ORDER BY status <> 'removed' DESC, created_at DESC LIMIT 1`),
      ownerCount: p(
        "SELECT count(*) FROM members WHERE account_id = ? AND role = 'owner' AND status = 'active'",
      ).pluck(),
      insertMember:
        p(`INSERT INTO members (id, account_id, email, name, phone, role, status, slack_user_id, invited_by,
        created_at, updated_at) VALUES (@id, @accountId, @email, @name, @phone, @role, @status, @slackUserId,
        @invitedBy, @createdAt, @updatedAt)`),
      matrix: p("SELECT role, permission FROM role_permissions WHERE account_id = ?"),
      grant: p("INSERT OR IGNORE INTO role_permissions (account_id, role, permission) VALUES (?, ?, ?)"),
      revoke: p("DELETE FROM role_permissions WHERE account_id = ? AND role = ? AND permission = ?"),
      insertInvite:
        p(`INSERT INTO invites (id, member_id, token_hash, expires_at, created_at, used_at, revoked_at)
        VALUES (@id, @memberId, @tokenHash, @expiresAt, @createdAt, NULL, NULL)`),
      revokeInvites: p(
        "UPDATE invites SET revoked_at = ? WHERE member_id = ? AND used_at IS NULL AND revoked_at IS NULL",
      ),
      useInvites: p(
        "UPDATE invites SET used_at = ? WHERE member_id = ? AND used_at IS NULL AND revoked_at IS NULL",
      ),
      latestInvite:
        p(`SELECT i.*, o.status AS mail_status FROM invites i LEFT JOIN outbox o ON o.invite_id = i.id
        WHERE i.member_id = ? ORDER BY i.created_at DESC, i.rowid DESC LIMIT 1`),
      inviteByHash: p("SELECT * FROM invites WHERE token_hash = ?"),
      memberById: p("SELECT * FROM members WHERE id = ?"),
      lastAudit: p("SELECT seq, hash FROM audit_log WHERE account_id = ? ORDER BY seq DESC LIMIT 1"),
      insertAudit: p(`INSERT INTO audit_log (account_id, seq, at, actor, source, action, target, before_json,
        after_json, request_id, batch_seq, prev_hash, hash) VALUES (@accountId, @seq, @at, @actor, @source, @action,
        @target, @before, @after, @requestId, @batch, @prevHash, @hash)`),
      audit: p("SELECT * FROM audit_log WHERE account_id = ? ORDER BY seq"),
      auditLast: p(
        "SELECT * FROM (SELECT * FROM audit_log WHERE account_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq",
      ),
      // The first entry of the Nth newest change before a cursor: a change starts where its marker
      // points at itself (unmarked entries are changes of their own). Walks the key backwards.
      auditChangeStart: p(`SELECT seq FROM audit_log WHERE account_id = ? AND seq < ?
        AND (batch_seq IS NULL OR batch_seq = seq) ORDER BY seq DESC LIMIT 1 OFFSET ?`).pluck(),
      auditRange: p("SELECT * FROM audit_log WHERE account_id = ? AND seq >= ? AND seq < ? ORDER BY seq"),
      keysInGrace: p(
        "SELECT prefix, expires_at AS expiresAt FROM api_keys_in_grace WHERE account_id = ? ORDER BY expires_at",
      ),
      keepKeyInGrace: p(`INSERT INTO api_keys_in_grace (account_id, hash, prefix, expires_at)
        SELECT id, api_key_hash, api_key_prefix, @graceUntil FROM accounts WHERE id = @accountId`),
      dropEndedKeys: p("DELETE FROM api_keys_in_grace WHERE account_id = ? AND expires_at <= ?"),
      rotateApiKey: p(`UPDATE accounts SET api_key_hash = @hash, api_key_prefix = @prefix,
        api_key_created_at = @at WHERE id = @accountId`),
      keyCandidates: p(`SELECT id AS accountId, api_key_hash AS hash, NULL AS expiresAt FROM accounts
        WHERE api_key_prefix = @prefix
        UNION ALL SELECT account_id, hash, expires_at FROM api_keys_in_grace WHERE prefix = @prefix`),
      keyPrefixes: p(API_KEY_PREFIXES_SQL).pluck(),
      allowed: p(`SELECT m.role = 'owner' OR EXISTS (SELECT 1 FROM role_permissions rp
          WHERE rp.account_id = m.account_id AND rp.role = m.role AND rp.permission = @permission)
        FROM members m WHERE m.account_id = @accountId AND m.email = @email AND m.status <> 'removed'
          AND m.status = 'active'`).pluck(),
      dueMail: p(`SELECT * FROM outbox WHERE status = 'queued' AND next_attempt_at <= ?
        ORDER BY next_attempt_at, created_at LIMIT ?`),
      leaseMail: p(`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?
        WHERE id = ? AND status = 'queued' AND next_attempt_at <= ?`),
      mailSent: p(`UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL,
        payload_json = json_remove(payload_json, '$.token') WHERE id = ?`),
      mailRetry: p(
        "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'queued'",
      ),
      mailUnsent: p(`UPDATE outbox SET status = ?, last_error = ?,
        payload_json = json_remove(payload_json, '$.token') WHERE id = ?`),
      invitePending: p(`SELECT 1 FROM invites WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL
        AND expires_at > ?`).pluck(),
      allMail: p("SELECT * FROM outbox ORDER BY created_at, rowid"),
      gauges: p(STORE_GAUGES_SQL),
      saveInstallation: p(INSTALLATION_SQL.save),
      deleteInstallation: p(INSTALLATION_SQL.delete),
      deletedAccounts: p(DELETE_ACCOUNT_SQL.digests),
      insertMail:
        p(`INSERT INTO outbox (id, account_id, kind, recipient, payload_json, next_attempt_at, created_at,
        invite_id) VALUES (@id, @accountId, @kind, @recipient, @payload, @at, @at, @inviteId)`),
    };
  }

  private readonly statements = new Map<string, Statement>();

  /** Statements whose SQL is assembled from a few fixed shapes, prepared once per shape. */
  private prepared(sql: string, pluck = false): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = pluck ? this.db.prepare(sql).pluck() : this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * better-sqlite3 is synchronous and a transaction must never span an `await` (another task's
   * statements would run inside it), so a read is validated instead of locked: it runs again when
   * any connection committed while it ran (this one: total_changes(); others: data_version).
   */
  async read<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const before = this.commitMark();
      const result = await fn();
      if (this.commitMark() === before) return result;
      if (attempt >= MAX_READ_ATTEMPTS) throw busy();
    }
  }

  private commitMark(): string {
    return `${this.s.totalChanges.get() as number}:${this.dataVersion()}`;
  }

  outside<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  write<T>(_accountId: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  async ping(): Promise<void> {
    requireCurrentSchema(this.s.schemaVersion.get() as number);
  }

  dataVersion(): number {
    return this.s.dataVersion.get() as number;
  }

  private account(row: AccountRow | undefined): Account | null {
    return row ? toAccount(row, this.s.keysInGrace.all(row.id) as ApiKeyInfo["previous"]) : null;
  }

  async listAccounts(): Promise<Account[]> {
    return (this.s.accounts.all() as AccountRow[]).map((row) => this.account(row) as Account);
  }

  async getAccount(accountId: string): Promise<Account | null> {
    return this.account(this.s.accountById.get(accountId) as AccountRow | undefined);
  }

  async findAccountBySlackTeam(slackTeamId: string): Promise<Account | null> {
    return this.account(this.s.accountByTeam.get(slackTeamId) as AccountRow | undefined);
  }

  /** Synchronous statements with no await between them: one state, without a transaction. */
  /**
   * One read transaction: without it another process (a second CLI, another instance on the file) could
   * commit between these statements, and a refusal decided on the mix of two states (an Owner who is
   * still one, with an owner count that already lost them) is never caught by the version guard.
   */
  async decisionBasis(accountId: string, query: BasisQuery): Promise<DecisionBasis | null> {
    return this.db.transaction((): DecisionBasis | null => {
      const account = this.account(this.s.accountById.get(accountId) as AccountRow | undefined);
      if (!account) return null;
      const invite = query.inviteTokenHash
        ? (this.s.inviteByHash.get(query.inviteTokenHash) as InviteRow | undefined)
        : undefined;
      return {
        account,
        actor: query.actor ? this.member(accountId, query.actor) : null,
        target: query.target ? this.member(accountId, query.target) : null,
        activeOwnerCount: this.s.ownerCount.get(accountId) as number,
        matrix: this.matrix(accountId),
        grants: (this.prepared(GRANT_SQL.open).all({ accountId }) as GrantRow[]).map(toGrant),
        ...(query.inviteTokenHash ? { invite: invite ? toInvite(invite) : null } : {}),
      };
    })();
  }

  private member(accountId: string, ref: MemberRef): Member | null {
    const row = (
      "email" in ref
        ? this.s.memberByEmail.get(accountId, ref.email)
        : this.s.memberBySlack.get(accountId, ref.slackUserId)
    ) as MemberRow | undefined;
    return row ? toMember(row) : null;
  }

  private matrix(accountId: string): Matrix {
    const columns: Record<ChangeableRole, Set<PermissionKey>> = { admin: new Set(), teammate: new Set() };
    for (const row of this.s.matrix.all(accountId) as { role: ChangeableRole; permission: PermissionKey }[]) {
      columns[row.role]?.add(row.permission);
    }
    return columns;
  }

  async findMember(accountId: string, ref: MemberRef): Promise<Member | null> {
    return this.member(accountId, ref);
  }

  async activeOwnerCount(accountId: string): Promise<number> {
    return this.s.ownerCount.get(accountId) as number;
  }

  async loadMatrix(accountId: string): Promise<Matrix> {
    return this.matrix(accountId);
  }

  private memberWhere(filter: MemberFilter): string {
    const where = ["account_id = @accountId"];
    if (filter.role) where.push("role = @role");
    if (filter.status) where.push("status = @status");
    // Stated even beside a status filter, so the partial list-order index applies.
    if (!filter.includeRemoved) where.push("status <> 'removed'");
    return where.join(" AND ");
  }

  async listMembers(accountId: string, filter: MemberFilter, page?: Page): Promise<Member[]> {
    const sql = `SELECT * FROM members WHERE ${this.memberWhere(filter)}
      ORDER BY ${MEMBER_LIST_ORDER}
      ${page ? "LIMIT @limit OFFSET @offset" : ""}`;
    const params = { accountId, role: filter.role, status: filter.status, ...page };
    return (this.prepared(sql).all(params) as MemberRow[]).map(toMember);
  }

  async countMembers(accountId: string, filter: MemberFilter): Promise<number> {
    const sql = `SELECT count(*) FROM members WHERE ${this.memberWhere(filter)}`;
    return this.prepared(sql, true).get({ accountId, role: filter.role, status: filter.status }) as number;
  }

  async latestInvites(memberIds: readonly string[]): Promise<Map<string, InviteWithMail>> {
    const latest = new Map<string, InviteWithMail>();
    for (const id of memberIds) {
      const row = this.s.latestInvite.get(id) as (InviteRow & { mail_status: MailStatus | null }) | undefined;
      if (row) latest.set(id, { invite: toInvite(row), mail: row.mail_status });
    }
    return latest;
  }

  async findInviteByTokenHash(tokenHash: string): Promise<{ invite: Invite; member: Member } | null> {
    const invite = this.s.inviteByHash.get(tokenHash) as InviteRow | undefined;
    if (!invite) return null;
    const member = this.s.memberById.get(invite.member_id) as MemberRow | undefined;
    return member ? { invite: toInvite(invite), member: toMember(member) } : null;
  }

  async getMember(memberId: string): Promise<Member | null> {
    const row = this.s.memberById.get(memberId) as MemberRow | undefined;
    return row ? toMember(row) : null;
  }

  async listAudit(accountId: string, last?: number): Promise<AuditEntry[]> {
    const rows = last === undefined ? this.s.audit.all(accountId) : this.s.auditLast.all(accountId, last);
    return (rows as AuditRow[]).map(toAudit);
  }

  async listAuditChanges(accountId: string, changes: number, before: number | null): Promise<AuditEntry[]> {
    const end = before ?? Number.MAX_SAFE_INTEGER;
    const start = (this.s.auditChangeStart.get(accountId, end, changes - 1) as number | undefined) ?? 1;
    return (this.s.auditRange.all(accountId, start, end) as AuditRow[]).map(toAudit);
  }

  async createAccount(input: NewAccount, ctx: Omit<ApplyContext, "accountId">): Promise<void> {
    await this.writes.run(() =>
      this.db
        .transaction(() => {
          const { account, owner } = input;
          this.s.insertAccount.run({
            ...account,
            apiKeyHash: input.apiKeyHash,
            apiKeyPrefix: input.apiKeyPrefix,
          });
          this.s.insertMember.run(owner);
          const matrix = defaultMatrix();
          for (const role of CHANGEABLE_ROLES)
            for (const permission of matrix[role]) this.s.grant.run(account.id, role, permission);
          const full = { ...ctx, accountId: account.id };
          for (const change of input.with?.changes ?? []) this.applyChange(full, change);
          let batch: number | null = null;
          for (const entry of newAccountAudit(input)) {
            const seq = this.appendAudit(full, batch, entry);
            batch ??= seq;
          }
        })
        .immediate(),
    );
  }

  async apply(ctx: ApplyContext, expectedVersion: number, decision: Decision<unknown>): Promise<boolean> {
    return this.writes.run(() =>
      this.db
        .transaction(() => {
          if (this.s.bumpVersion.run(ctx.accountId, expectedVersion).changes === 0) return false;
          for (const change of decision.changes) this.applyChange(ctx, change);
          // Every entry of one decision carries the seq of its first: the log reads them as one change.
          let batch: number | null = null;
          for (const entry of decision.audit) {
            const seq = this.appendAudit(ctx, batch, entry);
            batch ??= seq;
          }
          for (const mail of decision.mails) this.queueMail(ctx, mail);
          return true;
        })
        .immediate(),
    );
  }

  async getRequest(accountId: string, id: string): Promise<ChangeRequest | null> {
    return this.requests.getRequestNow(accountId, id);
  }

  async pendingRequests(accountId: string): Promise<ChangeRequest[]> {
    return this.requests.pendingNow(accountId);
  }

  openGrants(accountId: string): Promise<Grant[]> {
    return this.grants.open(accountId);
  }

  findInstallation(key: string): Promise<Installation | null> {
    return this.installations.find(key);
  }

  async deleteAccount(accountId: string, now: Date): Promise<AccountDigest | null> {
    const params = { accountId, at: now.toISOString() };
    return this.writes.run(() =>
      this.db
        .transaction(() => {
          if (this.prepared(DELETE_ACCOUNT_SQL.take).run(params).changes === 0) return null;
          this.prepared(DELETE_ACCOUNT_SQL.keepDigest).run(params);
          for (const sql of DELETE_ACCOUNT_SQL.deletes) this.prepared(sql).run(params);
          return toDigest(this.prepared(DELETE_ACCOUNT_SQL.digest).get(params) as DeletedAccountRow);
        })
        .immediate(),
    );
  }

  async deletedAccounts(): Promise<AccountDigest[]> {
    return (this.s.deletedAccounts.all() as DeletedAccountRow[]).map(toDigest);
  }

  private applyChange(ctx: ApplyContext, change: Change): void {
    const at = ctx.now.toISOString();
    switch (change.kind) {
      case "insertMember":
        this.s.insertMember.run(change.member);
        return;
      case "updateMember": {
        const entries = Object.entries(change.patch) as [keyof typeof MEMBER_COLUMNS, unknown][];
        const sets = entries.map(([key]) => `${MEMBER_COLUMNS[key]} = @${key}`);
        this.prepared(`UPDATE members SET ${sets.join(", ")}, updated_at = @at WHERE id = @id`).run({
          ...change.patch,
          at,
          id: change.memberId,
        });
        return;
      }
      case "insertInvite":
        this.s.insertInvite.run(change.invite);
        return;
      case "closeInvites":
        (change.how === "used" ? this.s.useInvites : this.s.revokeInvites).run(at, change.memberId);
        return;
      case "setPermission":
        (change.allowed ? this.s.grant : this.s.revoke).run(ctx.accountId, change.role, change.permission);
        return;
      case "setApprovalsChannel":
        this.s.setApprovals.run(change.channel, ctx.accountId);
        return;
      case "rotateApiKey": {
        const params = { ...change, at, accountId: ctx.accountId };
        // Keys still in their grace period stay; only ended ones are swept.
        this.s.dropEndedKeys.run(ctx.accountId, at);
        if (change.graceUntil) this.s.keepKeyInGrace.run(params);
        this.s.rotateApiKey.run(params);
        return;
      }
      case "insertRequest":
        this.requests.insertNow(change.request);
        return;
      case "closeRequest":
        // The version guard already makes the first decision win; this is the belt to its braces.
        if (!this.requests.closeNow(change.closing)) throw new Error("request was no longer pending");
        return;
      case "saveInstallation":
        this.s.saveInstallation.run(installationRow(ctx.accountId, change.installation));
        return;
      case "deleteInstallation":
        this.s.deleteInstallation.run({ accountId: ctx.accountId, key: change.key });
        return;
      case "setFourEyes":
      case "insertGrant":
      case "extendGrant":
      case "endGrant": {
        const { sql, params } = grantChangeSql(ctx.accountId, change);
        this.prepared(sql).run(params);
        return;
      }
    }
  }

  /** Appends one entry to the chain, marked with its change's first seq (its own when `batch` is null). */
  private appendAudit(ctx: ApplyContext, batch: number | null, draft: AuditDraft): number {
    const last = this.s.lastAudit.get(ctx.accountId) as { seq: number; hash: string } | undefined;
    const prevHash = last?.hash ?? GENESIS_HASH;
    const seq = (last?.seq ?? 0) + 1;
    const entry = nextAuditEntry(ctx, draft, seq, batch ?? seq, prevHash);
    this.s.insertAudit.run({
      ...entry.content,
      accountId: ctx.accountId,
      target: entry.target,
      before: entry.before,
      after: entry.after,
      prevHash,
      hash: entry.hash,
    });
    return seq;
  }

  async apiKeyCandidates(prefix: string): Promise<ApiKeyCandidate[]> {
    return this.s.keyCandidates.all({ prefix }) as ApiKeyCandidate[];
  }

  async apiKeyPrefixes(): Promise<string[]> {
    return this.s.keyPrefixes.all() as string[];
  }

  /** The permission check without any cache: one query. */
  allowedUncached(accountId: string, email: string, permission: string): boolean {
    return this.s.allowed.get({ accountId, email, permission }) === 1;
  }

  async claimDueMail(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    return this.writes.run(() =>
      this.db
        .transaction(() => {
          const due = this.s.dueMail.all(at, limit) as OutboxDbRow[];
          return due
            .filter((row) => this.s.leaseMail.run(until, row.id, at).changes === 1)
            .map((row) => toOutbox({ ...row, attempts: row.attempts + 1, next_attempt_at: until }));
        })
        .immediate(),
    );
  }

  async markMailSent(id: string, now: Date): Promise<void> {
    await this.writes.run(() => this.s.mailSent.run(now.toISOString(), id));
  }

  async markMailRetry(id: string, nextAttemptAt: Date, error: string): Promise<void> {
    await this.writes.run(() => this.s.mailRetry.run(nextAttemptAt.toISOString(), error.slice(0, 500), id));
  }

  async markMailFailed(id: string, error: string): Promise<void> {
    await this.writes.run(() => this.s.mailUnsent.run("failed", error.slice(0, 500), id));
  }

  async markMailSkipped(id: string, reason: string): Promise<void> {
    await this.writes.run(() => this.s.mailUnsent.run("skipped", reason.slice(0, 500), id));
  }

  async invitePending(inviteId: string, now: Date): Promise<boolean> {
    return this.s.invitePending.get(inviteId, now.toISOString()) === 1;
  }

  async listMail(): Promise<OutboxRow[]> {
    return (this.s.allMail.all() as OutboxDbRow[]).map(toOutbox);
  }

  async gauges(): Promise<StoreGauges> {
    return toStoreGauges(this.s.gauges.get() as Parameters<typeof toStoreGauges>[0]);
  }

  private queueMail(ctx: ApplyContext, mail: MailDraft): void {
    this.s.insertMail.run({
      id: newId(),
      accountId: ctx.accountId,
      kind: mail.kind,
      recipient: mail.to,
      payload: JSON.stringify(mail),
      at: ctx.now.toISOString(),
      inviteId: mail.kind === "invite" ? mail.inviteId : null,
    });
  }
}
