import { type Changes, newRequestId } from "./changes.js";
import {
  type ApprovalOutcome,
  decideApprove,
  decideCancel,
  decideExpire,
  decideFile,
  decideReject,
  expiredError,
  noSuchRequest,
  type RequestState,
  requireMayDecide,
} from "./decide/requests.js";
import { type Actor, type ActorContext, type Engine, memberActor } from "./engine.js";
import { CoreError } from "./errors.js";
import { requireOwnerAsked } from "./four-eyes.js";
import { grantMinutesSchema, parseInput, rejectionReasonSchema } from "./input.js";
import { type ChangeIntent, intentTarget, isSensitive, parseIntent } from "./intents.js";
import type { ChangeRequest, DecisionState, Member, RequestPost } from "./model.js";
import type { RequestStore } from "./ports.js";

export type { ApprovalOutcome };

/** Request ids are shown upper-case; people type them any way (`approve rk3m9qx`). */
const normalId = (raw: string) => raw.trim().toUpperCase();

/** The state as another active Owner would see it: the actor, checked active, stands in as one. */
const asAnotherOwner = (state: DecisionState): DecisionState =>
  state.actor ? { ...state, actor: { ...state.actor, id: "another-owner", role: "owner" } } : state;

/** A grant request approved for `minutes` instead of the time asked: shorter only. */
const shortened = (intent: ChangeIntent | null, minutes: number): ChangeIntent | null => {
  if (intent?.kind !== "grant.start" && intent?.kind !== "grant.extend")
    throw new CoreError({ reason: "shorter_for_grants_only" });
  const asked = intent.minutes;
  const wanted = parseInput(grantMinutesSchema, minutes, "minutes");
  if (wanted > asked) throw new CoreError({ reason: "approve_at_most", minutes: asked }, "minutes");
  return { ...intent, minutes: wanted };
};

/**
 * PRODUCT §3: members ask the Owners for changes they may not make. Each verb is a pure decision
 * (decide/requests.ts) applied by the engine like any change, so the audit chain and the version
 * guard cover requests too; approving applies the stored intent in the same transaction.
 */
export class Requests {
  constructor(
    private readonly engine: Engine,
    private readonly changes: Changes,
    private readonly store: RequestStore,
    private readonly ttlHours: number,
  ) {}

  /** Files a request for a typed change. Refused when an Owner could not make it, or it is already so. */
  async file(ctx: ActorContext, raw: unknown): Promise<ChangeRequest> {
    const intent = parseIntent(raw);
    const id = newRequestId();
    const effect = await this.changes.effect(ctx.accountId, intent);
    const expiresAt = new Date(this.engine.clock.now().getTime() + this.ttlHours * 3_600_000).toISOString();
    const decide = this.changes.decider(intent);
    const filed = await this.engine.change(memberActor(ctx), {
      target: intentTarget(intent),
      pending: true,
      decide: (state) =>
        decideFile(state, intent, () => decide(asAnotherOwner(state)).result, { id, effect, expiresAt }),
    });
    return this.get(ctx.accountId, filed.id);
  }

  /** Whether filing this change would be accepted now (for an "Ask an Owner" button); writes nothing. */
  async wouldFile(ctx: ActorContext, raw: unknown): Promise<boolean> {
    try {
      const intent = parseIntent(raw);
      const decide = this.changes.decider(intent);
      await this.engine.change(memberActor(ctx), {
        target: intentTarget(intent),
        dryRun: true,
        decide: (state) =>
          decideFile(state, intent, () => decide(asAnotherOwner(state)).result, {
            id: "R000000",
            effect: "",
            expiresAt: "",
          }),
      });
      return true;
    } catch (error) {
      if (error instanceof CoreError) return false;
      throw error;
    }
  }

