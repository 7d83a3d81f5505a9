import { verifyChain } from "./audit.js";
import {
  type AddMemberInput,
  type ChangeResult,
  decideAcceptInvite,
  decideActivate,
  decideAddMember,
  decideEditMember,
  decideLinkSlackUser,
  decideRemoveMember,
  decideResendInvite,
  decideRevokeInvite,
  decideRotateApiKey,
  decideSetApprovalsChannel,
  decideSetMatrix,
  decideSetPermission,
  type EditMemberInput,
  type FreshInvite,
  type SetPermissionInput,
} from "./decide.js";
import type { Decision } from "./decision.js";
import { CoreError } from "./errors.js";
import {
  accountNameSchema,
  emailSchema,
  memberRefSchema,
  nameSchema,
  parseInput,
  permissionSchema,
  phoneSchema,
  roleSchema,
  slackChannelIdSchema,
  slackTeamIdSchema,
  slackUserIdSchema,
} from "./input.js";
import {
  type Account,
  type ApiKeyInfo,
  type AuditEntry,
  type AuditSource,
  type DecisionState,
  describeRef,
  type InviteState,
  inviteState,
  inviteTokenState,
  type Member,
  type MemberRef,
  type MemberView,
} from "./model.js";
import { DEFAULT_CACHE_LIMITS, PermissionCache } from "./permission-cache.js";
import { matrixAsLists, PERMISSIONS, type PermissionKey, permissionsOf, roleHolds } from "./permissions.js";
import {
  mayStopApiKeyAtOnce,
  requireActiveActor,
  requireMayActOn,
  requirePermission,
  requireTarget,
} from "./policy.js";
import type { Clock, MemberFilter, Page, RequestStore, StorePort } from "./ports.js";
import { RequestsCore } from "./requests.js";
import {
  CHANGEABLE_ROLES,
  type ChangeableRole,
  isWithinHierarchy,
  ROLE_LABEL,
  ROLES,
  type Role,
} from "./roles.js";
import { newApiKey, newId, randomToken, sameSecretHash, sha256Hex } from "./tokens.js";

/** Who acts, on which account, through which door. */
export interface ActorContext {
  accountId: string;
  actor: MemberRef;
  source: AuditSource;
  requestId?: string | null;
  /**
   * Decide as if the (active) actor were another Owner, on the state now, and write nothing: what a
   * change request would do if an Owner approved it.
   */
  preview?: boolean;
}

export interface CoreOptions {
  store: StorePort;
  clock: Clock;
  inviteTtlHours: number;
  requestStore: RequestStore;
  requestTtlHours: number;
  /** CACHE_MAX_ACCOUNTS: accounts kept in the permission cache. */
  cacheMaxAccounts?: number;
}

export interface WhoAmI {
  email: string;
  name: string | null;
  role: Role;
  status: Member["status"];
  permissions: PermissionKey[];
  account: { name: string; slackTeamId: string };
}

export interface PermissionsView {
  /** The whole matrix for holders of access_permissions; otherwise only the asker's own role. */
  matrix: Partial<Record<Role, PermissionKey[]>>;
  full: boolean;
  editableRoles: ChangeableRole[];
}

export type InvitePreview =
  | { state: "unknown" }
  | {
      state: InviteState;
      accountId: string;
      accountName: string;
      email: string;
      role: Role;
      permissions: PermissionKey[];
      inviter: { name: string | null; email: string; slackUserId: string | null } | null;
      expiresAt: string;
    };

export interface RotatedKey extends ChangeResult {
  /** The new key, in full: shown this once and never stored. */
  apiKey: string;
  prefix: string;
  /** When the old key stops working: an ISO time, or "now". */
  oldKeyWorksUntil: string;
}

/** A rotation asked for from a key no longer in use: somebody already rotated it (`prefix` is in use). */
export interface AlreadyRotated {
  ok: true;
  changed: false;
  alreadyRotated: true;
  prefix: string;
}

export interface ApiMember {
  email: string;
  name: string | null;
  role: Role;
  status: Member["status"];
}

export interface Explanation {
  allowed: boolean;
  role: Role | null;
  reason: string;
}

export interface MemberForm {
  assignableRoles: Role[];
  member: MemberView | null;
  self: boolean;
}

