import { authorize } from "../authz.js";
import type { Decision, NewRequest } from "../decision.js";
import { nothingToDo } from "../decision.js";
import { CoreError } from "../errors.js";
import { grantMinutesSchema, parseInput } from "../input.js";
import { type ChangeIntent, isGrantAsk } from "../intents.js";
import type { AuditTarget, ChangeRequest, DecisionState, Member, RequestStatus } from "../model.js";
import { appliedOutcome, NothingToChange, type RequestOutcome } from "../outcomes.js";
import type { Matrix } from "../permissions.js";
import { requireActiveActor } from "../policy.js";
import type { Role } from "../roles.js";
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
/** What a request is filed with, made before its decision: its id, its words and its end. */
export interface FreshRequest {
  id: string;
  /** The change as the command grammar writes it. */
  summary: string;
  /** What it would do, as the Owners read it. */
  effect: string;
  expiresAt: string;
}

export const decideFile = (
  state: DecisionState,
  intent: ChangeIntent,
  preview: () => ChangeResult,
  fresh: FreshRequest,
): Decision<{ id: string }> => {
  const actor = requireActiveActor(state);
  // A double click, a redelivery or the same words twice: the request already asked stands.
  const same = JSON.stringify(intent);
  const asked = state.pending?.find((r) => r.requesterId === actor.id && JSON.stringify(r.intent) === same);
  if (asked) return nothingToDo({ id: asked.id });
  const would = preview();
  if (would.kind === "unchanged") throw new NothingToChange(would.why, "ask");
  const { summary } = fresh;
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
        action: isGrantAsk(intent) ? "grant.requested" : "request.filed",
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

/**
 * What an Owner chose on a request, as a door asks it. What the door has not asked yet (no duration,
 * no confirmation, no reason) the core asks for in its answer, when the request needs it.
 */
export type RequestChoice =
  | {
      decision: "approve";
      /** The door has asked "are you sure?" (a dialog, a typed command); else a sensitive change asks first. */
      confirmed: boolean;
      /**
       * Temporary access for this long, never more than asked; `"asked"`: the time asked for; absent:
       * the door can ask, and a request for temporary access answers `needsDuration`.
       */
      minutes?: number | "asked";
    }
  | {
      decision: "reject";
      /** Why (null: no reason given); absent: the door can ask, and the answer is `needsReason`. */
      reason?: string | null;
    };

/** A request decision's outcome, before the door's words: done, or what it needs first. */
export type RequestStep =
  /** Pending but past its time, not swept yet: the system closes it, and the decision is refused. */
  | { kind: "due"; request: ChangeRequest }
  | { kind: "needsDuration"; request: ChangeRequest; askedMinutes: number; maxMinutes: number }
  | { kind: "needsConfirmation"; request: ChangeRequest; why: "sensitive" }
  | { kind: "needsReason"; request: ChangeRequest }
  | { kind: "approved"; status: "approved" | "failed"; error: CoreError | null; result: ChangeResult | null }
  | { kind: "rejected" };

/** A grant request approved for `minutes` instead of the time asked: shorter only. */
const shortened = (intent: ChangeIntent | null, minutes: number): ChangeIntent => {
  if (!isGrantAsk(intent)) throw new CoreError({ reason: "shorter_for_grants_only" });
  const asked = intent.minutes;
  const wanted = parseInput(grantMinutesSchema, minutes, "minutes");
  if (wanted > asked) throw new CoreError({ reason: "approve_at_most", minutes: asked }, "minutes");
  return { ...intent, minutes: wanted };
};

/**
 * An Owner's choice on a request, decided on one snapshot (the request, its requester, the member it
 * is about, the matrix): refusals in the order a reader needs them — is there such a request, is it
 * still open, may you decide it, does four-eyes allow you — then what the door must ask first (how
 * long, are you sure, why), then the approval or rejection itself. `approval` carries what this
 * module cannot import: rule 9 on the approver, and the change's own decision.
 */
export const decideOnRequest = (
  state: RequestState,
  rawId: string,
  choice: RequestChoice,
  approval: {
    requireSecondPair: (state: DecisionState, intent: ChangeIntent) => void;
    decider: (intent: ChangeIntent) => (state: DecisionState) => Decision<ChangeResult>;
    /** Whether approving it asks for a confirmation first (the registry's `isSensitive`). */
    sensitive: (intent: ChangeIntent, facts: { targetRole: Role | null; matrix: Matrix }) => boolean;
  },
): Decision<RequestStep> => {
  const { request: asked } = state;
  if (!asked) throw noSuchRequest(rawId);
  if (asked.status === "pending" && isPastExpiry(asked, state.now))
    return nothingToDo({ kind: "due", request: asked });
  const { request } = requireMayDecide(state, rawId);
  if (choice.decision === "reject") {
    if (choice.reason === undefined) return nothingToDo({ kind: "needsReason", request });
    const rejected = decideReject(state, rawId, choice.reason);
    return { ...rejected, result: { kind: "rejected" } };
  }
  const { intent } = request;
  const chosen = typeof choice.minutes === "number" ? shortened(intent, choice.minutes) : intent;
  if (intent) approval.requireSecondPair(state, intent);
  if (choice.minutes === undefined && isGrantAsk(intent))
    return nothingToDo({
      kind: "needsDuration",
      request,
      askedMinutes: intent.minutes,
      maxMinutes: intent.minutes,
    });
  const target = state.target && state.target.status !== "removed" ? state.target : null;
  if (
    !choice.confirmed &&
    intent &&
    approval.sensitive(intent, { targetRole: target?.role ?? null, matrix: state.matrix })
  )
    return nothingToDo({ kind: "needsConfirmation", request, why: "sensitive" });
  const approved = decideApprove(state, rawId, (s) => {
    if (!chosen) throw new CoreError({ reason: "request_unreadable" });
    return approval.decider(chosen)(s);
  });
  return { ...approved, result: { kind: "approved", ...approved.result } };
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
