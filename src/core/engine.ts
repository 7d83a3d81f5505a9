import { AccountQueue } from "./account-queue.js";
import type { Decision } from "./decision.js";
import { busy, CoreError } from "./errors.js";
import { grantedNow } from "./grant-rules.js";
import { memberRefSchema, parseInput } from "./input.js";
import {
  type Account,
  type Acting,
  type AuditSource,
  type ChangeRequest,
  type DecisionState,
  inviteState,
  type Member,
  type MemberRef,
  type MemberView,
} from "./model.js";
import type { PermissionCache } from "./permission-cache.js";
import type { Matrix } from "./permissions.js";
import { requireActiveActor } from "./policy.js";
import type { Clock, StorePort } from "./ports.js";

/** A member acting on their account, through one door (Slack, the CLI, an approval…). */
export interface ActorContext {
  accountId: string;
  actor: MemberRef;
  source: AuditSource;
  requestId?: string | null;
}

/**
 * Who makes a change: a member, the operator (the CLI without `--as`: init, activate, recovery) or
 * the system (Slack linking, invite acceptance, expiry). Only members are checked against the rules.
 */
export type Actor =
  | ({ kind: "member" } & ActorContext)
  | { kind: "operator"; accountId: string }
  | { kind: "system"; accountId: string; label: string; source: AuditSource; requestId?: string | null };

export const memberActor = (ctx: ActorContext): Actor => ({ kind: "member", ...ctx });

const MAX_ATTEMPTS = 20;

/**
 * How long a change may wait for the account's earlier changes in this process before it is refused
 * with BUSY. Slack hears back within its 3 seconds regardless (the reply then follows), so this can
 * be generous; PostgreSQL's wait for another instance's row lock is bounded on its own (lock_timeout).
 */
export const CHANGE_QUEUE_WAIT_MS = 10_000;

/** A decision to run: what to load besides the actor and the account, and the pure function. */
export interface Run<R> {
  target?: MemberRef | null;
  inviteTokenHash?: string;
  /** A change request's id: its decision reads the request as it is now. */
  requestId?: string;
  /**
   * With `requestId`: the member the request's change is about, named by the request as read in the
   * same snapshot (instead of `target`), so one read answers both.
   */
  targetOfRequest?: (request: ChangeRequest) => MemberRef | null;
  /** Filing a request: the decision reads the pending ones (one request per change and person). */
  pending?: boolean;
  /** A Slack installation's key: its decision reads the installation as it is now. */
  installationKey?: string;
  decide: (state: DecisionState) => Decision<R>;
  /** Decide only: nothing is written (confirmation prompts, "would this change anything?"). */
  dryRun?: boolean;
}

/**
 * The one shape of every change: load a consistent snapshot → decide (pure) → apply everything in one
 * transaction, only if the account's version is still the one read; otherwise read and decide again.
 * Reads go through the versioned cache; decisions always read fresh.
 */
export class Engine {
  private readonly committed = new Set<(accountId: string) => void>();
  /** Changes decided again because another writer moved the account's version first (for /metrics). */
  readonly stats = { versionRetries: 0 };
  /** Told how long each change's transaction took, in seconds, committed or not (for /metrics). */
  onTransaction: ((seconds: number) => void) | null = null;

  private readonly queue: AccountQueue;

  constructor(
    readonly store: StorePort,
    readonly clock: Clock,
    readonly cache: PermissionCache,
    queueWaitMs = CHANGE_QUEUE_WAIT_MS,
  ) {
    this.queue = new AccountQueue(queueWaitMs);
  }

  /** Tells `listener` of every change this process commits, by account (to refresh what people see). */
  onCommit(listener: (accountId: string) => void): () => void {
    this.committed.add(listener);
    return () => this.committed.delete(listener);
  }

  /**
   * Loads, decides and applies one change. Changes to one account take turns: in this process in
   * its queue, across instances as the store's one writer of the account (PostgreSQL: its row lock,
   * held from the first read to the commit), so a busy account queues rather than fails.
   */
  async change<R>(by: Actor, run: Run<R>): Promise<R> {
    if (run.dryRun) return (await this.decideAndApply(by, run)).result;
    const { result, applied } = await this.queue.run(by.accountId, () =>
      this.store.write(by.accountId, () => this.decideAndApply(by, run)),
    );
    // Committed (the write's transaction is over): what readers keep is now stale.
    if (applied) {
      this.cache.invalidate();
      // A listener's trouble is its own: the change is committed either way.
      for (const listener of this.committed) {
        try {
          listener(by.accountId);
        } catch {}
      }
    }
    return result;
  }