export interface MemberList {
  members: MemberView[];
  /** How many members match the filter, across all pages. */
  total: number;
  offset: number;
}

export interface CreatedAccount {
  account: Account;
  owner: { email: string };
  apiKey: string;
}

const MAX_ATTEMPTS = 20;

/** Who a change is made by: a member (named by `actor`), or the operator/system under `label`. */
interface Who {
  accountId: string;
  label: string | null;
  source: AuditSource;
  requestId: string | null;
  actor: MemberRef | null;
  preview?: boolean;
}

/** The state as another active Owner would see it: the actor, checked active, stands in as one. */
const asAnotherOwner = (state: DecisionState): DecisionState => ({
  ...state,
  actor: { ...requireActiveActor(state), id: "another-owner", role: "owner" },
});

/**
 * The access core's use-cases. Every one authorises inside, so Slack, the CLI and HTTP are all covered.
 * Changes follow one shape: load a snapshot → decide (pure) → apply under the account's version guard.
 */
export class AccessCore {
  readonly store: StorePort;
  private readonly clock: Clock;
  private readonly inviteTtlHours: number;
  private readonly cache: PermissionCache;
  /** Change requests that Owners approve or reject (§3). */
  readonly requests: RequestsCore;

  constructor(options: CoreOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.inviteTtlHours = options.inviteTtlHours;
    this.cache = new PermissionCache(options.store, {
      ...DEFAULT_CACHE_LIMITS,
      accounts: options.cacheMaxAccounts ?? DEFAULT_CACHE_LIMITS.accounts,
    });
    this.requests = new RequestsCore(
      options.store,
      options.requestStore,
      options.clock,
      options.requestTtlHours,
    );
  }

  // ── accounts ────────────────────────────────────────────────────────────

  createAccount(input: {
    slackTeamId: string;
    name: string;
    ownerEmail: string;
    ownerSlackUserId?: string | null;
  }): CreatedAccount {
    const slackTeamId = parseInput(slackTeamIdSchema, input.slackTeamId);
    const name = parseInput(accountNameSchema, input.name);
    const ownerEmail = parseInput(emailSchema, input.ownerEmail, "email");
    const ownerSlackUserId =
      input.ownerSlackUserId == null ? null : parseInput(slackUserIdSchema, input.ownerSlackUserId);
    if (this.store.findAccountBySlackTeam(slackTeamId)) {
      throw new CoreError("INVALID_INPUT", `An account for Slack team ${slackTeamId} already exists.`);
    }
    const now = this.clock.now();
    const at = now.toISOString();
    const account: Omit<Account, "version" | "apiKey"> = {
      id: newId(),
      slackTeamId,
      name,
      approvalsChannel: null,
      createdAt: at,
    };
    const owner: Member = {
      id: newId(),
      accountId: account.id,
      email: ownerEmail,
      name: null,
      phone: null,
      role: "owner",
      status: "active",
      slackUserId: ownerSlackUserId,
      invitedBy: null,
      createdAt: at,
      updatedAt: at,
    };
    const apiKey = newApiKey();
    this.store.createAccount(
      { account, owner, apiKeyHash: apiKey.hash, apiKeyPrefix: apiKey.prefix },
      { actor: "operator", source: "cli", requestId: null, now },
    );
    this.cache.invalidate();
    return {
      account: { ...account, version: 1, apiKey: { prefix: apiKey.prefix, createdAt: at, previous: [] } },
      owner: { email: ownerEmail },
      apiKey: apiKey.key,
    };
  }

  /** The account a Slack team or CLI call means; `slackTeamId` may be left out while there is only one. */
  resolveAccount(slackTeamId?: string): Account {
    if (slackTeamId) {
      const account = this.cache.memo(`team:${slackTeamId}`, () =>
        this.store.findAccountBySlackTeam(slackTeamId),
      );
      if (!account)
        throw new CoreError("INVALID_INPUT", `No account is set up for Slack team ${slackTeamId}.`);
      return account;
    }
    const accounts = this.store.listAccounts();
    if (accounts.length === 1 && accounts[0]) return accounts[0];
    if (accounts.length === 0) {
      throw new CoreError(
        "INVALID_INPUT",
        "No account exists yet. Create one with: rolecall init --slack-team <TEAM_ID> --account <name> --owner <email>",
      );
    }
    const named = accounts.slice(0, 10).map((a) => `${a.slackTeamId} (${a.name})`);
    if (accounts.length > named.length) named.push(`and ${accounts.length - named.length} more`);
    throw new CoreError(
      "INVALID_INPUT",
      `This database holds ${accounts.length} accounts: ${named.join(", ")}. ` +
        `Name the one you mean with --team, e.g. rolecall --team ${accounts[0]?.slackTeamId} --as <email> whoami`,
    );
  }

