import type pg from "pg";
import { GENESIS_HASH } from "../core/audit.js";
import type { AuditDraft, Change, Decision, MailDraft } from "../core/decision.js";
import { type ChangeIntent, intentToJson } from "../core/intents.js";
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
  RequestPost,
} from "../core/model.js";
import { defaultMatrix, type Matrix, type PermissionKey } from "../core/permissions.js";
import type {
  ApiKeyCandidate,
  ApplyContext,
  BasisQuery,
  DecisionBasis,
  MemberFilter,
  NewAccount,
  NewRequest,
  Page,
  RequestClosing,
  RequestStore,
  StorePort,
} from "../core/ports.js";
import { CHANGEABLE_ROLES, type ChangeableRole } from "../core/roles.js";
import { newId } from "../core/tokens.js";
import type { OutboxRow, OutboxStore } from "../mail/outbox.js";
import { StoredGrants } from "./grants.js";
import { type NamedSql, StoredInstallations } from "./installations.js";
import { STORE_GAUGES_SQL, type StoreGauges, toStoreGauges } from "./opened.js";
import type { ChangeListener, Postgres } from "./pg.js";
import {
  type AccountRow,
  API_KEY_PREFIXES_SQL,
  type AuditRow,
  claimSlackSql,
  DELETE_ACCOUNT_SQL,
  type DeletedAccountRow,
  GRANT_SELECT,
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
  outcomeToColumn,
  REQUEST_SELECT,
  type RequestRow,
  releaseSlackSql,
  requireCurrentSchema,
  toAccount,
  toAudit,
  toDigest,
  toGrant,
  toInvite,
  toMember,
  toOutbox,
  toRequest,
} from "./rows.js";

const MEMBER_LIST_ORDER = memberListOrder('email COLLATE "C"');

