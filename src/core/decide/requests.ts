import { authorize } from "../authz.js";
import type { Decision, NewRequest } from "../decision.js";
import { nothingToDo } from "../decision.js";
import { CoreError } from "../errors.js";
import { type ChangeIntent, describeIntent } from "../intents.js";
import type { AuditTarget, ChangeRequest, DecisionState, Member, RequestStatus } from "../model.js";
import { appliedOutcome, NothingToChange, type RequestOutcome } from "../outcomes.js";
import { requireActiveActor } from "../policy.js";
import type { ChangeResult } from "./shared.js";

/**
 * PRODUCT §3 as pure decisions: filing, approving, rejecting, cancelling and expiring a request each
 * return the writes and audit entries that the engine applies under the account's version guard, so
 * the first decision wins and an approved change commits in the same transaction as its approval.
 */

export type ApprovalOutcome =
  | { request: ChangeRequest; applied: true; result: ChangeResult }
  | { request: ChangeRequest; applied: false; error: CoreError };

/** The state a request decision reads: the usual snapshot, plus the request as it is now. */
export type RequestState = DecisionState & { request: ChangeRequest | null };

const target = (id: string): AuditTarget => ({ type: "request", id });

/** A request id nobody on this team filed (or mistyped). */
export const noSuchRequest = (rawId: string): CoreError =>
  new CoreError({ reason: "no_such_request", id: rawId.slice(0, 20) });

/** A request past its time: nobody can decide it any more, but it can be asked again. */
export const expiredError = (): CoreError => new CoreError({ reason: "request_expired" });

/** A request somebody (or its time) already closed: who did, so nobody wonders. */
export const closedError = (request: ChangeRequest): CoreError => {
  if (request.status === "expired")
    // Closed early, not by time (a request that could not be carried over): say why, as the post does.
    return request.outcome && "closed" in request.outcome
      ? new CoreError({ reason: "request_closed_because", outcome: request.outcome.closed })
      : expiredError();
  const by = request.decidedBy || null;
  return new CoreError(
    request.status === "failed"
      ? { reason: "request_failed", by }
      : { reason: "request_decided", status: request.status, by },
  );
};

const isPastExpiry = (request: ChangeRequest, now: Date) => new Date(request.expiresAt) <= now;

/** The request, still open: not decided, not past its time (swept or not). */
export const requireOpen = (state: RequestState, rawId: string): ChangeRequest => {
  const { request } = state;
  if (!request) throw noSuchRequest(rawId);
  if (request.status !== "pending") throw closedError(request);
  if (isPastExpiry(request, state.now)) throw expiredError();
  return request;
};

/** Whether this member may decide this request now (a prompt; deciding checks again). */
export const requireMayDecide = (
  state: RequestState,
  rawId: string,
): { actor: Member; request: ChangeRequest } => {
  const actor = requireActiveActor(state);
  const request = requireOpen(state, rawId);
  authorize("request.decide", actor, { requesterId: request.requesterId }, state.matrix);
  return { actor, request };
};

/**
 * Files a request. `preview` is the change as another Owner would make it now, decided and written
 * nowhere: a change that is already so, or that an Owner would be refused too, is never filed.
 */
export const decideFile = (
  state: DecisionState,
  intent: ChangeIntent,
  preview: () => ChangeResult,
  fresh: { id: string; effect: string; expiresAt: string },
): Decision<{ id: string }> => {
  const actor = requireActiveActor(state);
  // A double click, a redelivery or the same words twice: the request already asked stands.
  const same = JSON.stringify(intent);
  const asked = state.pending?.find((r) => r.requesterId === actor.id && JSON.stringify(r.intent) === same);
  if (asked) return nothingToDo({ id: asked.id });
  const would = preview();
  if (would.kind === "unchanged") throw new NothingToChange(would.why, "ask");
  const summary = describeIntent(intent);
  const request: NewRequest = {
    id: fresh.id,
    accountId: state.account.id,
    requesterId: actor.id,
    intent,
    summary,
    effect: fresh.effect,
    createdAt: state.now.toISOString(),
    expiresAt: fresh.expiresAt,
  };
  return {
    changes: [{ kind: "insertRequest", request }],
    audit: [
      {
        // A grant asked for reads as such in the log; any other change as a request.
        action:
          intent.kind === "grant.start" || intent.kind === "grant.extend"
            ? "grant.requested"
            : "request.filed",
        target: target(fresh.id),
        before: null,
        after: { change: summary },
      },
    ],
    mails: [],
    result: { id: request.id },
  };
};