  /** Pending requests this member may decide (owners) and those they filed. */
  async list(ctx: ActorContext): Promise<{ toDecide: ChangeRequest[]; filed: ChangeRequest[] }> {
    const { actor } = await this.engine.reader(ctx);
    const now = this.engine.clock.now();
    const pending = (await this.store.pendingRequests(ctx.accountId)).filter(
      (r) => new Date(r.expiresAt) > now,
    );
    return {
      toDecide: actor.role === "owner" ? pending.filter((r) => r.requesterId !== actor.id) : [],
      filed: pending.filter((r) => r.requesterId === actor.id),
    };
  }

  /**
   * Approves and applies the stored change as the approving Owner, in one transaction. A grant may be
   * approved for less time than asked (`minutes`), never more.
   */
  async approve(
    ctx: ActorContext,
    rawId: string,
    options: { minutes?: number } = {},
  ): Promise<ApprovalOutcome> {
    const id = normalId(rawId);
    const request = await this.sweptIfDue(await this.find(ctx.accountId, rawId));
    const approver: Actor = { kind: "member", ...ctx, source: "approval", requestId: request.id };
    const intent =
      options.minutes === undefined ? request.intent : shortened(request.intent, options.minutes);
    const outcome = await this.engine.change(approver, {
      requestId: id,
      target: intent ? intentTarget(intent) : null,
      decide: (state) => {
        // Refusals in the order a reader needs them: may you decide it at all, then four-eyes.
        requireMayDecide(state as RequestState, rawId);
        if (intent) requireOwnerAsked(state, intent);
        return decideApprove(state as RequestState, rawId, (s) => {
          if (!intent) throw new CoreError({ reason: "request_unreadable" });
          return this.changes.decider(intent)(s);
        });
      },
    });
    const closed = await this.get(ctx.accountId, id);
    return outcome.status === "approved" && outcome.result
      ? { request: closed, applied: true, result: outcome.result }
      : {
          request: closed,
          applied: false,
          error: outcome.error ?? new CoreError({ reason: "not_applied" }),
        };
  }

  async reject(ctx: ActorContext, rawId: string, rawReason: string | null): Promise<ChangeRequest> {
    const reason = rawReason === null ? null : parseInput(rejectionReasonSchema, rawReason, "reason");
    const id = (await this.sweptIfDue(await this.find(ctx.accountId, rawId))).id;
    await this.engine.change(memberActor(ctx), {
      requestId: id,
      decide: (state) => decideReject(state as RequestState, rawId, reason),
    });
    return this.get(ctx.accountId, id);
  }

  async cancel(ctx: ActorContext, rawId: string): Promise<ChangeRequest> {
    const id = (await this.find(ctx.accountId, rawId)).id;
    await this.engine.change(memberActor(ctx), {
      requestId: id,
      decide: (state) => decideCancel(state as RequestState, rawId),
    });
    return this.get(ctx.accountId, id);
  }

  /** Closes every request past its time; returns them so their posts can be updated. */
  async expire(): Promise<ChangeRequest[]> {
    const closed: ChangeRequest[] = [];
    for (const r of await this.store.expiredRequests(this.engine.clock.now()))
      closed.push(await this.close(r, null));
    return closed;
  }

  /** The system closes a request as expired; with `why`, one that can no longer be carried out. */
  async close(request: ChangeRequest, why: string | null): Promise<ChangeRequest> {
    const system: Actor = {
      kind: "system",
      accountId: request.accountId,
      label: "system",
      source: "system",
      requestId: request.id,
    };
    await this.engine.change(system, {
      requestId: request.id,
      decide: (state) => decideExpire(state as RequestState, why),
    });
    return this.get(request.accountId, request.id);
  }

  /** A request past its time that the sweep has not reached yet is closed now, and the decision refused. */
  private async sweptIfDue(request: ChangeRequest): Promise<ChangeRequest> {
    if (request.status !== "pending" || new Date(request.expiresAt) > this.engine.clock.now()) return request;
    await this.close(request, null);
    throw expiredError();
  }

