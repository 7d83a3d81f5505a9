import type { ChangeRequest } from "../../src/core/model.js";
import type { ApprovalOutcome } from "../../src/core/requests.js";
import { humanDate } from "../../src/html.js";

/** A request as the CLI's --json and the API show it. */
export const requestJson = (r: ChangeRequest) => ({
  id: r.id,
  status: r.status,
  requester: r.requesterEmail,
  change: r.summary,
  effect: r.effect,
  decidedBy: r.decidedBy,
  reason: r.reason,
  outcome: r.outcome,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
});

/** The status line shown on a decided request, wherever it appears. */
export const requestStatusLine = (r: ChangeRequest): string => {
  switch (r.status) {
    case "pending":
      return `Waiting for an Owner; expires ${humanDate(r.expiresAt)}.`;
    case "approved":
      return `Approved by ${r.decidedBy} — applied.`;
    case "failed":
      return `Approved by ${r.decidedBy}, but it could not be applied: ${r.outcome}`;
    case "rejected":
      return `Rejected by ${r.decidedBy}${r.reason ? `: ${r.reason}` : "."}`;
    case "expired":
      // An outcome says why it closed early (a request that could not be carried over to a new version).
      return r.outcome ? `Closed: ${r.outcome}` : "Expired: no Owner decided in time.";
    case "cancelled":
      return `Cancelled by ${r.requesterEmail}.`;
  }
};

export const approvalLine = (o: ApprovalOutcome): string =>
  `Request ${o.request.id}: ${requestStatusLine(o.request)}`;
