import { CoreError } from "./errors.js";
import type { DecisionState, Member } from "./model.js";
import { PERMISSIONS, type PermissionKey, roleHolds } from "./permissions.js";
import { type ChangeableRole, isWithinHierarchy, ROLE_LABEL, type Role } from "./roles.js";

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

/** Rules 1–3: the feature gate. */
export const requirePermission = (
  state: Pick<DecisionState, "matrix">,
  actor: Member,
  permission: PermissionKey,
  doing: string,
): void => {
  if (!roleHolds(state.matrix, actor.role, permission)) {
    throw new CoreError(
      "FORBIDDEN",
      `You need the ${PERMISSIONS[permission].label} permission to ${doing}. Your role (${ROLE_LABEL[actor.role]}) does not have it.`,
    );
  }
};

export const requireOwner = (actor: Member, doing: string): void => {
  if (actor.role !== "owner") throw new CoreError("FORBIDDEN", `Only Owners can ${doing}.`);
};

/** §8: only an Owner may stop the API key in use at once; everyone else leaves it a grace period. */
export const mayStopApiKeyAtOnce = (actor: Member): boolean => actor.role === "owner";

export const requireMayStopApiKeyAtOnce = (actor: Member): void => {
  if (!mayStopApiKeyAtOnce(actor)) {
    throw new CoreError(
      "FORBIDDEN",
      "Only Owners can stop the key in use at once; rotate with a grace period (24 hours unless you choose) so services using it have time to switch.",
    );
  }
};

export const requireTarget = (state: Pick<DecisionState, "target">, named: string): Member => {
  const { target } = state;
  if (!target || target.status === "removed") {
    throw new CoreError("NO_SUCH_MEMBER", `${named} is not a member of this team.`);
  }
  return target;
};

const rankRefusal = (actorRole: Role, subjectRole: Role, what: string): CoreError =>
  subjectRole === "owner"
    ? new CoreError("RANK_TOO_LOW", `Only Owners can ${what} an Owner.`)
    : new CoreError(
        "RANK_TOO_LOW",
        `${ROLE_LABEL[actorRole]}s can only ${what} members ranked below them; ${ROLE_LABEL[subjectRole]} is not.`,
      );

/** Rule 2: a non-owner acts only on members ranked below them. */
export const requireMayActOn = (actor: Member, target: Member, what: string): void => {
  if (!isWithinHierarchy(actor.role, target.role)) throw rankRefusal(actor.role, target.role, what);
};

/** Rule 2: a non-owner assigns only roles ranked below their own. */
export const requireMayAssign = (actor: Member, role: Role): void => {
  if (!isWithinHierarchy(actor.role, role)) {
    throw new CoreError(
      "RANK_TOO_LOW",
      role === "owner"
        ? "Only Owners can make someone an Owner."
        : `${ROLE_LABEL[actor.role]}s can only assign roles ranked below their own; ${ROLE_LABEL[role]} is not.`,
    );
  }
};

/** Rule 4. */
export const requireNotSelf = (actor: Member, target: Member, refusal: string): void => {
  if (actor.id === target.id) throw new CoreError("OWN_ROLE", refusal);
};

/** Rule 5: a change that takes `target` out of the active owners must leave at least one. */
export const requireOwnerLeft = (state: Pick<DecisionState, "activeOwnerCount">, target: Member): void => {
  if (target.role === "owner" && target.status === "active" && state.activeOwnerCount <= 1) {
    throw new CoreError("LAST_OWNER", "The account must keep at least one active Owner.");
  }
};

/** Rule 3: nobody changes the owner column; a non-owner changes only roles ranked below their own. */
export const requireMayChangeColumn = (actor: Member, role: Role): ChangeableRole => {
  if (role === "owner") {
    throw new CoreError(
      "FORBIDDEN",
      "Owners always hold every permission; nobody can change the Owner column.",
    );
  }
  if (!isWithinHierarchy(actor.role, role)) {
    throw new CoreError(
      "RANK_TOO_LOW",
      `${ROLE_LABEL[actor.role]}s can only change what roles ranked below them may do; ${ROLE_LABEL[role]} is not.`,
    );
  }
  return role;
};
