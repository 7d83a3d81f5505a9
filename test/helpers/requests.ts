import type { ActorContext } from "../../src/core/engine.js";
import type { ChangeRequest } from "../../src/core/model.js";
import type { ApprovalOutcome, Requests } from "../../src/core/requests.js";
import { unexpectedAnswer } from "../../src/core/requests.js";

/**
 * An Owner's typed decision, as the CLI's `approve` takes it (confirmed; the time asked unless
 * `minutes`): the outcome, or the refusal thrown.
 */
export const approve = async (
  requests: Requests,
  actor: ActorContext,
  id: string,
  { minutes }: { minutes?: number } = {},
): Promise<ApprovalOutcome> => {
  const answer = await requests.decide(actor, id, {
    decision: "approve",
    confirmed: true,
    minutes: minutes ?? "asked",
  });
  if (answer.kind !== "approved") throw unexpectedAnswer(answer);
  return answer.outcome;
};

/** An Owner's typed rejection, as the CLI's `reject` takes it: the closed request, or the refusal thrown. */
export const reject = async (
  requests: Requests,
  actor: ActorContext,
  id: string,
  reason: string | null,
): Promise<ChangeRequest> => {
  const answer = await requests.decide(actor, id, { decision: "reject", reason });
  if (answer.kind !== "rejected") throw unexpectedAnswer(answer);
  return answer.request;
};

/**
 * Whether this member may decide the request now: Reject's first question (the form asking why opens
 * only then). Resolves, or throws the refusal.
 */
export const mayDecide = async (requests: Requests, actor: ActorContext, id: string): Promise<void> => {
  const answer = await requests.decide(actor, id, { decision: "reject" });
  if (answer.kind !== "needsReason") throw unexpectedAnswer(answer);
};
