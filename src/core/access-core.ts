import { Access, type Explanation, type PermissionsView } from "./access.js";
import { Accounts, type AuditPage } from "./accounts.js";
import {
  type AlreadyRotated,
  ApiKeys,
  type ApiMember,
  type HeldForSecondOwner,
  type RotatedKey,
} from "./api-keys.js";
import { Changes } from "./changes.js";
import { Dashboard } from "./dashboard.js";
import type { ChangeResult } from "./decide.js";
import { type ActorContext, Engine, memberActor } from "./engine.js";
import { type GrantList, Grants } from "./grants.js";
import { type InstallOutcome, type InstallRequest, Installs } from "./installs.js";
import type { RawChangeIntent } from "./intents.js";
import { type InvitePreview, Invites } from "./invites.js";
import { type MemberForm, Members, type WhoAmI } from "./members.js";
import type {
  Account,
  AccountDigest,
  ApiKeyInfo,
  AuditEntry,
  Member,
  MemberRef,
  MemberView,
} from "./model.js";
import { type CreatedAccount, Operator } from "./operator.js";
import type { ResultOf } from "./outcomes.js";
import { DEFAULT_CACHE_LIMITS, type MaybePromise, PermissionCache } from "./permission-cache.js";
import type { PermissionKey } from "./permissions.js";
import type { Clock, GrantStore, MemberFilter, Page, RequestStore, StorePort } from "./ports.js";
import { Requests } from "./requests.js";

export interface MemberList {
  members: MemberView[];
  /** How many members match the filter, across all pages. */
  total: number;
  offset: number;
}

export type {
  ActorContext,
  AlreadyRotated,
  ApiMember,
  AuditPage,
  CreatedAccount,
  Explanation,
  GrantList,
  HeldForSecondOwner,
  InstallOutcome,
  InstallRequest,
  InvitePreview,
  MemberForm,
  PermissionsView,
  RotatedKey,
  WhoAmI,
};

export interface CoreOptions {
  store: StorePort;
  clock: Clock;
  inviteTtlHours: number;
  requestStore: RequestStore;
  requestTtlHours: number;
  grantStore: GrantStore;
  /** GRANT_MAX_HOURS: the longest time-bound grant. */
  grantMaxHours: number;
  /** CACHE_MAX_ACCOUNTS: accounts kept in the permission cache. */
  cacheMaxAccounts?: number;
}

const edits = (raw: { name?: unknown; phone?: unknown; role?: unknown }) => ({
  ...(raw.name === undefined ? {} : { name: raw.name }),
  ...(raw.phone === undefined ? {} : { phone: raw.phone }),
  ...(raw.role === undefined ? {} : { role: raw.role }),
});

/**
 * The access core as the adapters see it: a thin façade over one module per resource. Every change
 * is a typed intent applied by `Changes`; every rule is in authz.ts; the store stays inside.
 */
export class AccessCore {
  private readonly engine: Engine;
  private readonly changes: Changes;
  readonly members: Members;
  readonly invites: Invites;
  readonly access: Access;
  readonly apiKeys: ApiKeys;
  readonly accounts: Accounts;
  /** Trusted operator verbs (the CLI without --as). */
  readonly operator: Operator;
  /** Change requests that Owners approve or reject (§3). */
  readonly requests: Requests;
  /** Rolecall installed from Slack (OAuth mode): accounts made ready on install, installs and uninstalls audited. */
  readonly installs: Installs;
  /** The team dashboard's reads: rows with what the viewer may do, an invited person's invite. */
  readonly dashboard: Dashboard;
  /** Time-bound grants: who holds what until when, and their expiry and notices (rule 8). */
  readonly grants: Grants;

  constructor(options: CoreOptions) {
    const cache = new PermissionCache(
      options.store,
      { ...DEFAULT_CACHE_LIMITS, accounts: options.cacheMaxAccounts ?? DEFAULT_CACHE_LIMITS.accounts },
      options.clock,
    );
    this.engine = new Engine(options.store, options.clock, cache);
    this.changes = new Changes(this.engine, {
      inviteTtlHours: options.inviteTtlHours,
      requestTtlHours: options.requestTtlHours,
      maxHours: options.grantMaxHours,
    });
    this.grants = new Grants(this.engine, options.grantStore, { maxHours: options.grantMaxHours });
    this.members = new Members(this.engine);
    this.invites = new Invites(this.engine);
    this.access = new Access(this.engine);
    this.apiKeys = new ApiKeys(this.engine, this.changes);
    this.accounts = new Accounts(this.engine);
    this.operator = new Operator(this.engine);
    this.installs = new Installs(this.engine, this.operator);
    this.dashboard = new Dashboard(this.engine);
    this.requests = new Requests(this.engine, this.changes, options.requestStore, options.requestTtlHours);
  }