  // ── reads ───────────────────────────────────────────────────────────────

  /** Served from the versioned cache: no transaction needed when nothing is read from disk. */
  whoami(ctx: ActorContext): WhoAmI {
    const actor = requireActiveActor({ actor: this.findActor(ctx) });
    const account = this.cache.memo(`account:${ctx.accountId}`, () => this.requireAccount(ctx.accountId));
    return {
      email: actor.email,
      name: actor.name,
      role: actor.role,
      status: actor.status,
      permissions: permissionsOf(this.cache.matrix(ctx.accountId), actor.role),
      account: { name: account.name, slackTeamId: account.slackTeamId },
    };
  }

  listMembers(ctx: ActorContext, filter: MemberFilter = {}, page?: Page): MemberList {
    return this.store.read(() => {
      const matrix = this.cache.matrix(ctx.accountId);
      const actor = requireActiveActor({ actor: this.findActor(ctx) });
      requirePermission({ matrix }, actor, "team_settings", "see the team");
      const members = this.memberViews(this.store.listMembers(ctx.accountId, filter, page));
      const total = page
        ? this.cache.memo(
            `count:${ctx.accountId}:${filter.role}:${filter.status}:${filter.includeRemoved}`,
            () => this.store.countMembers(ctx.accountId, filter),
          )
        : members.length;
      return { members, total, offset: page?.offset ?? 0 };
    });
  }

  permissions(ctx: ActorContext): PermissionsView {
    return this.store.read(() => {
      const matrix = this.cache.matrix(ctx.accountId);
      const actor = requireActiveActor({ actor: this.findActor(ctx) });
      const lists = matrixAsLists(matrix);
      if (!roleHolds(matrix, actor.role, "access_permissions")) {
        return { matrix: { [actor.role]: lists[actor.role] }, full: false, editableRoles: [] };
      }
      return {
        matrix: lists,
        full: true,
        editableRoles: CHANGEABLE_ROLES.filter((role) => isWithinHierarchy(actor.role, role)),
      };
    });
  }

  /**
   * What the Add and Edit forms may offer: the roles this actor may hand out, and the member being
   * edited. Checked again, in full, when the form is submitted.
   */
  prepareMemberForm(ctx: ActorContext, rawRef?: MemberRef): MemberForm {
    return this.store.read(() => {
      const matrix = this.cache.matrix(ctx.accountId);
      const actor = requireActiveActor({ actor: this.findActor(ctx) });
      requirePermission({ matrix }, actor, "team_settings", "manage members");
      const assignableRoles = ROLES.filter((role) => isWithinHierarchy(actor.role, role));
      if (!rawRef) return { assignableRoles, member: null, self: false };
      const ref = parseInput(memberRefSchema, rawRef);
      const target = requireTarget({ target: this.store.findMember(ctx.accountId, ref) }, describeRef(ref));
      const self = target.id === actor.id;
      if (!self) requireMayActOn(actor, target, "edit");
      return { assignableRoles, member: this.memberViews([target])[0] ?? null, self };
    });
  }

  settings(ctx: ActorContext): { approvalsChannel: string | null } {
    return this.store.read(() => {
      requireActiveActor({ actor: this.findActor(ctx) });
      return { approvalsChannel: this.requireAccount(ctx.accountId).approvalsChannel };
    });
  }

  auditLog(ctx: ActorContext, last: number): AuditEntry[] {
    return this.store.read(() => {
      const matrix = this.cache.matrix(ctx.accountId);
      const actor = requireActiveActor({ actor: this.findActor(ctx) });
      requirePermission({ matrix }, actor, "team_settings", "read the audit log");
      return this.store.listAudit(ctx.accountId, last);
    });
  }

  /** Operator view of the whole log (the CLI without --as). */
  fullAuditLog(accountId: string): AuditEntry[] {
    return this.store.listAudit(accountId);
  }

