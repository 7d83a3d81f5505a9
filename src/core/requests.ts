import type { Changes } from "./changes.js";
import {
  type ApprovalOutcome,
  decideCancel,
  decideExpire,
  decideFile,
  decideOnRequest,
  expiredError,
  noSuchRequest,
  type RequestChoice,
  type RequestState,
} from "./decide/requests.js";
import { type Actor, type ActorContext, type Engine, memberActor } from "./engine.js";
import { CoreError } from "./errors.js";
import { requireOwnerAsked } from "./four-eyes.js";
import { parseInput, rejectionReasonSchema } from "./input.js";
import { intentTarget, isSensitive } from "./intent-registry.js";
import { parseIntent } from "./intents.js";
import type { ChangeRequest, DecisionState, Member, RequestPost } from "./model.js";
import type { RequestStore } from "./ports.js";
import { isOwnerRank, OWNER_ROLE } from "./roles.js";

export type { ApprovalOutcome, RequestChoice };

/**
 * What one decision on a request answers, for the door to render: done (approved — applied or
 * closed as failed — or rejected), what the door must ask the Owner first, or a refusal.
 */
export type RequestAnswer =
  | { kind: "approved"; outcome: ApprovalOutcome }
  | { kind: "rejected"; request: ChangeRequest }
  /** A request for temporary access: how long? The time asked is also the most that may be approved. */
  | { kind: "needsDuration"; request: ChangeRequest; askedMinutes: number; maxMinutes: number }
  /** The change is sensitive now and the door has not asked "are you sure?" yet; nothing was applied. */
  | { kind: "needsConfirmation"; request: ChangeRequest; why: "sensitive" }
  /** Rejecting: the door may ask why first. */
  | { kind: "needsReason"; request: ChangeRequest }
  | { kind: "refused"; error: CoreError };

/**
 * An answer a door does not render as such: the refusal (to word where the person acted), or — a
 * question the door's call could not have been asked — a fault.
 */
export const unexpectedAnswer = (answer: RequestAnswer): Error =>
  answer.kind === "refused" ? answer.error : new Error(`unexpected answer to a decision: ${answer.kind}`);

/** Request ids are shown upper-case; people type them any way (`approve rk3m9qx`). */
const normalId = (raw: string) => raw.trim().toUpperCase();
const REQUEST_ID = /^R[A-Z0-9]{6}$/;

/** The state as another active Owner would see it: the actor, checked active, stands in as one. */
const asAnotherOwner = (state: DecisionState): DecisionState =>
  state.actor ? { ...state, actor: { ...state.actor, id: "another-owner", role: OWNER_ROLE } } : state;

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
    const fresh = await this.changes.freshRequest(ctx.accountId, intent, this.ttlHours);
    const decide = this.changes.decider(intent);
    const filed = await this.engine.change(memberActor(ctx), {
      target: intentTarget(intent),
      pending: true,
      decide: (state) => decideFile(state, intent, () => decide(asAnotherOwner(state)).result, fresh),
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
            summary: "",
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
      toDecide: isOwnerRank(actor.role) ? pending.filter((r) => r.requesterId !== actor.id) : [],
      filed: pending.filter((r) => r.requesterId === actor.id),
    };
  }

  /**
   * An Owner decides a request — one call per click, form or command, on one snapshot of the
   * request: approving applies the stored change as them in the same transaction (a grant for the
   * time asked, or less); rejecting closes it. What the door has not asked yet and the request needs
   * (how long, are you sure, why) comes back as the question, with nothing written.
   */
  async decide(ctx: ActorContext, rawId: string, choice: RequestChoice): Promise<RequestAnswer> {
    const id = normalId(rawId);
    try {
      if (!REQUEST_ID.test(id)) throw noSuchRequest(rawId);
      const chosen: RequestChoice =
        choice.decision === "reject" && typeof choice.reason === "string"
          ? { ...choice, reason: parseInput(rejectionReasonSchema, choice.reason, "reason") }
          : choice;
      // An approval applies the change as the approving Owner, recorded as such in the log.
      const by: Actor =
        choice.decision === "approve"
          ? { kind: "member", ...ctx, source: "approval", requestId: id }
          : memberActor(ctx);
      const step = await this.engine.change(by, {
        requestId: id,
        targetOfRequest: (request) => (request.intent ? intentTarget(request.intent) : null),
        decide: (state) =>
          decideOnRequest(state as RequestState, rawId, chosen, {
            requireSecondPair: requireOwnerAsked,
            decider: (intent) => this.changes.decider(intent),
            sensitive: isSensitive,
          }),
      });
      if (step.kind === "due") {
        // Past its time but not swept yet: closed now (by the system, as the sweep would), and refused.
        await this.close(step.request, null);
        throw expiredError();
      }
      if (step.kind === "needsReason") return step;
      // An Owner about to decide reads what the change does to the team as it is now.
      if (step.kind === "needsDuration" || step.kind === "needsConfirmation")
        return { ...step, request: await this.describedNow(step.request) };
      const closed = await this.get(ctx.accountId, id);
      if (step.kind === "rejected") return { kind: "rejected", request: closed };
      return {
        kind: "approved",
        outcome:
          step.status === "approved" && step.result
            ? { request: closed, applied: true, result: step.result }
            : {
                request: closed,
                applied: false,
                error: step.error ?? new CoreError({ reason: "not_applied" }),
              },
      };
    } catch (error) {
      if (error instanceof CoreError) return { kind: "refused", error };
      throw error;
    }
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
    return (await this.engine.store.listMembers(accountId, { role: OWNER_ROLE, status: "active" })).filter(
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

  /** The request with its effect described on the team as it is now (not as when it was filed). */
  private async describedNow(request: ChangeRequest): Promise<ChangeRequest> {
    return request.intent
      ? { ...request, effect: await this.changes.effect(request.accountId, request.intent) }
      : request;
  }

  async get(accountId: string, id: string): Promise<ChangeRequest> {
    const request = await this.store.getRequest(accountId, id);
    if (!request) throw new Error(`request ${id} vanished`);
    return request;
  }

  private async find(accountId: string, rawId: string): Promise<ChangeRequest> {
    const id = normalId(rawId);
    const request = REQUEST_ID.test(id) ? await this.store.getRequest(accountId, id) : null;
    if (!request) throw noSuchRequest(rawId);
    return request;
  }
}
