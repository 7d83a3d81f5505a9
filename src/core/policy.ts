import { CoreError } from "./errors.js";
import type { DecisionState, Member } from "./model.js";
import { namedRef } from "./refusals.js";
import { isOwnerRank } from "./roles.js";

/**
 * What must hold of the state for any decision, apart from who may act (that is authz.ts): the actor
 * is an active member (rule 6), the target exists, an active Owner is left (rule 5).
 */

/** Rule 6, for whoever is not on the team (unknown, or removed): the one sentence every door says. */
export const notAMember = (): CoreError => new CoreError({ reason: "not_a_member" });

/** Rule 6: only active members act. */
export const requireActiveActor = (state: Pick<DecisionState, "actor">): Member => {
  const { actor } = state;
  if (!actor || actor.status === "removed") throw notAMember();
  if (actor.status !== "active") {
    throw new CoreError({ reason: "not_active" });
  }
  return actor;
};

/** A member named in a change who is not on the team; `named` is how they were named (email or mention). */
export const noSuchMember = (named: string): CoreError =>
  new CoreError({ reason: "no_such_member", member: namedRef(named) });

export const requireTarget = (state: Pick<DecisionState, "target">, named: string): Member => {
  const { target } = state;
  if (!target || target.status === "removed") throw noSuchMember(named);
  return target;
};

/** Whether `member` is one of the active Owners (rules 5 and 9 count them). */
export const isActiveOwner = (member: Pick<Member, "role" | "status"> | null | undefined): boolean =>
  member?.status === "active" && isOwnerRank(member.role);

/** Rule 5: a change that takes `target` out of the active owners must leave at least one. */
export const requireOwnerLeft = (state: Pick<DecisionState, "activeOwnerCount">, target: Member): void => {
  if (isActiveOwner(target) && state.activeOwnerCount <= 1) {
    throw new CoreError({ reason: "last_owner" });
  }
};
