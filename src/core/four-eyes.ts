import { decideFile, type FreshRequest } from "./decide/requests.js";
import { acting, type ChangeResult, made } from "./decide/shared.js";
import type { Decision } from "./decision.js";
import { CoreError } from "./errors.js";
import { mayNeedSecondOwner, needsSecondOwner, otherActiveOwners } from "./intent-registry.js";
import type { ChangeIntent } from "./intents.js";
import type { DecisionState } from "./model.js";
import { isActiveOwner } from "./policy.js";

/** Rule 9's two questions, asked of each kind's spec (intent-registry.ts). */
export { mayNeedSecondOwner, needsSecondOwner };

/**
 * No Owner could ever approve the held change: the actor is the only active Owner, or the only other
 * one is the Owner the change is about (`about`), who may not approve their own demotion or removal.
 */
export const secondOwnerNeeded = (about?: string): CoreError =>
  new CoreError(about ? { reason: "second_owner_is_subject", about } : { reason: "second_owner_needed" });

/**
 * Rule 9 when a request is approved: the approving Owner is the second pair of eyes only when an
 * Owner asked for the change (four-eyes files an Owner's own change as a request). A change it
 * guards, asked for by anyone else, would have one Owner behind it — an Owner could ask in a
 * teammate's name and approve it — so that approval is refused; the request stays pending.
 */
export const requireOwnerAsked = (state: DecisionState, intent: ChangeIntent): void => {
  if (!state.account.fourEyes || !needsSecondOwner(intent, state)) return;
  if (isActiveOwner(state.requester)) return;
  throw new CoreError({ reason: "second_owner_requester_not_owner" });
};

/**
 * The actor's own change, unless four-eyes holds it back: then — after the same checks as if it were
 * applied now (refusals stay refusals) — it becomes a request any other active Owner decides.
 * Approving it applies the change as the approving Owner, who is the second pair of eyes.
 */
export const decideWithFourEyes = (
  state: DecisionState,
  intent: ChangeIntent,
  decide: (state: DecisionState) => Decision<ChangeResult>,
  fresh: FreshRequest,
): Decision<ChangeResult> => {
  const decided = decide(state);
  if (!state.account.fourEyes || !decided.result.changed || !needsSecondOwner(intent, state)) return decided;
  const actor = acting(state);
  const otherOwners = otherActiveOwners(state);
  // An Owner the change demotes or removes cannot approve it (rule 4): they do not count.
  const { target } = state;
  const aboutOwner = target && isActiveOwner(target) && target.id !== actor.id ? target : null;
  if (otherOwners - (aboutOwner ? 1 : 0) < 1)
    throw secondOwnerNeeded(otherOwners >= 1 && aboutOwner ? aboutOwner.email : undefined);
  const filed = decideFile(state, intent, () => decided.result, fresh);
  return { ...filed, result: made("request.filed", { requestId: filed.result.id }) };
};