  verifyAudit(accountId: string) {
    return verifyChain(this.store.listAudit(accountId));
  }

  /** True when the database answers. */
  healthy(): boolean {
    try {
      this.store.dataVersion();
      return true;
    } catch {
      return false;
    }
  }

  /** The hot permission check: answered from memory, refreshed when any connection has written. */
  can(accountId: string, email: string, permission: PermissionKey): boolean {
    return this.cache.can(accountId, email, permission);
  }

  // ── changes ─────────────────────────────────────────────────────────────

  addMember(
    ctx: ActorContext,
    raw: { email: unknown; role?: unknown; name?: unknown; phone?: unknown },
  ): ChangeResult {
    const input: AddMemberInput = {
      email: parseInput(emailSchema, raw.email, "email"),
      role: raw.role === undefined ? "teammate" : parseInput(roleSchema, raw.role, "role"),
      name: raw.name == null || raw.name === "" ? null : parseInput(nameSchema, raw.name, "name"),
      phone: raw.phone == null || raw.phone === "" ? null : parseInput(phoneSchema, raw.phone, "phone"),
    };
    const fresh = { ...this.freshInvite(), memberId: newId() };
    return this.change(ctx, { email: input.email }, (state) => decideAddMember(state, input, fresh));
  }

  editMember(
    ctx: ActorContext,
    rawRef: MemberRef,
    raw: { name?: unknown; phone?: unknown; role?: unknown },
  ): ChangeResult {
    const ref = parseInput(memberRefSchema, rawRef);
    const input: EditMemberInput = {};
    if (raw.name !== undefined)
      input.name = raw.name === null || raw.name === "" ? null : parseInput(nameSchema, raw.name, "name");
    if (raw.phone !== undefined) {
      input.phone =
        raw.phone === null || raw.phone === "" ? null : parseInput(phoneSchema, raw.phone, "phone");
    }
    if (raw.role !== undefined) input.role = parseInput(roleSchema, raw.role, "role");
    return this.change(ctx, ref, (state) => decideEditMember(state, describeRef(ref), input));
  }

  changeRole(ctx: ActorContext, ref: MemberRef, role: unknown): ChangeResult {
    return this.editMember(ctx, ref, { role });
  }

  /** With `dryRun`, only says whether the removal would be allowed (for a confirmation prompt). */
  removeMember(ctx: ActorContext, rawRef: MemberRef, options: { dryRun?: boolean } = {}): ChangeResult {
    const ref = parseInput(memberRefSchema, rawRef);
    const decide = (state: DecisionState) => decideRemoveMember(state, describeRef(ref));
    if (options.dryRun)
      return decide(this.store.read(() => this.loadState(ctx.accountId, ctx.actor, ref))).result;
    return this.change(ctx, ref, decide);
  }

  resendInvite(ctx: ActorContext, rawRef: MemberRef): ChangeResult {
    const ref = parseInput(memberRefSchema, rawRef);
    const fresh = this.freshInvite();
    return this.change(ctx, ref, (state) => decideResendInvite(state, describeRef(ref), fresh));
  }

  revokeInvite(ctx: ActorContext, rawRef: MemberRef): ChangeResult {
    const ref = parseInput(memberRefSchema, rawRef);
    return this.change(ctx, ref, (state) => decideRevokeInvite(state, describeRef(ref)));
  }

  setPermission(
    ctx: ActorContext,
    raw: { role: unknown; permission: unknown; allowed: boolean },
  ): ChangeResult {
    const input: SetPermissionInput = {
      role: parseInput(roleSchema, raw.role, "role"),
      permission: parseInput(permissionSchema, raw.permission, "permission"),
      allowed: raw.allowed,
    };
    return this.change(ctx, null, (state) => decideSetPermission(state, input));
  }

  /** Saves whole columns of the matrix at once (the Permissions form). */
  setPermissions(ctx: ActorContext, raw: Partial<Record<string, unknown[]>>): ChangeResult {
    const wanted: Partial<Record<Role, PermissionKey[]>> = {};
    for (const [role, keys] of Object.entries(raw)) {
      wanted[parseInput(roleSchema, role, "role")] = (keys ?? []).map((key) =>
        parseInput(permissionSchema, key, "permission"),
      );
    }
    return this.change(ctx, null, (state) => decideSetMatrix(state, wanted));
  }