  /**
   * A reply an adapter built from the data as it is now, kept under `key` until the next change
   * anywhere (each instance hears of changes the others make): the same question, asked again,
   * costs a lookup. `undefined` when there is none.
   */
  remembered<T>(key: string): T | undefined {
    return this.engine.cache.kept(`reply:${key}`) as T | undefined;
  }

  /** Which data replies are built from now: read it before building one, and pass it to `remember`. */
  replyEpoch(): number {
    return this.engine.cache.epoch();
  }

  /** Keeps a reply for `remembered`, unless the data changed since `epoch` (while it was built). */
  remember(key: string, reply: unknown, epoch: number): void {
    this.engine.cache.keep(`reply:${key}`, reply, epoch);
  }

  /**
   * Any change a member makes, typed: from `/team` words, a modal or a button. With four-eyes on, a
   * sensitive one comes back unmade, with the `request` that now waits for a second Owner.
   */
  async change(
    ctx: ActorContext,
    intent: RawChangeIntent,
    options: { dryRun?: boolean } = {},
  ): Promise<ChangeResult> {
    const result = await this.changes.apply(memberActor(ctx), intent, options);
    return result.kind === "request.filed" && !options.dryRun
      ? { ...result, request: await this.requests.get(ctx.accountId, result.requestId) }
      : result;
  }

  // The named changes below are the same, for callers that know which one they mean.
  addMember(ctx: ActorContext, raw: { email: unknown; role?: unknown; name?: unknown; phone?: unknown }) {
    return this.change(ctx, { kind: "member.add", ...raw } as RawChangeIntent);
  }
  editMember(ctx: ActorContext, member: MemberRef, raw: { name?: unknown; phone?: unknown; role?: unknown }) {
    return this.change(ctx, { kind: "member.edit", member, ...edits(raw) } as RawChangeIntent);
  }
  changeRole(ctx: ActorContext, member: MemberRef, role: unknown) {
    return this.editMember(ctx, member, { role });
  }
  /** With `dryRun`, only says whether the removal would be allowed (for a confirmation prompt). */
  removeMember(ctx: ActorContext, member: MemberRef, options: { dryRun?: boolean } = {}) {
    return this.change(ctx, { kind: "member.remove", member }, options);
  }
  resendInvite(ctx: ActorContext, member: MemberRef) {
    return this.change(ctx, { kind: "invite.resend", member });
  }
  revokeInvite(ctx: ActorContext, member: MemberRef) {
    return this.change(ctx, { kind: "invite.revoke", member });
  }
  setPermission(ctx: ActorContext, raw: { role: unknown; permission: unknown; allowed: boolean }) {
    return this.change(ctx, { kind: "permission.set", ...raw } as RawChangeIntent);
  }
  /** Saves whole columns of the matrix at once (the Permissions form). */
  setPermissions(ctx: ActorContext, columns: Partial<Record<string, unknown[]>>) {
    return this.change(ctx, { kind: "permission.save", columns } as RawChangeIntent);
  }
  setApprovalsChannel(ctx: ActorContext, channel: unknown) {
    return this.change(ctx, { kind: "settings.approvals", channel } as RawChangeIntent);
  }
  setFourEyes(ctx: ActorContext, on: boolean) {
    return this.change(ctx, { kind: "settings.four_eyes", on });
  }

  /** What /metrics counts inside the core: plain numbers, read on each scrape. */
  counters = (): { cacheHits: number; cacheMisses: number; versionRetries: number } => ({
    cacheHits: this.engine.cache.stats.hits,
    cacheMisses: this.engine.cache.stats.misses,
    versionRetries: this.engine.stats.versionRetries,
  });
  /** Times each change's transaction (seconds), for /metrics. */
  observeTransactions = (observe: (seconds: number) => void): void => {
    this.engine.onTransaction = observe;
  };

  /** Tells `listener` of every change this process commits, by account id. */
  onCommit = (listener: (accountId: string) => void): (() => void) => this.engine.onCommit(listener);