  /** Whether this member may decide this request now (for a prompt; deciding checks again). */
  async assertMayDecide(ctx: ActorContext, rawId: string): Promise<void> {
    const id = (await this.find(ctx.accountId, rawId)).id;
    const state = await this.engine.store.read(async () => ({
      ...(await this.engine.load(ctx.accountId, ctx.actor, null)),
      request: await this.store.getRequest(ctx.accountId, id),
    }));
    requireMayDecide(state, rawId);
  }

  /**
   * Whether approving this request asks for a confirmation first (`isSensitive`), judged on the
   * member and matrix as they are now; a request that can no longer be read asks for none.
   */
  async isSensitive(request: ChangeRequest): Promise<boolean> {
    const { intent, accountId } = request;
    if (!intent) return false;
    return this.engine.store.read(async () => {
      const ref = intentTarget(intent);
      const target = ref ? await this.engine.store.findMember(accountId, ref) : null;
      return isSensitive(intent, {
        targetRole: target && target.status !== "removed" ? target.role : null,
        matrix: await this.engine.store.loadMatrix(accountId),
      });
    });
  }

  /** Active owners linked to Slack, who get requests by DM when there is no approvals channel. */
  async ownersInSlack(accountId: string): Promise<Member[]> {
    return (await this.engine.store.listMembers(accountId, { role: "owner", status: "active" })).filter(
      (m) => m.slackUserId,
    );
  }

  /**
   * Where a request is posted: the approvals channel, else — when there is none, or Slack refused it
   * for good — each active owner linked to Slack (DM).
   */
  async destinations(accountId: string, refused: ReadonlySet<string> = new Set()): Promise<string[]> {
    const channel = (await this.engine.store.getAccount(accountId))?.approvalsChannel;
    // A channel Slack refuses for good (archived, the app removed from it) is as good as none.
    return channel && !refused.has(channel)
      ? [channel]
      : (await this.ownersInSlack(accountId)).map((o) => o.slackUserId ?? "");
  }

  // What Slack has been told (RequestsSync): new requests to post, decided ones to announce.
  toPost = (): Promise<ChangeRequest[]> => this.store.requestsToPost();
  toAnnounce = (): Promise<ChangeRequest[]> => this.store.requestsToAnnounce();
  markPosted = (accountId: string, id: string, posts: RequestPost[], done = true): Promise<void> =>
    this.store.markPosted(accountId, id, posts, done);
  markAnnounced = (accountId: string, id: string): Promise<void> => this.store.markAnnounced(accountId, id);
  /**
   * Takes the request's Slack work for `leaseMs`: the request as it now stands and how to let it go,
   * or null while another instance holds it.
   */
  claimSlackWork = async (
    accountId: string,
    id: string,
    leaseMs: number,
  ): Promise<{ request: ChangeRequest; release(): Promise<void> } | null> => {
    const now = this.engine.clock.now();
    const until = new Date(now.getTime() + leaseMs);
    const request = await this.store.claimSlackWork(accountId, id, now, until);
    return request && { request, release: () => this.store.releaseSlackWork(accountId, id, until) };
  };

  /**
   * The request as an Owner about to decide it sees it now, its effect described on the team as it
   * is now (not as when it was filed); refused if they may not decide it.
   */
  async forDecision(ctx: ActorContext, rawId: string): Promise<ChangeRequest> {
    await this.assertMayDecide(ctx, rawId);
    const request = await this.find(ctx.accountId, rawId);
    return request.intent
      ? { ...request, effect: await this.changes.effect(ctx.accountId, request.intent) }
      : request;
  }

  async get(accountId: string, id: string): Promise<ChangeRequest> {
    const request = await this.store.getRequest(accountId, id);
    if (!request) throw new Error(`request ${id} vanished`);
    return request;
  }

  private async find(accountId: string, rawId: string): Promise<ChangeRequest> {
    const id = normalId(rawId);
    const request = /^R[A-Z0-9]{6}$/.test(id) ? await this.store.getRequest(accountId, id) : null;
    if (!request) throw noSuchRequest(rawId);
    return request;
  }
}
