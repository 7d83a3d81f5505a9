import { APPLIED_UNTIL } from "../../src/core/decide/requests.js";
import type { ChangeRequest } from "../../src/core/model.js";
import type { ApprovalOutcome } from "../../src/core/requests.js";
import { outcomeWords } from "../../src/words/en/refusals.js";
import { type Formatter, plainDoor, plainFormatter } from "../../src/words/format.js";

/** A request as the CLI's --json and the API show it. */
export const requestJson = (r: ChangeRequest) => ({
  id: r.id,
  status: r.status,
  requester: r.requesterEmail,
  change: r.summary,
  effect: r.effect,
  decidedBy: r.decidedBy,
  reason: r.reason,
  outcome: r.outcome === null ? null : outcomeWords(r.outcome, plainDoor),
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
});

/** A stored outcome, read on any door: syntax-free words, people and text as `fmt` writes them. */
const outcome = (stored: string, fmt: Formatter): string => outcomeWords(stored, { ...plainDoor, fmt });

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
      const until = r.outcome?.startsWith(APPLIED_UNTIL) ? r.outcome.slice(APPLIED_UNTIL.length) : null;
      return until
        ? `Approved by ${decider} — applied: access until ${fmt.date(until)}.`
        : `Approved by ${decider} — applied.`;
    }
    case "failed":
      return `Approved by ${decider}, but it could not be applied: ${outcome(r.outcome ?? "", fmt)}`;
    case "rejected":
      return `Rejected by ${decider}${r.reason ? `: ${fmt.text(r.reason)}` : "."}`;
    case "expired":
      // An outcome says why it closed early (a request that could not be carried over to a new version).
      return r.outcome ? `Closed: ${outcome(r.outcome, fmt)}` : "Expired: no Owner decided in time.";
    case "cancelled":
      return `Cancelled by ${fmt.person({ email: r.requesterEmail, slackUserId: r.requesterSlackUserId })}.`;
  }
};

export const approvalLine = (o: ApprovalOutcome): string =>
  `Request ${o.request.id}: ${requestStatusLine(o.request, plainFormatter)}`;