  /** Links a Slack user to the member with the email Slack reports for them. */
  linkSlackUser(accountId: string, rawEmail: unknown, rawSlackUserId: unknown): ChangeResult {
    const email = parseInput(emailSchema, rawEmail, "email");
    const slackUserId = parseInput(slackUserIdSchema, rawSlackUserId);
    const by: Who = { accountId, label: "system", source: "slack", requestId: null, actor: null };
    return this.run(by, { email }, (state) => decideLinkSlackUser(state, email, slackUserId));
  }

  /** The member a Slack user is linked to, if any (removed members do not count). */
  findLinkedMember(accountId: string, slackUserId: string): Member | null {
    const member = this.cache.memo(`member:${accountId}:slack:${slackUserId}`, () =>
      this.store.findMember(accountId, { slackUserId }),
    );
    return member && member.status !== "removed" ? member : null;
  }

  setApprovalsChannel(ctx: ActorContext, channel: unknown): ChangeResult {
    const parsed = channel === null ? null : parseInput(slackChannelIdSchema, channel, "channel");
    return this.change(ctx, null, (state) => decideSetApprovalsChannel(state, parsed));
  }

  /** Operator verb (no acting member): mark an invited member active. */
  activate(accountId: string, email: unknown): ChangeResult {
    const ref = { email: parseInput(emailSchema, email, "email") };
    const by: Who = { accountId, label: "operator", source: "cli", requestId: null, actor: null };
    return this.run(by, ref, (state) => decideActivate(state, ref.email));
  }

  /** What the invite page shows for a token: never throws for a bad token, says which it is. */
  inviteByToken(token: string): InvitePreview {
    const found = this.store.findInviteByTokenHash(sha256Hex(token));
    if (!found) return { state: "unknown" };
    const { invite, member } = found;
    const account = this.store.getAccount(member.accountId);
    const inviter = member.invitedBy ? this.store.getMember(member.invitedBy) : null;
    const current = this.store.findMember(member.accountId, { email: member.email });
    const state = inviteTokenState(invite, current, this.clock.now());
    return {
      state,
      accountId: member.accountId,
      accountName: account?.name ?? "",
      email: member.email,
      role: member.role,
      permissions: permissionsOf(this.cache.matrix(member.accountId), member.role),
      inviter: inviter
        ? { name: inviter.name, email: inviter.email, slackUserId: inviter.slackUserId }
        : null,
      expiresAt: invite.expiresAt,
    };
  }

  /** Accepts an invite: single use, atomic, audited. Refusals are INVITE_INVALID / _EXPIRED / _USED. */
  acceptInvite(token: string): ChangeResult & { accountId: string } {
    const tokenHash = sha256Hex(token);
    const found = this.store.findInviteByTokenHash(tokenHash);
    if (!found) throw new CoreError("INVITE_INVALID", "This invite link is not valid.");
    const { accountId, email } = found.member;
    const by: Who = { accountId, label: email, source: "system", requestId: null, actor: null };
    const result = this.run(
      by,
      { email },
      (state) => decideAcceptInvite(state, state.invite ?? null),
      tokenHash,
    );
    return { ...result, accountId };
  }

  /** For describing a request's effect to the Owners: a member as they are now, without authority checks. */
  peekMember(accountId: string, ref: MemberRef): MemberView | null {
    const parsed = memberRefSchema.safeParse(ref);
    const member = parsed.success ? this.store.findMember(accountId, parsed.data) : null;
    return member && member.status !== "removed" ? (this.memberViews([member])[0] ?? null) : null;
  }

  /** How many active members hold a role (a permission change affects them). */
  countActive(accountId: string, role: Role): number {
    return this.store.countMembers(accountId, { role, status: "active" });
  }

  /** For the API (the caller holds the organisation key): every current member with role and status. */
  apiMembers(accountId: string): { members: ApiMember[] } {
    const members = this.store.listMembers(accountId, {});
    return { members: members.map(({ email, name, role, status }) => ({ email, name, role, status })) };
  }

