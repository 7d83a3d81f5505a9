import { CoreError } from "./errors.js";
import type { DecisionState, Member } from "./model.js";

/**
 * What must hold of the state for any decision, apart from who may act (that is authz.ts): the actor
 * is an active member (rule 6), the target exists, an active Owner is left (rule 5).
 */

/** Rule 6: only active members act. */
export const requireActiveActor = (state: Pick<DecisionState, "actor">): Member => {
  const { actor } = state;
  if (!actor || actor.status === "removed") {
    throw new CoreError("NOT_A_MEMBER", "You are not a member of this team. Ask an Owner to invite you.");
  }
  if (actor.status !== "active") {
    throw new CoreError(
      "NOT_ACTIVE",
      "Your invite has not been accepted yet. Accept it before you act on the team.",
    );
  }
  return actor;
};

export const requireTarget = (state: Pick<DecisionState, "target">, named: string): Member => {
  const { target } = state;
  if (!target || target.status === "removed") {
    throw new CoreError("NO_SUCH_MEMBER", `${named} is not a member of this team.`);
  }
  return target;
};

/** Rule 5: a change that takes `target` out of the active owners must leave at least one. */
export const requireOwnerLeft = (state: Pick<DecisionState, "activeOwnerCount">, target: Member): void => {
  if (target.role === "owner" && target.status === "active" && state.activeOwnerCount <= 1) {
    throw new CoreError("LAST_OWNER", "The account must keep at least one active Owner.");
  }
};