const MEMBER_INSERT = `INSERT INTO members (id, account_id, email, name, phone, role, status, slack_user_id,
  invited_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;
const memberValues = (m: Member) => [
  m.id,
  m.accountId,
  m.email,
  m.name,
  m.phone,
  m.role,
  m.status,
  m.slackUserId,
  m.invitedBy,
  m.createdAt,
  m.updatedAt,
];
/** The member a reference names (current before removed, newest first), as JSON, by email or Slack id. */
const memberByRef = (ref: MemberRef | null, param: string) =>
  ref === null
    ? `SELECT NULL::json WHERE ${param}::text IS NULL` // the parameter still needs a type
    : `SELECT row_to_json(m) FROM members m
      WHERE m.account_id = a.id AND m.${"email" in ref ? "email" : "slack_user_id"} = ${param}::text
      ORDER BY m.status <> 'removed' DESC, m.created_at DESC LIMIT 1`;
const refValue = (ref: MemberRef | null): string | null =>
  ref === null ? null : "email" in ref ? ref.email : ref.slackUserId;

/**
 * The version guard and the chain's newest entry in one statement. The UPDATE takes the account's row
 * lock; a writer that got there first and committed has moved the version, so this one bumps nothing
 * (the statement re-checks the row it waited for). When it does bump, no other writer of the account
 * committed after this statement's snapshot, so the newest entry it read is the newest there is (and
 * the (account_id, seq) key refuses anything else). Every commit of an account row notifies
 * rolecall_changes (migration 011).
 */
const BUMP_VERSION = `WITH bumped AS (
    UPDATE accounts SET version = version + 1 WHERE id = $1 AND version = $2 RETURNING id)
  SELECT (SELECT count(*)::int FROM bumped) AS bumped, last.seq, last.hash
  FROM (SELECT 1) one LEFT JOIN LATERAL (
    SELECT seq, hash FROM audit_log WHERE account_id = $1 ORDER BY seq DESC LIMIT 1) last ON true`;

const GRANT = `INSERT INTO role_permissions (account_id, role, permission) VALUES ($1, $2, $3)
  ON CONFLICT DO NOTHING`;

/**
 * The PostgreSQL store, for several instances on one database. Every write is one transaction whose
 * first statement bumps the account's version where it is still the one the decision was made on:
 * that row lock serializes an account's writers across instances (a second writer waits, then finds
 * the version moved and writes nothing), so its audit chain stays one chain. Each commit notifies
 * `rolecall_changes`, which moves every instance's `dataVersion`.
 */
export class PgStore implements StorePort, OutboxStore {
  readonly requests: PgRequestStore;

  /** Slack installations: their token leases, reseals and OAuth states (saving one is a change, in `apply`). */
  readonly installations: StoredInstallations;

  /** What the grants' background job reads and claims (starting and ending one is a change, in `apply`). */
  readonly grants: StoredGrants;

  constructor(
    readonly db: Postgres,
    private readonly changes: ChangeListener,
  ) {
    this.requests = new PgRequestStore(db);
    const named: NamedSql = {
      rows: async <R>(sql: string, params?: object) => (await db.queryNamed(sql, params)).rows as R[],
      run: async (sql, params) => (await db.queryNamed(sql, params)).rowCount ?? 0,
    };
    this.installations = new StoredInstallations(named);
    this.grants = new StoredGrants(named);
  }

  read<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.snapshot(fn);
  }

  outside<T>(fn: () => Promise<T>): Promise<T> {
    return this.db.outside(fn);
  }

  write<T>(accountId: string, fn: () => Promise<T>): Promise<T> {
    return this.db.exclusive("SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE", [accountId], fn);
  }

  async ping(): Promise<void> {
    const [row] = await this.db.rows<{ version: number }>("SELECT version FROM rolecall_schema");
    requireCurrentSchema(row?.version ?? 0);
  }

  dataVersion(): number {
    return this.changes.version;
  }

  private async account(row: AccountRow | undefined): Promise<Account | null> {
    if (!row) return null;
    const inGrace = await this.db.rows<ApiKeyInfo["previous"][number]>(
      `SELECT prefix, expires_at AS "expiresAt" FROM api_keys_in_grace WHERE account_id = $1 ORDER BY expires_at`,
      [row.id],
    );
    return toAccount(row, inGrace);
  }

  async listAccounts(): Promise<Account[]> {
    const rows = await this.db.rows<AccountRow>("SELECT * FROM accounts ORDER BY created_at, n");
    return Promise.all(rows.map(async (row) => (await this.account(row)) as Account));
  }

  async getAccount(accountId: string): Promise<Account | null> {
    return this.account(
      (await this.db.rows<AccountRow>("SELECT * FROM accounts WHERE id = $1", [accountId]))[0],
    );
  }

  async findAccountBySlackTeam(slackTeamId: string): Promise<Account | null> {
    const rows = await this.db.rows<AccountRow>("SELECT * FROM accounts WHERE slack_team_id = $1", [
      slackTeamId,
    ]);
    return this.account(rows[0]);
  }

  /** One statement, so one snapshot: the account and all a decision needs about it, as JSON. */
  async decisionBasis(accountId: string, query: BasisQuery): Promise<DecisionBasis | null> {
    const [row] = await this.db.rows<{
      account: AccountRow;
      in_grace: ApiKeyInfo["previous"];
      actor: MemberRow | null;
      target: MemberRow | null;
      owners: number;
      matrix: { role: ChangeableRole; permission: PermissionKey }[];
      invite: InviteRow | null;
      grants: GrantRow[];
    }>(
      `SELECT row_to_json(a) AS account,
        (SELECT COALESCE(json_agg(json_build_object('prefix', g.prefix, 'expiresAt', g.expires_at)
          ORDER BY g.expires_at), '[]') FROM api_keys_in_grace g WHERE g.account_id = a.id) AS in_grace,
        (${memberByRef(query.actor, "$2")}) AS actor,
        (${memberByRef(query.target, "$3")}) AS target,
        (SELECT count(*)::int FROM members o WHERE o.account_id = a.id AND o.role = 'owner'
          AND o.status = 'active') AS owners,
        (SELECT COALESCE(json_agg(json_build_object('role', p.role, 'permission', p.permission)), '[]')
          FROM role_permissions p WHERE p.account_id = a.id) AS matrix,
        (SELECT row_to_json(i) FROM invites i WHERE i.token_hash = $4) AS invite,
        (SELECT COALESCE(json_agg(row_to_json(o) ORDER BY o.starts_at, o.member_email, o.permission), '[]')
          FROM (${GRANT_SELECT} WHERE g.account_id = a.id AND g.ended_at IS NULL) o) AS grants
      FROM accounts a WHERE a.id = $1`,
      [accountId, refValue(query.actor), refValue(query.target), query.inviteTokenHash ?? null],
    );
    if (!row) return null;
    const matrix: Record<ChangeableRole, Set<PermissionKey>> = { admin: new Set(), teammate: new Set() };
    for (const cell of row.matrix) matrix[cell.role]?.add(cell.permission);
    return {
      account: toAccount(row.account, row.in_grace),
      actor: row.actor ? toMember(row.actor) : null,
      target: row.target ? toMember(row.target) : null,
      activeOwnerCount: row.owners,
      matrix,
      grants: row.grants.map(toGrant),
      ...(query.inviteTokenHash ? { invite: row.invite ? toInvite(row.invite) : null } : {}),
    };
  }

  async findMember(accountId: string, ref: MemberRef): Promise<Member | null> {
    const [column, value] = "email" in ref ? ["email", ref.email] : ["slack_user_id", ref.slackUserId];
    const rows = await this.db.rows<MemberRow>(
      `SELECT * FROM members WHERE account_id = $1 AND ${column} = $2
        ORDER BY status <> 'removed' DESC, created_at DESC LIMIT 1`,
      [accountId, value],
    );
    return rows[0] ? toMember(rows[0]) : null;
  }

  async activeOwnerCount(accountId: string): Promise<number> {
    const rows = await this.db.rows<{ n: number }>(
      "SELECT count(*)::int AS n FROM members WHERE account_id = $1 AND role = 'owner' AND status = 'active'",
      [accountId],
    );
    return rows[0]?.n ?? 0;
  }

  async loadMatrix(accountId: string): Promise<Matrix> {
    const columns: Record<ChangeableRole, Set<PermissionKey>> = { admin: new Set(), teammate: new Set() };
    const rows = await this.db.rows<{ role: ChangeableRole; permission: PermissionKey }>(
      "SELECT role, permission FROM role_permissions WHERE account_id = $1",
      [accountId],
    );
    for (const row of rows) columns[row.role]?.add(row.permission);
    return columns;
  }

  private memberWhere(filter: MemberFilter): { where: string; values: unknown[] } {
    const values: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    where.push(`account_id = ${param(undefined)}`);
    if (filter.role) where.push(`role = ${param(filter.role)}`);
    if (filter.status) where.push(`status = ${param(filter.status)}`);
    if (!filter.includeRemoved) where.push("status <> 'removed'");
    return { where: where.join(" AND "), values };
  }

  async listMembers(accountId: string, filter: MemberFilter, page?: Page): Promise<Member[]> {
    const { where, values } = this.memberWhere(filter);
    values[0] = accountId;
    let sql = `SELECT * FROM members WHERE ${where} ORDER BY ${MEMBER_LIST_ORDER}`;
    if (page) {
      values.push(page.limit, page.offset);
      sql += ` LIMIT $${values.length - 1} OFFSET $${values.length}`;
    }
    return (await this.db.rows<MemberRow>(sql, values)).map(toMember);
  }

  async countMembers(accountId: string, filter: MemberFilter): Promise<number> {
    const { where, values } = this.memberWhere(filter);
    values[0] = accountId;
    const rows = await this.db.rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM members WHERE ${where}`,
      values,
    );
    return rows[0]?.n ?? 0;
  }

  async latestInvites(memberIds: readonly string[]): Promise<Map<string, InviteWithMail>> {
    const latest = new Map<string, InviteWithMail>();
    if (memberIds.length === 0) return latest;
    const rows = await this.db.rows<InviteRow & { mail_status: MailStatus | null }>(
      `SELECT DISTINCT ON (i.member_id) i.*, o.status AS mail_status
        FROM invites i LEFT JOIN outbox o ON o.invite_id = i.id
        WHERE i.member_id = ANY($1) ORDER BY i.member_id, i.created_at DESC, i.n DESC`,
      [memberIds],
    );
    for (const row of rows) latest.set(row.member_id, { invite: toInvite(row), mail: row.mail_status });
    return latest;
  }

  async findInviteByTokenHash(tokenHash: string): Promise<{ invite: Invite; member: Member } | null> {
    const [invite] = await this.db.rows<InviteRow>("SELECT * FROM invites WHERE token_hash = $1", [
      tokenHash,
    ]);
    if (!invite) return null;
    const member = await this.getMember(invite.member_id);
    return member ? { invite: toInvite(invite), member } : null;
  }

  async getMember(memberId: string): Promise<Member | null> {
    const [row] = await this.db.rows<MemberRow>("SELECT * FROM members WHERE id = $1", [memberId]);
    return row ? toMember(row) : null;
  }

  async listAudit(accountId: string, last?: number): Promise<AuditEntry[]> {
    const rows =
      last === undefined
        ? await this.db.rows<AuditRow>("SELECT * FROM audit_log WHERE account_id = $1 ORDER BY seq", [
            accountId,
          ])
        : await this.db.rows<AuditRow>(
            `SELECT * FROM (SELECT * FROM audit_log WHERE account_id = $1 ORDER BY seq DESC LIMIT $2) newest
              ORDER BY seq`,
            [accountId, last],
          );
    return rows.map(toAudit);
  }

  async listAuditChanges(accountId: string, changes: number, before: number | null): Promise<AuditEntry[]> {
    const end = before ?? 2_147_483_647;
    const [start] = await this.db.rows<{ seq: number }>(
      `SELECT seq FROM audit_log WHERE account_id = $1 AND seq < $2
        AND (batch_seq IS NULL OR batch_seq = seq) ORDER BY seq DESC LIMIT 1 OFFSET $3`,
      [accountId, end, changes - 1],
    );
    const rows = await this.db.rows<AuditRow>(
      "SELECT * FROM audit_log WHERE account_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq",
      [accountId, start?.seq ?? 1, end],
    );
    return rows.map(toAudit);
  }

  async getRequest(accountId: string, id: string): Promise<ChangeRequest | null> {
    return this.requests.getRequest(accountId, id);
  }

  async pendingRequests(accountId: string): Promise<ChangeRequest[]> {
    return this.requests.pendingRequests(accountId);
  }

  openGrants(accountId: string): Promise<Grant[]> {
    return this.grants.open(accountId);
  }

  findInstallation(key: string): Promise<Installation | null> {
    return this.installations.find(key);
  }

  /** Its first statement takes the account's row lock: an apply of the account waits, then finds it gone. */
  async deleteAccount(accountId: string, now: Date): Promise<AccountDigest | null> {
    const params = { accountId, at: now.toISOString() };
    return this.db.outside(() =>
      this.db.transaction(async (c) => {
        if ((await this.db.queryNamed(DELETE_ACCOUNT_SQL.take, params, c)).rowCount === 0) return null;
        await this.db.queryNamed(DELETE_ACCOUNT_SQL.keepDigest, params, c);
        for (const sql of DELETE_ACCOUNT_SQL.deletes) await this.db.queryNamed(sql, params, c);
        const { rows } = await this.db.queryNamed<DeletedAccountRow>(DELETE_ACCOUNT_SQL.digest, params, c);
        return rows[0] ? toDigest(rows[0]) : null;
      }),
    );
  }

  async deletedAccounts(): Promise<AccountDigest[]> {
    return (await this.db.queryNamed<DeletedAccountRow>(DELETE_ACCOUNT_SQL.digests)).rows.map(toDigest);
  }

  async apiKeyCandidates(prefix: string): Promise<ApiKeyCandidate[]> {
    return this.db.rows<ApiKeyCandidate>(
      `SELECT id AS "accountId", api_key_hash AS hash, NULL AS "expiresAt" FROM accounts WHERE api_key_prefix = $1
        UNION ALL SELECT account_id, hash, expires_at FROM api_keys_in_grace WHERE prefix = $1`,
      [prefix],
    );
  }

  async apiKeyPrefixes(): Promise<string[]> {
    return (await this.db.rows<{ prefix: string }>(API_KEY_PREFIXES_SQL)).map((row) => row.prefix);
  }

  async createAccount(input: NewAccount, ctx: Omit<ApplyContext, "accountId">): Promise<void> {
    const { account, owner } = input;
    await this.db.outside(() =>
      this.db.transaction(async (c) => {
        await this.db.query(
          `INSERT INTO accounts (id, slack_team_id, name, approvals_channel, version, api_key_hash, api_key_prefix,
            api_key_created_at, created_at) VALUES ($1, $2, $3, NULL, 1, $4, $5, $6, $6)`,
          [
            account.id,
            account.slackTeamId,
            account.name,
            input.apiKeyHash,
            input.apiKeyPrefix,
            account.createdAt,
          ],
          c,
        );
        await this.db.query(MEMBER_INSERT, memberValues(owner), c);
        const matrix = defaultMatrix();
        for (const role of CHANGEABLE_ROLES)
          for (const permission of matrix[role])
            await this.db.query(GRANT, [account.id, role, permission], c);
        const full = { ...ctx, accountId: account.id };
        for (const change of input.with?.changes ?? []) await this.applyChange(c, full, change);
        await this.appendAudit(c, full, null, newAccountAudit(input));
      }),
    );
  }

  async apply(ctx: ApplyContext, expectedVersion: number, decision: Decision<unknown>): Promise<boolean> {
    return this.db.outside(() =>
      this.db.transaction(async (c) => {
        const [guard] = await this.db.rows<{ bumped: number; seq: number | null; hash: string | null }>(
          BUMP_VERSION,
          [ctx.accountId, expectedVersion],
          c,
        );
        if (!guard?.bumped) return false;
        for (const change of decision.changes) await this.applyChange(c, ctx, change);
        const last = guard.seq === null || guard.hash === null ? null : { seq: guard.seq, hash: guard.hash };
        await this.appendAudit(c, ctx, last, decision.audit);
        for (const mail of decision.mails) await this.queueMail(c, ctx, mail);
        return true;
      }),
    );
  }

  private async applyChange(c: pg.PoolClient, ctx: ApplyContext, change: Change): Promise<void> {
    const at = ctx.now.toISOString();
    switch (change.kind) {
      case "insertMember":
        await this.db.query(MEMBER_INSERT, memberValues(change.member), c);
        return;
      case "updateMember": {
        const entries = Object.entries(change.patch) as [keyof typeof MEMBER_COLUMNS, unknown][];
        const sets = entries.map(([key], i) => `${MEMBER_COLUMNS[key]} = $${i + 3}`);
        await this.db.query(
          `UPDATE members SET ${sets.join(", ")}, updated_at = $1 WHERE id = $2`,
          [at, change.memberId, ...entries.map(([, value]) => value)],
          c,
        );
        return;
      }
      case "insertInvite": {
        const i = change.invite;
        await this.db.query(
          `INSERT INTO invites (id, member_id, token_hash, expires_at, created_at, used_at, revoked_at)
            VALUES ($1, $2, $3, $4, $5, NULL, NULL)`,
          [i.id, i.memberId, i.tokenHash, i.expiresAt, i.createdAt],
          c,
        );
        return;
      }
      case "closeInvites":
        await this.db.query(
          `UPDATE invites SET ${change.how === "used" ? "used_at" : "revoked_at"} = $1
            WHERE member_id = $2 AND used_at IS NULL AND revoked_at IS NULL`,
          [at, change.memberId],
          c,
        );
        return;
      case "setPermission":
        await this.db.query(
          change.allowed
            ? GRANT
            : "DELETE FROM role_permissions WHERE account_id = $1 AND role = $2 AND permission = $3",
          [ctx.accountId, change.role, change.permission],
          c,
        );
        return;
      case "setApprovalsChannel":
        await this.db.query(
          "UPDATE accounts SET approvals_channel = $1 WHERE id = $2",
          [change.channel, ctx.accountId],
          c,
        );
        return;
      case "rotateApiKey":
        // Keys still in their grace period stay; only ended ones are swept.
        await this.db.query(
          "DELETE FROM api_keys_in_grace WHERE account_id = $1 AND expires_at <= $2",
          [ctx.accountId, at],
          c,
        );
        if (change.graceUntil)
          await this.db.query(
            `INSERT INTO api_keys_in_grace (account_id, hash, prefix, expires_at)
              SELECT id, api_key_hash, api_key_prefix, $2 FROM accounts WHERE id = $1`,
            [ctx.accountId, change.graceUntil],
            c,
          );
        await this.db.query(
          "UPDATE accounts SET api_key_hash = $2, api_key_prefix = $3, api_key_created_at = $4 WHERE id = $1",
          [ctx.accountId, change.hash, change.prefix, at],
          c,
        );
        return;
      case "insertRequest":
        await this.requests.insert(change.request, c);
        return;
      case "closeRequest":
        // The version guard already makes the first decision win; this is the belt to its braces.
        if (!(await this.requests.close(change.closing, c))) throw new Error("request was no longer pending");
        return;
      case "saveInstallation":
        await this.db.queryNamed(
          INSTALLATION_SQL.save,
          installationRow(ctx.accountId, change.installation),
          c,
        );
        return;
      case "deleteInstallation":
        await this.db.queryNamed(INSTALLATION_SQL.delete, { accountId: ctx.accountId, key: change.key }, c);
        return;
      case "setFourEyes":
      case "insertGrant":
      case "extendGrant":
      case "endGrant": {
        const { sql, params } = grantChangeSql(ctx.accountId, change);
        await this.db.queryNamed(sql, params, c);
        return;
      }
    }
  }

  /**
   * Appends a change's entries after `last` (the chain's newest entry, read under the version's row
   * lock), each marked with the change's first seq.
   */
  private async appendAudit(
    c: pg.PoolClient,
    ctx: ApplyContext,
    last: { seq: number; hash: string } | null,
    drafts: readonly AuditDraft[],
  ): Promise<void> {
    if (drafts.length === 0) return;
    let prevHash = last?.hash ?? GENESIS_HASH;
    let seq = last?.seq ?? 0;
    const batch = seq + 1;
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const draft of drafts) {
      seq++;
      const { content, before, after, target, hash } = nextAuditEntry(ctx, draft, seq, batch, prevHash);
      const row = [
        ctx.accountId,
        seq,
        content.at,
        content.actor,
        content.source,
        content.action,
        target,
        before,
        after,
        content.requestId,
        batch,
        prevHash,
        hash,
      ];
      tuples.push(`(${row.map((_, i) => `$${values.length + i + 1}`).join(", ")})`);
      values.push(...row);
      prevHash = hash;
    }
    await this.db.query(
      `INSERT INTO audit_log (account_id, seq, at, actor, source, action, target, before_json, after_json,
        request_id, batch_seq, prev_hash, hash) VALUES ${tuples.join(", ")}`,
      values,
      c,
    );
  }

  private async queueMail(c: pg.PoolClient, ctx: ApplyContext, mail: MailDraft): Promise<void> {
    const at = ctx.now.toISOString();
    await this.db.query(
      `INSERT INTO outbox (id, account_id, kind, recipient, payload_json, next_attempt_at, created_at, invite_id)
        VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
      [
        newId(),
        ctx.accountId,
        mail.kind,
        mail.to,
        JSON.stringify(mail),
        at,
        mail.kind === "invite" ? mail.inviteId : null,
      ],
      c,
    );
  }

  /** Due rows no other instance holds, leased in one statement: two instances never take the same row. */
  async claimDueMail(now: Date, leaseMs: number, limit: number): Promise<OutboxRow[]> {
    const rows = await this.db.rows<OutboxDbRow & { n: string }>(
      `UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = $2
        FROM (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= $1
          ORDER BY next_attempt_at, created_at, n LIMIT $3 FOR UPDATE SKIP LOCKED) due
        WHERE o.id = due.id RETURNING o.*`,
      [now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), limit],
    );
    return rows.sort((a, b) => Number(a.n) - Number(b.n)).map(toOutbox);
  }

  async markMailSent(id: string, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE outbox SET status = 'sent', sent_at = $2, last_error = NULL,
        payload_json = (payload_json::jsonb - 'token')::text WHERE id = $1`,
      [id, now.toISOString()],
    );
  }

  async markMailRetry(id: string, nextAttemptAt: Date, error: string): Promise<void> {
    await this.db.query(
      "UPDATE outbox SET next_attempt_at = $2, last_error = $3 WHERE id = $1 AND status = 'queued'",
      [id, nextAttemptAt.toISOString(), error.slice(0, 500)],
    );
  }

  async markMailFailed(id: string, error: string): Promise<void> {
    await this.markUnsent(id, "failed", error);
  }

  async markMailSkipped(id: string, reason: string): Promise<void> {
    await this.markUnsent(id, "skipped", reason);
  }

  private async markUnsent(id: string, status: MailStatus, why: string): Promise<void> {
    await this.db.query(
      `UPDATE outbox SET status = $2, last_error = $3, payload_json = (payload_json::jsonb - 'token')::text
        WHERE id = $1`,
      [id, status, why.slice(0, 500)],
    );
  }

  async invitePending(inviteId: string, now: Date): Promise<boolean> {
    const rows = await this.db.rows(
      "SELECT 1 FROM invites WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
      [inviteId, now.toISOString()],
    );
    return rows.length === 1;
  }

  async listMail(): Promise<OutboxRow[]> {
    return (await this.db.rows<OutboxDbRow>("SELECT * FROM outbox ORDER BY created_at, n")).map(toOutbox);
  }

  async gauges(): Promise<StoreGauges> {
    const [row] = await this.db.rows<{ queued: unknown; oldest: unknown; pending: unknown }>(
      STORE_GAUGES_SQL,
    );
    return toStoreGauges(row);
  }
}