  /** For the API: one member with their effective permissions (none unless active). */
  apiMember(accountId: string, rawEmail: unknown): ApiMember & { permissions: PermissionKey[] } {
    const email = parseInput(emailSchema, rawEmail, "email");
    const member = this.store.findMember(accountId, { email });
    if (!member || member.status === "removed")
      throw new CoreError("NO_SUCH_MEMBER", `${email} is not a member of this team.`);
    const permissions =
      member.status === "active" ? permissionsOf(this.cache.matrix(accountId), member.role) : [];
    return { email: member.email, name: member.name, role: member.role, status: member.status, permissions };
  }

  /** The key as it may be shown (prefix, age, keys still in grace); needs `api_key`. */
  apiKeyInfo(ctx: ActorContext): ApiKeyInfo {
    return this.store.read(() => {
      const matrix = this.cache.matrix(ctx.accountId);
      const actor = requireActiveActor({ actor: this.findActor(ctx) });
      requirePermission({ matrix }, actor, "api_key", "see the API key");
      const key = this.requireAccount(ctx.accountId).apiKey;
      const now = this.clock.now();
      return { ...key, previous: key.previous.filter((p) => new Date(p.expiresAt) > now) };
    });
  }

  /** What a Rotate button may offer this member: the key it replaces, and whether it may stop at once. */
  apiKeyRotationChoices(ctx: ActorContext): { from: string; mayStopAtOnce: boolean } {
    const key = this.apiKeyInfo(ctx);
    const actor = requireActiveActor({ actor: this.findActor(ctx) });
    return { from: key.prefix, mayStopAtOnce: mayStopApiKeyAtOnce(actor) };
  }

  /**
   * A new organisation key, returned in full this once. The old key stops at once (Owners and the
   * operator only), or after `graceHours` (default: none for Owners and the operator, 24 for the
   * rest). A member needs `api_key`; without `actor` the operator rotates (CLI recovery). With
   * `from`, it rotates only while that key (prefix) is in use, so a repeated click rotates once.
   */
  rotateApiKey(target: ActorContext | { accountId: string }, graceHours?: number): RotatedKey;
  rotateApiKey(
    target: ActorContext,
    graceHours: number | undefined,
    from: string,
  ): RotatedKey | AlreadyRotated;
  rotateApiKey(
    target: ActorContext | { accountId: string },
    graceHours?: number,
    from?: string,
  ): RotatedKey | AlreadyRotated {
    if (graceHours !== undefined && (!Number.isInteger(graceHours) || graceHours < 0 || graceHours > 168)) {
      throw new CoreError(
        "INVALID_INPUT",
        "The grace period is a whole number of hours, at most 168.",
        "grace",
      );
    }
    const fresh = newApiKey();
    const operator = !("actor" in target);
    const by: Who = operator
      ? { accountId: target.accountId, label: "operator", source: "cli", requestId: null, actor: null }
      : {
          accountId: target.accountId,
          label: null,
          source: target.source,
          requestId: null,
          actor: target.actor,
        };
    const result = this.run(by, null, (state) =>
      decideRotateApiKey(state, {
        fresh,
        operator,
        ...(graceHours === undefined ? {} : { graceHours }),
        ...(from === undefined ? {} : { from }),
      }),
    );
    if (!result.changed)
      return { ok: true, changed: false, alreadyRotated: true, prefix: result.detail ?? "" };
    return { ...result, apiKey: fresh.key, prefix: fresh.prefix, oldKeyWorksUntil: result.detail ?? "now" };
  }

  /** The account an API key opens, or null. Hashes are compared in constant time. */
  authenticateApiKey(key: string): string | null {
    if (!/^rc_[A-Za-z0-9_-]{43}$/.test(key)) return null;
    const hash = sha256Hex(key);
    const now = this.clock.now();
    const prefix = key.slice(0, 10);
    // The candidates hold hashes only; they stay valid until the next write, like every cached read.
    for (const candidate of this.cache.memo(`apikey:${prefix}`, () => this.store.apiKeyCandidates(prefix))) {
      const inForce = candidate.expiresAt === null || new Date(candidate.expiresAt) > now;
      if (inForce && sameSecretHash(candidate.hash, hash)) return candidate.accountId;
    }
    return null;
  }

