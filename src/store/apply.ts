import type { Change, Decision, MailDraft } from "../core/decision.js";
import { defaultMatrix } from "../core/permissions.js";
import type { ApplyContext, NewAccount } from "../core/ports.js";
import { CHANGEABLE_ROLES } from "../core/roles.js";
import { newId } from "../core/tokens.js";
import type { ChainHead, Dialect } from "./dialects.js";
import { run, type Script } from "./script.js";
import { auditAppend, newAccountAudit } from "./sql/audit.js";
import { GRANT_CHANGE_SQL } from "./sql/grants.js";
import { INSTALLATION_SQL, installationRow } from "./sql/installations.js";
import { INVITE_SQL } from "./sql/invites.js";
import { type MEMBER_COLUMNS, MEMBER_SQL, updateMemberSql } from "./sql/members.js";
import { PERMISSION_SQL } from "./sql/permissions.js";
import { closingParams, requestParams } from "./sql/requests.js";

/**
 * Writing a decision, once for both engines: the version guard, each change, the audit entries and
 * the mails, as one script that the store runs in one transaction (see `script.ts`).
 */

/** How one kind of change is written. */
type Handler<K extends Change["kind"]> = (
  change: Extract<Change, { kind: K }>,
  ctx: ApplyContext,
  d: Dialect,
) => Script<unknown>;

/** Every kind of change and how it is written: a new kind does not compile until it is here. */
export const APPLY: { [K in Change["kind"]]: Handler<K> } = {
  *insertMember({ member }) {
    yield* run(MEMBER_SQL.insert, member);
  },
  *updateMember({ memberId, patch }, ctx) {
    const keys = Object.keys(patch) as (keyof typeof MEMBER_COLUMNS)[];
    yield* run(updateMemberSql(keys), { ...patch, at: ctx.now.toISOString(), id: memberId });
  },
  *insertInvite({ invite }) {
    yield* run(INVITE_SQL.insert, invite);
  },
  *closeInvites({ memberId, how }, ctx) {
    yield* run(how === "used" ? INVITE_SQL.use : INVITE_SQL.revoke, { at: ctx.now.toISOString(), memberId });
  },
  *setPermission({ role, permission, allowed }, ctx) {
    const params = { accountId: ctx.accountId, role, permission };
    yield* run(allowed ? PERMISSION_SQL.grant : PERMISSION_SQL.revoke, params);
  },
  *setApprovalsChannel({ channel }, ctx, d) {
    yield* run(d.sql.accounts.setApprovalsChannel, { channel, accountId: ctx.accountId });
  },
  *rotateApiKey({ hash, prefix, graceUntil }, ctx, d) {
    const sql = d.sql.accounts;
    const params = { accountId: ctx.accountId, at: ctx.now.toISOString(), hash, prefix, graceUntil };
    // Keys still in their grace period stay; only ended ones are swept.
    yield* run(sql.dropEnded, params);
    if (graceUntil) yield* run(sql.keepInGrace, params);
    yield* run(sql.rotate, params);
  },
  *insertRequest({ request }, _ctx, d) {
    yield* run(d.sql.requests.insert, requestParams(request));
  },
  *closeRequest({ closing }, _ctx, d) {
    // The version guard already makes the first decision win; this is the belt to its braces.
    if ((yield* run(d.sql.requests.close, closingParams(closing))) !== 1)
      throw new Error("request was no longer pending");
  },
  *saveInstallation({ installation }, ctx) {
    yield* run(INSTALLATION_SQL.save, installationRow(ctx.accountId, installation));
  },
  *deleteInstallation({ key }, ctx) {
    yield* run(INSTALLATION_SQL.delete, { accountId: ctx.accountId, key });
  },
  *setFourEyes({ on }, ctx, d) {
    yield* run(d.sql.accounts.setFourEyes, { accountId: ctx.accountId, on: on ? 1 : 0 });
  },
  *insertGrant({ grant: g }, ctx) {
    yield* run(GRANT_CHANGE_SQL.insert, {
      id: g.id,
      accountId: ctx.accountId,
      memberId: g.memberId,
      permission: g.permission,
      reason: g.reason,
      grantedBy: g.grantedBy,
      requestId: g.requestId,
      startsAt: g.startsAt,
      endsAt: g.endsAt,
      remindAt: g.remindAt,
    });
  },
  *extendGrant({ grantId, endsAt, remindAt }, ctx) {
    yield* run(GRANT_CHANGE_SQL.extend, { id: grantId, accountId: ctx.accountId, endsAt, remindAt });
  },
  *endGrant({ grantId, at, by, reason }, ctx) {
    yield* run(GRANT_CHANGE_SQL.end, { id: grantId, accountId: ctx.accountId, at, by, reason });
  },
};

/** Writes one change, by its kind. */
const applyChange = (change: Change, ctx: ApplyContext, d: Dialect): Script<unknown> =>
  (APPLY[change.kind] as Handler<Change["kind"]>)(change, ctx, d);

function* queueMail(ctx: ApplyContext, mail: MailDraft, d: Dialect): Script<void> {
  yield* run(d.sql.outbox.insert, {
    id: newId(),
    accountId: ctx.accountId,
    kind: mail.kind,
    recipient: mail.to,
    payload: JSON.stringify(mail),
    at: ctx.now.toISOString(),
    inviteId: mail.kind === "invite" ? mail.inviteId : null,
  });
}

/** The changes, then the audit entries after `last` (one change of the log), then the mails. */
function* write(
  ctx: ApplyContext,
  last: ChainHead,
  decision: Pick<Decision<unknown>, "changes" | "audit"> & Partial<Pick<Decision<unknown>, "mails">>,
  d: Dialect,
): Script<void> {
  for (const change of decision.changes) yield* applyChange(change, ctx, d);
  if (decision.audit.length > 0) {
    const { sql, params } = auditAppend(ctx, last, decision.audit);
    yield* run(sql, params);
  }
  for (const mail of decision.mails ?? []) yield* queueMail(ctx, mail, d);
}

/**
 * A decision, only if the account is still at `expectedVersion` (false, having written nothing,
 * when it moved). Every entry of one decision carries the seq of its first: the log reads them as
 * one change.
 */
export function* applyDecision(
  ctx: ApplyContext,
  expectedVersion: number,
  decision: Decision<unknown>,
  d: Dialect,
): Script<boolean> {
  const guard = yield* d.bumpVersion(ctx.accountId, expectedVersion);
  if (!guard.bumped) return false;
  yield* write(ctx, guard.last, decision, d);
  return true;
}

/** A new account: its row, its first Owner, the default matrix, what goes with it, and its first log entries. */
export function* createAccount(
  input: NewAccount,
  ctx: Omit<ApplyContext, "accountId">,
  d: Dialect,
): Script<void> {
  const { account, owner } = input;
  yield* run(d.sql.accounts.insert, {
    ...account,
    apiKeyHash: input.apiKeyHash,
    apiKeyPrefix: input.apiKeyPrefix,
  });
  yield* run(MEMBER_SQL.insert, owner);
  const matrix = defaultMatrix();
  for (const role of CHANGEABLE_ROLES)
    for (const permission of matrix[role])
      yield* run(PERMISSION_SQL.grant, { accountId: account.id, role, permission });
  const full = { ...ctx, accountId: account.id };
  yield* write(full, null, { changes: input.with?.changes ?? [], audit: newAccountAudit(input) }, d);
}
