import { randomInt } from "node:crypto";
import type { ActorContext } from "./access-core.js";
import { CoreError } from "./errors.js";
import { memberRefSchema, parseInput } from "./input.js";
import type { ChangeRequest, Member } from "./model.js";
import { requireActiveActor } from "./policy.js";
import type { Clock, RequestStore, StorePort } from "./ports.js";

export type ApprovalOutcome =
  | { request: ChangeRequest; applied: true; result: unknown }
  | { request: ChangeRequest; applied: false; error: CoreError };

const ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const newRequestId = () =>
  `R${Array.from({ length: 6 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join("")}`;

/**
 * PRODUCT §3: members ask the Owners for changes they may not make. Every decision is taken holding
 * the write lock and re-read there, so the first decision wins and a change applies at most once.
 */
export class RequestsCore {
  constructor(
    private readonly store: StorePort,
    readonly requests: RequestStore,
    private readonly clock: Clock,
    private readonly ttlHours: number,
  ) {}

  /** Files a request for a change subcommand (already validated by the caller). */
  file(ctx: ActorContext, change: { words: string[]; summary: string; effect: string }): ChangeRequest {
    return this.store.transaction(() => {
      const actor = this.actor(ctx);
      const now = this.clock.now();
      const id = newRequestId();
      this.requests.insertRequest({
        id,
        accountId: ctx.accountId,
        requesterId: actor.id,
        words: change.words,
        summary: change.summary,
        effect: change.effect,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + this.ttlHours * 3_600_000).toISOString(),
      });
      this.audit(ctx.accountId, actor.email, ctx.source, id, "request.filed", null, {
        change: change.summary,
      });
      return this.mustGet(ctx.accountId, id);
    });
  }

  /** Pending requests this member may decide (owners) and those they filed. */
  list(ctx: ActorContext): { toDecide: ChangeRequest[]; filed: ChangeRequest[] } {
    const actor = this.actor(ctx);
    const pending = this.requests
      .pendingRequests(ctx.accountId)
      .filter((r) => new Date(r.expiresAt) > this.clock.now());
    return {
      toDecide: actor.role === "owner" ? pending.filter((r) => r.requesterId !== actor.id) : [],
      filed: pending.filter((r) => r.requesterId === actor.id),
    };
  }

  /**
   * Approves and applies in one transaction: `execute` makes the change as the approving owner
   * (source `approval`, with the request id). If the change is refused now, nothing of it is applied
   * and the request is closed as failed, with the reason.
   */
  approve(
    ctx: ActorContext,
    rawId: string,
    execute: (approver: ActorContext, request: ChangeRequest) => unknown,
  ): ApprovalOutcome {
    const outcome = this.store.transaction((): ApprovalOutcome | CoreError => {
      const { actor, request, closed } = this.decidable(ctx, rawId);
      if (closed) return closed;
      const id = request.id;
      const approver: ActorContext = {
        accountId: ctx.accountId,
        actor: ctx.actor,
        source: "approval",
        requestId: id,
      };
      let result: unknown;
      try {
        result = execute(approver, request);
      } catch (error) {
        if (!(error instanceof CoreError)) throw error;
        this.close(request, "failed", actor.email, null, error.message);
        this.audit(ctx.accountId, actor.email, "approval", id, "request.approved", null, {
          applied: false,
          why: error.message,
        });
        return { request: this.mustGet(ctx.accountId, id), applied: false, error };
      }
      this.close(request, "approved", actor.email, null, "applied");
      this.audit(ctx.accountId, actor.email, "approval", id, "request.approved", null, {
        applied: true,
        requester: request.requesterEmail,
      });
      return { request: this.mustGet(ctx.accountId, id), applied: true, result };
    });
    if (outcome instanceof CoreError) throw outcome;
    return outcome;
  }

  reject(ctx: ActorContext, rawId: string, reason: string | null): ChangeRequest {
    const outcome = this.store.transaction((): ChangeRequest | CoreError => {
      const { actor, request, closed } = this.decidable(ctx, rawId);
      if (closed) return closed;
      this.close(request, "rejected", actor.email, reason, null);
      this.audit(ctx.accountId, actor.email, ctx.source, request.id, "request.rejected", null, { reason });
      return this.mustGet(ctx.accountId, request.id);
    });
    if (outcome instanceof CoreError) throw outcome;
    return outcome;
  }

  cancel(ctx: ActorContext, rawId: string): ChangeRequest {
    return this.store.transaction(() => {
      const actor = this.actor(ctx);
      const request = this.find(ctx.accountId, rawId);
      if (request.requesterId !== actor.id)
        throw new CoreError("FORBIDDEN", "Only whoever filed a request can cancel it.");
      if (request.status !== "pending") throw closedError(request);
      this.close(request, "cancelled", actor.email, null, null);
      this.audit(ctx.accountId, actor.email, ctx.source, request.id, "request.cancelled", null, null);
      return this.mustGet(ctx.accountId, request.id);
    });
  }

  /** Closes every request past its time; returns them so their posts can be updated. */
  expire(): ChangeRequest[] {
    return this.store.transaction(() =>
      this.requests.expiredRequests(this.clock.now()).map((request) => {
        this.close(request, "expired", null, null, null);
        this.audit(request.accountId, "system", "system", request.id, "request.expired", null, null);
        return this.mustGet(request.accountId, request.id);
      }),
    );
  }

  /** Active owners linked to Slack, who get requests by DM when there is no approvals channel. */
  ownersInSlack(accountId: string): Member[] {
    return this.store
      .listMembers(accountId, { role: "owner", status: "active" })
      .filter((m) => m.slackUserId);
  }

  /** Whether this member may decide this request now (for a prompt; deciding checks again). */
  assertMayDecide(ctx: ActorContext, id: string): void {
    const refusal = this.refusal(this.actor(ctx), this.find(ctx.accountId, id));
    if (refusal) throw refusal;
  }

  private decidable(
    ctx: ActorContext,
    rawId: string,
  ): { actor: Member; request: ChangeRequest; closed?: CoreError } {
    const actor = this.actor(ctx);
    const request = this.find(ctx.accountId, rawId);
    if (request.status === "pending" && this.isPastExpiry(request)) {
      this.close(request, "expired", null, null, null);
      this.audit(ctx.accountId, "system", "system", request.id, "request.expired", null, null);
      return { actor, request, closed: new CoreError("REQUEST_CLOSED", "This request has expired.") };
    }
    const refusal = this.refusal(actor, request);
    if (refusal) throw refusal;
    return { actor, request };
  }

  private isPastExpiry(request: ChangeRequest): boolean {
    return new Date(request.expiresAt) <= this.clock.now();
  }

  /** The rules of §3 for deciding: still open, an Owner, not the requester. */
  private refusal(actor: Member, request: ChangeRequest): CoreError | null {
    if (request.status !== "pending") return closedError(request);
    if (this.isPastExpiry(request)) return new CoreError("REQUEST_CLOSED", "This request has expired.");
    if (actor.role !== "owner")
      return new CoreError("FORBIDDEN", "Only Owners can approve or reject change requests.");
    if (actor.id === request.requesterId) {
      return new CoreError("SELF_APPROVAL", "You cannot decide your own request; another Owner must.");
    }
    return null;
  }

  private actor(ctx: ActorContext): Member {
    return requireActiveActor({
      actor: this.store.findMember(ctx.accountId, parseInput(memberRefSchema, ctx.actor)),
    });
  }

  /** A request named as typed: ids are accepted in any letter case; use `request.id` after this. */
  private find(accountId: string, rawId: string): ChangeRequest {
    const id = rawId.trim().toUpperCase();
    const request = /^R[A-Z0-9]{6}$/.test(id) ? this.requests.getRequest(accountId, id) : null;
    if (!request)
      throw new CoreError("INVALID_INPUT", `There is no request ${rawId.slice(0, 20)} on this team.`);
    return request;
  }

  private mustGet(accountId: string, id: string): ChangeRequest {
    const request = this.requests.getRequest(accountId, id);
    if (!request) throw new Error(`request ${id} vanished`);
    return request;
  }

  private close(
    request: ChangeRequest,
    status: "approved" | "failed" | "rejected" | "expired" | "cancelled",
    decidedBy: string | null,
    reason: string | null,
    outcome: string | null,
  ): void {
    const closed = this.requests.closeRequest({
      accountId: request.accountId,
      id: request.id,
      status,
      decidedBy,
      at: this.clock.now().toISOString(),
      reason,
      outcome,
    });
    if (!closed) throw closedError(this.mustGet(request.accountId, request.id));
  }

  private audit(
    accountId: string,
    actor: string,
    source: ActorContext["source"],
    requestId: string,
    action: string,
    before: unknown,
    after: unknown,
  ): void {
    const account = this.store.getAccount(accountId);
    if (!account) throw new CoreError("INVALID_INPUT", "That account does not exist.");
    const decision = {
      changes: [],
      audit: [{ action, target: `request:${requestId}`, before, after }],
      mails: [],
      result: null,
    };
    this.store.apply(
      { accountId, actor, source, requestId, now: this.clock.now() },
      account.version,
      decision,
    );
  }
}

const closedError = (request: ChangeRequest): CoreError => {
  const by = request.decidedBy ? ` by ${request.decidedBy}` : "";
  const what = request.status === "failed" ? "approved, but could not be applied," : request.status;
  return new CoreError("REQUEST_CLOSED", `This request was already ${what}${by}.`);
};