  /** `can()` with its reasons, for the authorization API: answered from the same cache. */
  explain(accountId: string, email: string, permission: PermissionKey): Explanation {
    const member = this.cache.member(accountId, email);
    const allowed = this.cache.can(accountId, email, permission);
    const label = PERMISSIONS[permission].label;
    if (!member) return { allowed, role: null, reason: `${email} is not a member of this team.` };
    if (member.status !== "active") {
      return { allowed, role: member.role, reason: `${email} is ${member.status}, not active.` };
    }
    if (member.role === "owner")
      return { allowed, role: member.role, reason: "Owners hold every permission." };
    const role = ROLE_LABEL[member.role];
    return {
      allowed,
      role: member.role,
      reason: allowed ? `${role}s may use ${label}.` : `${role}s may not use ${label}.`,
    };
  }

  // ── internals ───────────────────────────────────────────────────────────

  private change<R>(
    ctx: ActorContext,
    target: MemberRef | null,
    decide: (s: DecisionState) => Decision<R>,
  ): R {
    const by: Who = {
      accountId: ctx.accountId,
      label: null,
      source: ctx.source,
      requestId: ctx.requestId ?? null,
      actor: ctx.actor,
      preview: ctx.preview ?? false,
    };
    return this.run(by, target, decide);
  }

  private run<R>(
    by: Who,
    target: MemberRef | null,
    decide: (s: DecisionState) => Decision<R>,
    inviteTokenHash?: string,
  ): R {
    const { accountId, source, requestId } = by;
    for (let attempt = 1; ; attempt++) {
      const state = this.store.read(() => this.loadState(accountId, by.actor, target, inviteTokenHash));
      const decision = decide(by.preview ? asAnotherOwner(state) : state);
      if (by.preview || decision.changes.length === 0) return decision.result;
      const actor = by.label ?? state.actor?.email ?? "unknown";
      if (
        this.store.apply(
          { accountId, actor, source, requestId, now: state.now },
          state.account.version,
          decision,
        )
      ) {
        this.cache.invalidate();
        return decision.result;
      }
      // Someone else changed the account between our read and our write: decide again on fresh state.
      if (attempt >= MAX_ATTEMPTS) throw new Error("The account is too busy to change right now; try again.");
    }
  }

  private loadState(
    accountId: string,
    actorRef: MemberRef | null,
    target: MemberRef | null,
    inviteTokenHash?: string,
  ): DecisionState {
    const account = this.requireAccount(accountId);
    return {
      account,
      ...(inviteTokenHash
        ? { invite: this.store.findInviteByTokenHash(inviteTokenHash)?.invite ?? null }
        : {}),
      actor: actorRef ? this.store.findMember(accountId, parseInput(memberRefSchema, actorRef)) : null,
      target: target ? this.store.findMember(accountId, target) : null,
      activeOwnerCount: this.store.activeOwnerCount(accountId),
      matrix: this.store.loadMatrix(accountId),
      now: this.clock.now(),
    };
  }

  private requireAccount(accountId: string): Account {
    const account = this.store.getAccount(accountId);
    if (!account) throw new CoreError("INVALID_INPUT", "That account does not exist.");
    return account;
  }

  /** The acting member for a read, from the versioned cache (changes read fresh in `loadState`). */
  private findActor(ctx: ActorContext): Member | null {
    const ref = parseInput(memberRefSchema, ctx.actor);
    const key = "email" in ref ? `email:${ref.email}` : `slack:${ref.slackUserId}`;
    return this.cache.memo(`member:${ctx.accountId}:${key}`, () => this.store.findMember(ctx.accountId, ref));
  }

  private memberViews(members: Member[]): MemberView[] {
    const invites = this.store.latestInvites(members.filter((m) => m.status === "invited").map((m) => m.id));
    const now = this.clock.now();
    return members.map((m) => {
      const invite = m.status === "invited" ? invites.get(m.id) : undefined;
      return {
        email: m.email,
        name: m.name,
        phone: m.phone,
        role: m.role,
        status: m.status,
        slackUserId: m.slackUserId,
        invite: invite
          ? { state: inviteState(invite.invite, now), expiresAt: invite.invite.expiresAt, mail: invite.mail }
          : null,
      };
    });
  }

  private freshInvite(): FreshInvite {
    const token = randomToken();
    const expiresAt = new Date(this.clock.now().getTime() + this.inviteTtlHours * 3_600_000).toISOString();
    return { inviteId: newId(), token, tokenHash: sha256Hex(token), expiresAt };
  }
}