const INSERT_REQUEST = `INSERT INTO change_requests (id, account_id, requester_id, words_json, intent_json, summary,
  effect, status, created_at, expires_at) VALUES ($1, $2, $3, '[]', $4, $5, $6, 'pending', $7, $8)`;

const CLAIM_SLACK = claimSlackSql({ accountId: "$1", id: "$2", until: "$3", now: "$4" });
const RELEASE_SLACK = releaseSlackSql({ accountId: "$1", id: "$2", until: "$3" });

/** The SQL of change requests on PostgreSQL. */
export class PgRequestStore implements RequestStore {
  constructor(private readonly db: Postgres) {}

  async insert(r: NewRequest, on?: pg.PoolClient): Promise<void> {
    await this.db.query(
      INSERT_REQUEST,
      [
        r.id,
        r.accountId,
        r.requesterId,
        intentToJson(r.intent),
        r.summary,
        r.effect,
        r.createdAt,
        r.expiresAt,
      ],
      on,
    );
  }

  async close(c: RequestClosing, on?: pg.PoolClient): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE change_requests SET status = $3, decided_by = $4, decided_at = $5, reason = $6, outcome = $7
        WHERE account_id = $1 AND id = $2 AND status = 'pending'`,
      [c.accountId, c.id, c.status, c.decidedBy, c.at, c.reason, outcomeToColumn(c.outcome)],
      on,
    );
    return result.rowCount === 1;
  }

  private async select(where: string, values: unknown[]): Promise<ChangeRequest[]> {
    return (await this.db.rows<RequestRow>(`${REQUEST_SELECT} ${where}`, values)).map(toRequest);
  }

  insertRequest(r: NewRequest): Promise<void> {
    return this.insert(r);
  }

  closeRequest(c: RequestClosing): Promise<boolean> {
    return this.close(c);
  }

  async getRequest(accountId: string, id: string): Promise<ChangeRequest | null> {
    return (await this.select("WHERE r.account_id = $1 AND r.id = $2", [accountId, id]))[0] ?? null;
  }

  pendingRequests(accountId: string): Promise<ChangeRequest[]> {
    return this.select("WHERE r.account_id = $1 AND r.status = 'pending' ORDER BY r.created_at, r.n", [
      accountId,
    ]);
  }

  requestsToPost(): Promise<ChangeRequest[]> {
    return this.select("WHERE r.posted = 0 ORDER BY r.created_at, r.n", []);
  }

  requestsToAnnounce(): Promise<ChangeRequest[]> {
    return this.select(
      "WHERE r.announced = 0 AND r.posted = 1 AND r.status <> 'pending' ORDER BY r.decided_at, r.n",
      [],
    );
  }

  async markPosted(accountId: string, id: string, posts: RequestPost[], done = true): Promise<void> {
    await this.db.query(
      "UPDATE change_requests SET posted = $3, posts_json = $4 WHERE account_id = $1 AND id = $2",
      [accountId, id, done ? 1 : 0, JSON.stringify(posts)],
    );
  }

  async markAnnounced(accountId: string, id: string): Promise<void> {
    await this.db.query(
      "UPDATE change_requests SET announced = 1, posted = 1 WHERE account_id = $1 AND id = $2",
      [accountId, id],
    );
  }

  // The UPDATE commits on its own (the row lock makes two instances' claims take turns); the read
  // that follows sees it and whatever the previous holder recorded.
  async claimSlackWork(accountId: string, id: string, now: Date, until: Date): Promise<ChangeRequest | null> {
    const claimed = await this.db.query(CLAIM_SLACK, [accountId, id, until.toISOString(), now.toISOString()]);
    return claimed.rowCount === 1 ? this.getRequest(accountId, id) : null;
  }

  async releaseSlackWork(accountId: string, id: string, until: Date): Promise<void> {
    await this.db.query(RELEASE_SLACK, [accountId, id, until.toISOString()]);
  }

  async legacyRequests(): Promise<{ request: ChangeRequest; words: string[] }[]> {
    const rows = await this.db.rows<RequestRow & { words_json: string }>(
      `${REQUEST_SELECT} WHERE r.intent_json IS NULL AND r.status = 'pending'`,
    );
    return rows.map((row) => ({ request: toRequest(row), words: JSON.parse(row.words_json) as string[] }));
  }

  async setIntent(accountId: string, id: string, intent: ChangeIntent): Promise<void> {
    await this.db.query("UPDATE change_requests SET intent_json = $3 WHERE account_id = $1 AND id = $2", [
      accountId,
      id,
      intentToJson(intent),
    ]);
  }

  expiredRequests(now: Date): Promise<ChangeRequest[]> {
    return this.select("WHERE r.status = 'pending' AND r.expires_at <= $1", [now.toISOString()]);
  }
}
