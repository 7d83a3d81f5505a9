import { decideFile } from "./decide/requests.js";
import { acting, type ChangeResult, made } from "./decide/shared.js";
import type { Decision } from "./decision.js";
import { CoreError } from "./errors.js";
import type { ChangeIntent } from "./intents.js";
import type { DecisionState } from "./model.js";
import { diffMatrix, type PermissionKey } from "./permissions.js";
import { isActiveOwner } from "./policy.js";
import { CHANGEABLE_ROLES } from "./roles.js";

/**
 * PRODUCT rule 9: with four-eyes on, these changes wait for a second active Owner even when an Owner
 * makes them. Who holds Team Settings and Access Permissions runs the team and its rules.
 */
const FOUR_EYES_PERMISSION = {
  team_settings: true,
  access_permissions: true,
  export_users: false,
  add_users: false,
  bulk_tag_users: false,
  billing: false,
  api_key: false,
  whatsapp_setup: false,
} as const satisfies Record<PermissionKey, boolean>;

/** The kinds of change that can need a second Owner (the rest never do, so they skip the extra read). */
export const mayNeedSecondOwner = (intent: ChangeIntent): boolean => {
  switch (intent.kind) {
    case "member.add":
      return intent.role === "owner";
    case "member.edit":
      return intent.role !== undefined;
    case "member.remove":
    case "invite.revoke":
    case "permission.set":
    case "permission.save":
    case "grant.start":
    case "grant.extend":
    case "apikey.rotate":
      return true;
    case "settings.four_eyes":
      return !intent.on;
    case "invite.resend":
    case "settings.approvals":
    case "grant.end":
      return false;
  }
};

/** Active Owners besides the actor: who could be the second pair of eyes. */
const otherActiveOwners = (state: DecisionState): number =>
  state.activeOwnerCount - (acting(state).role === "owner" ? 1 : 0);

/**
 * Whether this change, on this state, is one rule 9 names: making or removing an Owner (inviting one,
 * a role to or from Owner, removing one or cancelling their invite), changing Team Settings or Access
 * Permissions for a role, rotating the API key without grace, granting those two permissions, and
 * turning four-eyes itself off while another active Owner could approve it (the only active Owner
 * turns it off at once: nobody else could). Otherwise an Owner could switch it off, make the change
 * it guards, and switch it back on, unseen.
 */
export const needsSecondOwner = (intent: ChangeIntent, state: DecisionState): boolean => {
  const targetRole = state.target && state.target.status !== "removed" ? state.target.role : null;
  switch (intent.kind) {
    case "member.add":
      return intent.role === "owner";
    case "member.edit":
      return (
        intent.role !== undefined &&
        targetRole !== null &&
        intent.role !== targetRole &&
        (intent.role === "owner" || targetRole === "owner")
      );
    case "member.remove":
    case "invite.revoke":
      return targetRole === "owner";
    case "permission.set":
      return FOUR_EYES_PERMISSION[intent.permission];
    case "permission.save": {
      const columns = Object.fromEntries(CHANGEABLE_ROLES.map((role) => [role, intent.columns[role]]));
      const { toAdd, toRemove } = diffMatrix(state.matrix, columns);
      return [...toAdd, ...toRemove].some((cell) => FOUR_EYES_PERMISSION[cell.permission]);
    }
    case "grant.start":
    case "grant.extend":
      return FOUR_EYES_PERMISSION[intent.permission];
    case "apikey.rotate":
      // Left out, an Owner's rotation stops the old key at once.
      return intent.graceHours === 0 || (intent.graceHours === undefined && state.actor?.role === "owner");
    case "settings.four_eyes":
      return !intent.on && otherActiveOwners(state) > 0;
    case "invite.resend":
    case "settings.approvals":
    case "grant.end":
      return false;
  }
};

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
  fresh: { id: string; effect: string; expiresAt: string },
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