  private async decideAndApply<R>(by: Actor, run: Run<R>): Promise<{ result: R; applied: boolean }> {
    const { accountId } = by;
    const actorRef = by.kind === "member" ? by.actor : null;
    for (let attempt = 1; ; attempt++) {
      const { requestId: wanted, pending, installationKey, targetOfRequest } = run;
      const load = (target: MemberRef | null = run.target ?? null) =>
        this.load(accountId, actorRef, target, run.inviteTokenHash);
      // The basis is one consistent read on its own; with more beside it, one snapshot holds them all.
      const state =
        wanted === undefined && !pending && installationKey === undefined
          ? await load()
          : await this.store.read(async () => {
              // The request first: the member its change is about is read beside it.
              const asked = wanted === undefined ? {} : await this.requestAndRequester(accountId, wanted);
              const target =
                targetOfRequest && asked.request ? targetOfRequest(asked.request) : (run.target ?? null);
              return {
                ...(await load(target)),
                ...asked,
                ...(pending ? { pending: await this.store.pendingRequests(accountId) } : {}),
                ...(installationKey === undefined
                  ? {}
                  : { installation: await this.store.findInstallation(installationKey) }),
              };
            });
      // A caller that is not a member is one the rules see as such (authz.ts `NON_MEMBER_MAY`).
      const decision = run.decide(by.kind === "member" ? state : { ...state, caller: { kind: by.kind } });
      if (run.dryRun || decision.changes.length === 0) return { result: decision.result, applied: false };
      const actor =
        by.kind === "member"
          ? (state.actor?.email ?? "unknown")
          : by.kind === "operator"
            ? "operator"
            : by.label;
      const source = by.kind === "operator" ? "cli" : by.source;
      const requestId = by.kind === "operator" ? null : (by.requestId ?? null);
      const started = performance.now();
      const applied = await this.store.apply(
        { accountId, actor, source, requestId, now: state.now },
        state.account.version,
        decision,
      );
      this.onTransaction?.((performance.now() - started) / 1000);
      if (applied) return { result: decision.result, applied };
      // Someone else changed the account between our read and our write: decide again on fresh state.
      this.stats.versionRetries++;
      // Only writers that skip the queue (another process on the same SQLite file) get here.
      if (attempt >= MAX_ATTEMPTS) throw busy();
    }
  }

  private async requestAndRequester(
    accountId: string,
    id: string,
  ): Promise<Pick<DecisionState, "request" | "requester">> {
    const request = await this.store.getRequest(accountId, id);
    const requester = request
      ? await this.store.findMember(accountId, { email: request.requesterEmail })
      : null;
    return { request, requester };
  }

  /** What a decision reads, fresh from the store (call it inside `store.read` for one snapshot). */
  async load(
    accountId: string,
    actorRef: MemberRef | null,
    target: MemberRef | null,
    inviteTokenHash?: string,
  ): Promise<DecisionState> {
    const actor = actorRef ? parseInput(memberRefSchema, actorRef) : null;
    const basis = await this.store.decisionBasis(accountId, {
      actor,
      target,
      ...(inviteTokenHash ? { inviteTokenHash } : {}),
    });
    if (!basis) throw new CoreError({ reason: "no_such_account" });
    return { ...basis, now: this.clock.now() };
  }

  /**
   * For a read: the acting member (active, rule 6) with what they hold by grant right now (rule 8),
   * and the matrix, from the versioned cache.
   */
  async reader(ctx: ActorContext): Promise<{ actor: Acting; matrix: Matrix }> {
    const matrix = await this.cache.matrix(ctx.accountId);
    const actor = requireActiveActor({ actor: await this.findActor(ctx) });
    const grants = (await this.cache.openGrants(ctx.accountId)).get(actor.id) ?? [];
    return { actor: { ...actor, granted: grantedNow(grants, actor.id, this.clock.now()) }, matrix };
  }

  async requireAccount(accountId: string): Promise<Account> {
    const account = await this.store.getAccount(accountId);
    if (!account) throw new CoreError({ reason: "no_such_account" });
    return account;
  }

  /** The acting member for a read, from the versioned cache (changes read fresh in `load`). */
  findActor(ctx: ActorContext): Member | null | Promise<Member | null> {
    const ref = parseInput(memberRefSchema, ctx.actor);
    const key = "email" in ref ? `email:${ref.email}` : `slack:${ref.slackUserId}`;
    return this.cache.memo(`member:${ctx.accountId}:${key}`, () => this.store.findMember(ctx.accountId, ref));
  }

  async memberViews(members: Member[]): Promise<MemberView[]> {
    const invites = await this.store.latestInvites(
      members.filter((m) => m.status === "invited").map((m) => m.id),
    );
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
}
