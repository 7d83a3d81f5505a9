import type { ApprovalOutcome } from "../../src/core/index.js";
import type { ChangeRequest } from "../../src/core/model.js";
import type { RequestOutcome } from "../../src/core/outcomes.js";
import { refusalWords } from "../../src/words/en/refusals.js";
import { type Formatter, plainDoor, plainFormatter } from "../../src/words/format.js";

/**
 * Why a request failed or closed early, as its outcome says (empty when it says nothing), written
 * by `fmt`: a refusal kept as data in syntax-free words (a stored outcome is read on every door),
 * text stored before refusals were data as it is.
 */
const outcomeWhy = (o: RequestOutcome | null, fmt: Formatter = plainFormatter): string => {
  if (o === null || ("applied" in o && o.applied)) return "";
  if ("closed" in o) return fmt.text(o.closed);
  return o.refusal ? refusalWords(o.refusal, { ...plainDoor, fmt }) : fmt.text(o.why ?? "");
};

/** An outcome as JSON shows it: a failed one with its code and its words (`why`), not its data. */
const outcomeJson = (o: RequestOutcome | null): RequestOutcome | null =>
  o !== null && "applied" in o && !o.applied && o.refusal
    ? { applied: false, ...(o.code ? { code: o.code } : {}), why: outcomeWhy(o) }
    : o;

/** A request as the CLI's --json and the API show it. */
export const requestJson = (r: ChangeRequest) => ({
  id: r.id,
  status: r.status,
  requester: r.requesterEmail,
  change: r.summary,
  effect: r.effect,
  decidedBy: r.decidedBy,
  reason: r.reason,
  outcome: outcomeJson(r.outcome),
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
});

/**
 * The status line shown on a request, wherever it appears: people and times as the surface writes
 * them (`plainFormatter` for the CLI, `slackFormatter` for Slack — mentions, the reader's time zone).
 */
export const requestStatusLine = (r: ChangeRequest, fmt: Formatter): string => {
  const decider = r.decidedBy
    ? fmt.person({ email: r.decidedBy, slackUserId: r.deciderSlackUserId })
    : "an Owner";
  switch (r.status) {
    case "pending":
      return `Waiting for an Owner; expires ${fmt.date(r.expiresAt)}.`;
    case "approved": {
      const until = r.outcome && "applied" in r.outcome && r.outcome.applied ? r.outcome.until : undefined;
      return until
        ? `Approved by ${decider} — applied: access until ${fmt.date(until)}.`
        : `Approved by ${decider} — applied.`;
    }
    case "failed":
      return `Approved by ${decider}, but it could not be applied: ${outcomeWhy(r.outcome, fmt)}`;
    case "rejected":
      return `Rejected by ${decider}${r.reason ? `: ${fmt.text(r.reason)}` : "."}`;
    case "expired":
      // An outcome says why it closed early (a request that could not be carried over to a new version).
      return r.outcome ? `Closed: ${outcomeWhy(r.outcome, fmt)}` : "Expired: no Owner decided in time.";
    case "cancelled":
      return `Cancelled by ${fmt.person({ email: r.requesterEmail, slackUserId: r.requesterSlackUserId })}.`;
  }
};

export const approvalLine = (o: ApprovalOutcome): string =>
  `Request ${o.request.id}: ${requestStatusLine(o.request, plainFormatter)}`;