  // Reads, each authorised inside its module.
  resolveAccount = (slackTeamId?: string): Promise<Account> => this.accounts.resolve(slackTeamId);
  slackAccount = (slackTeamId: string | undefined): Promise<Account> =>
    this.accounts.forSlackTeam(slackTeamId);
  whoami = (ctx: ActorContext): Promise<WhoAmI> => this.members.whoami(ctx);
  listMembers = async (ctx: ActorContext, filter: MemberFilter = {}, page?: Page): Promise<MemberList> => {
    const { rows, matching, offset } = await this.dashboard.teamPage(ctx, filter, page);
    return { members: rows.map((row) => row.member), total: matching, offset };
  };
  prepareMemberForm = (ctx: ActorContext, ref?: MemberRef): Promise<MemberForm> =>
    this.members.form(ctx, ref);
  permissions = (ctx: ActorContext): Promise<PermissionsView> => this.access.permissions(ctx);
  settings = (ctx: ActorContext) => this.accounts.settings(ctx);
  auditLog = (ctx: ActorContext, last: number): Promise<AuditEntry[]> => this.accounts.auditLog(ctx, last);
  /** The log a change at a time (one Save of the permissions form is one), paged by a cursor. */
  auditChanges = (ctx: ActorContext, query: { last: number; before: number | null }): Promise<AuditPage> =>
    this.accounts.auditChanges(ctx, query);
  verifyAudit = (accountId: string) => this.accounts.verifyAudit(accountId);
  ready = (): Promise<boolean> => this.accounts.ready();
  can = (accountId: string, email: string, permission: PermissionKey): MaybePromise<boolean> =>
    this.access.can(accountId, email, permission);
  explain = (accountId: string, email: string, permission: PermissionKey): MaybePromise<Explanation> =>
    this.access.explain(accountId, email, permission);

  // Slack linking and invite links (the system acts).
  linkSlackUser = (accountId: string, email: unknown, slackUserId: unknown): Promise<ChangeResult> =>
    this.members.linkSlackUser(accountId, email, slackUserId);
  findLinkedMember = (accountId: string, slackUserId: string): Promise<Member | null> =>
    this.members.findLinked(accountId, slackUserId);
  inviteByToken = (token: string): Promise<InvitePreview> => this.invites.byToken(token);
  acceptInvite = (token: string) => this.invites.accept(token);

  // The organisation API key.
  apiKeyInfo = (ctx: ActorContext): Promise<ApiKeyInfo> => this.apiKeys.info(ctx);
  apiKeyRotationChoices = (ctx: ActorContext) => this.apiKeys.rotationChoices(ctx);
  authenticateApiKey = (key: string): MaybePromise<string | null> => this.apiKeys.authenticate(key);
  apiKeyPrefixInUse = (key: string): MaybePromise<boolean> => this.apiKeys.prefixInUse(key);
  apiMembers = (accountId: string) => this.apiKeys.members(accountId);
  apiMember = (accountId: string, email: unknown) => this.apiKeys.member(accountId, email);
  /** A member's repeatable click (`from`): the new key, the key a repeat found in use, or held by four-eyes. */
  rotateApiKey(
    target: ActorContext,
    graceHours: number | undefined,
    from: string,
  ): Promise<RotatedKey | AlreadyRotated | HeldForSecondOwner>;
  /** A member rotates: the new key, or — four-eyes on, no grace — the request for a second Owner. */
  rotateApiKey(target: ActorContext, graceHours?: number): Promise<RotatedKey | HeldForSecondOwner>;
  /** The operator rotates (CLI recovery): the new key, always. */
  rotateApiKey(target: { accountId: string }, graceHours?: number): Promise<RotatedKey>;
  rotateApiKey(
    target: ActorContext | { accountId: string },
    graceHours?: number,
    from?: string,
  ): Promise<RotatedKey | AlreadyRotated | HeldForSecondOwner> {
    const by =
      "actor" in target ? memberActor(target) : { kind: "operator" as const, accountId: target.accountId };
    return this.apiKeys.rotate(by, graceHours, from);
  }

  // Operator verbs, visibly apart.
  createAccount = (input: Parameters<Operator["createAccount"]>[0]): Promise<CreatedAccount> =>
    this.operator.createAccount(input);
  activate = (accountId: string, email: unknown): Promise<ResultOf<"member.activated">> =>
    this.operator.activate(accountId, email);
  fullAuditLog = (accountId: string): Promise<AuditEntry[]> => this.operator.fullAuditLog(accountId);
  deleteAccount = (slackTeamId: unknown, confirmedAccountId?: string): Promise<AccountDigest> =>
    this.operator.deleteAccount(slackTeamId, confirmedAccountId);
}