const closing = (
  state: RequestState,
  request: ChangeRequest,
  status: Exclude<RequestStatus, "pending">,
  decidedBy: string | null,
  details: { reason?: string | null; outcome?: RequestOutcome | null } = {},
) => ({
  kind: "closeRequest" as const,
  closing: {
    accountId: request.accountId,
    id: request.id,
    status,
    decidedBy,
    at: state.now.toISOString(),
    reason: details.reason ?? null,
    outcome: details.outcome ?? null,
  },
});

/**
 * Approves and applies: `change` is the request's own decision, taken as the approving Owner on
 * this same state. If that change is refused now, or would change nothing, nothing of it is applied
 * and the request closes as failed, saying why.
 */
export const decideApprove = (
  state: RequestState,
  rawId: string,
  change: (state: DecisionState) => Decision<ChangeResult>,
): Decision<{ status: "approved" | "failed"; error: CoreError | null; result: ChangeResult | null }> => {
  const { actor, request } = requireMayDecide(state, rawId);
  let decided: Decision<ChangeResult> | CoreError;
  try {
    decided = change(state);
    if (decided.result.kind === "unchanged") decided = new NothingToChange(decided.result.why, "approve");
  } catch (error) {
    if (!(error instanceof CoreError)) throw error;
    decided = error;
  }
  if (decided instanceof CoreError) {
    return {
      changes: [
        closing(state, request, "failed", actor.email, {
          outcome: { applied: false, code: decided.code, refusal: decided.refusal },
        }),
      ],
      audit: [
        {
          action: "request.approved",
          target: target(request.id),
          before: null,
          after: { applied: false, why: decided.message },
        },
      ],
      mails: [],
      result: { status: "failed", error: decided, result: null },
    };
  }
  return {
    changes: [
      closing(state, request, "approved", actor.email, { outcome: appliedOutcome(decided.result) }),
      ...decided.changes,
    ],
    audit: [
      ...decided.audit,
      {
        action: "request.approved",
        target: target(request.id),
        before: null,
        after: { applied: true, requester: request.requesterEmail },
      },
    ],
    mails: decided.mails,
    result: { status: "approved", error: null, result: decided.result },
  };
};

export const decideReject = (state: RequestState, rawId: string, reason: string | null): Decision<null> => {
  const { actor, request } = requireMayDecide(state, rawId);
  return {
    changes: [closing(state, request, "rejected", actor.email, { reason })],
    audit: [{ action: "request.rejected", target: target(request.id), before: null, after: { reason } }],
    mails: [],
    result: null,
  };
};

export const decideCancel = (state: RequestState, rawId: string): Decision<null> => {
  const actor = requireActiveActor(state);
  const { request } = state;
  if (!request) throw noSuchRequest(rawId);
  authorize("request.cancel", actor, { requesterId: request.requesterId }, state.matrix);
  const open = requireOpen(state, rawId);
  return {
    changes: [closing(state, open, "cancelled", actor.email)],
    audit: [{ action: "request.cancelled", target: target(open.id), before: null, after: null }],
    mails: [],
    result: null,
  };
};

/** The system closes a request past its time (or one that can no longer be read, saying why). */
export const decideExpire = (state: RequestState, why: string | null = null): Decision<null> => {
  const { request } = state;
  if (request?.status !== "pending") return nothingToDo(null);
  if (why === null && !isPastExpiry(request, state.now)) return nothingToDo(null);
  return {
    changes: [closing(state, request, "expired", null, { outcome: why === null ? null : { closed: why } })],
    audit: [
      { action: "request.expired", target: target(request.id), before: null, after: why ? { why } : null },
    ],
    mails: [],
    result: null,
  };
};
