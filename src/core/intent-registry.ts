import { NEEDS_SECOND_OWNER, SHOWN_AS_SENSITIVE } from "./authz.js";
import {
  type ChangeResult,
  decideAddMember,
  decideEditMember,
  decideEndGrant,
  decideExtendGrant,
  decideRemoveMember,
  decideResendInvite,
  decideRevokeInvite,
  decideRotateApiKey,
  decideSetApprovalsChannel,
  decideSetFourEyes,
  decideSetMatrix,
  decideSetPermission,
  decideStartGrant,
  type FreshInvite,
  type GrantLimits,
} from "./decide.js";
import type { Decision } from "./decision.js";
import type { ChangeIntent, IntentKind, IntentOf } from "./intents.js";
import { type DecisionState, describeRef, type MemberRef } from "./model.js";
import { diffMatrix, holds, type Matrix, PERMISSION_KEYS, type PermissionKey } from "./permissions.js";
import { isActiveOwner } from "./policy.js";
import { CHANGEABLE_ROLES, isOwnerRank, type Role } from "./roles.js";
import { newApiKey, newId } from "./tokens.js";

/** What a decision draws fresh, once, outside the engine's retry loop: ids, invite tokens, limits. */
export interface DecideEnv {
  freshInvite(): FreshInvite;
  limits: GrantLimits;
}

/** What sensitivity depends on besides the change: the member it acts on and the matrix, as now. */
export interface SensitivityFacts {
  /** The role of the member the change acts on (null: nobody yet, or nobody current). */
  targetRole: Role | null;
  matrix: Matrix;
}

/** Everything Rolecall knows about one kind of change, typed by that kind. */
export interface IntentSpec<I extends ChangeIntent> {
  /** The member it acts on (loaded with the state its decision reads); null for account-wide changes. */
  target(intent: I): MemberRef | null;
  /** Its pure decision, with new ids, tokens and keys drawn now (once, not at every retry). */
  decide(intent: I, env: DecideEnv): (state: DecisionState) => Decision<ChangeResult>;
  /**
   * Whether approving it deserves a second look first (the approving Owner confirms): it makes or
   * unmakes an Owner, changes who holds a permission `SHOWN_AS_SENSITIVE`, or changes the settings or
   * the key. Editing an Owner's name or phone is not.
   */
  sensitive(intent: I, facts: SensitivityFacts): boolean;
  /** PRODUCT rule 9: whether, with four-eyes on, it waits for a second active Owner. */
  fourEyes: {
    /** Whether it can ever (the rest never do, so they skip the extra read of pending requests). */
    mayNeed(intent: I): boolean;
    /** Whether it does, on this state. */
    needs(intent: I, state: DecisionState): boolean;
  };
}

/** One spec per kind: a kind added to the schema does not compile until it has one here. */
type Registry = { readonly [K in IntentKind]: IntentSpec<IntentOf<K>> };

/** The role of the member the decision is about, if they are current. */
const targetRoleOf = (state: DecisionState): Role | null =>
  state.target && state.target.status !== "removed" ? state.target.role : null;

/** Whether moving someone from `from` to `to` hands over (or takes away) a permission `table` names. */
const movesAny = (table: Record<PermissionKey, boolean>, matrix: Matrix, from: Role, to: Role) =>
  PERMISSION_KEYS.some((key) => table[key] && holds(matrix, from, key) !== holds(matrix, to, key));

/** Whether saving these columns turns on or off a permission `table` names. */
const savesAny = (
  table: Record<PermissionKey, boolean>,
  matrix: Matrix,
  columns: IntentOf<"permission.save">["columns"],
) => {
  const wanted = Object.fromEntries(CHANGEABLE_ROLES.map((role) => [role, columns[role]]));
  const { toAdd, toRemove } = diffMatrix(matrix, wanted);
  return [...toAdd, ...toRemove].some((cell) => table[cell.permission]);
};

/** Active Owners besides the actor: who could be the second pair of eyes. */
export const otherActiveOwners = (state: DecisionState): number =>
  state.activeOwnerCount - (isActiveOwner(state.actor) ? 1 : 0);

/** Acts on one member, named by `member`. */
const onMember = (intent: { member: MemberRef }) => intent.member;
const accountWide = () => null;
const never = () => false;
const always = () => true;
/** Rule 9 for a change about a member: it removes (or cancels) an Owner. */
const aboutAnOwner = (_: unknown, state: DecisionState) => {
  const role = targetRoleOf(state);
  return role !== null && isOwnerRank(role);
};

export const INTENTS = {
  "member.add": {
    target: (intent) => ({ email: intent.email }),
    decide: (intent, env) => {
      const fresh = { ...env.freshInvite(), memberId: newId() };
      return (state) => decideAddMember(state, intent, fresh);
    },
    // A newcomer gets the API key by default, so only running the team counts here (an Owner's
    // column holds both).
    sensitive: (intent, { matrix }) =>
      holds(matrix, intent.role, "team_settings") || holds(matrix, intent.role, "access_permissions"),
    fourEyes: { mayNeed: (intent) => isOwnerRank(intent.role), needs: (intent) => isOwnerRank(intent.role) },
  },
  "member.edit": {
    target: onMember,
    decide: (intent) => {
      const { member, kind: _, ...fields } = intent;
      return (state) => decideEditMember(state, describeRef(member), fields);
    },
    sensitive: (intent, { targetRole, matrix }) =>
      intent.role !== undefined &&
      targetRole !== null &&
      movesAny(SHOWN_AS_SENSITIVE, matrix, targetRole, intent.role),
    fourEyes: {
      mayNeed: (intent) => intent.role !== undefined,
      // Making or unmaking an Owner.
      needs: (intent, state) => {
        const from = targetRoleOf(state);
        return (
          intent.role !== undefined &&
          from !== null &&
          intent.role !== from &&
          (isOwnerRank(intent.role) || isOwnerRank(from))
        );
      },
    },
  },
  "member.remove": {
    target: onMember,
    decide: (intent) => (state) => decideRemoveMember(state, describeRef(intent.member)),
    sensitive: (_, { targetRole }) => targetRole !== null && isOwnerRank(targetRole),
    fourEyes: { mayNeed: always, needs: aboutAnOwner },
  },
  "invite.resend": {
    target: onMember,
    decide: (intent, env) => {
      const fresh = env.freshInvite();
      return (state) => decideResendInvite(state, describeRef(intent.member), fresh);
    },
    sensitive: (_, { targetRole }) => targetRole !== null && isOwnerRank(targetRole),
    fourEyes: { mayNeed: never, needs: never },
  },
  "invite.revoke": {
    target: onMember,
    decide: (intent) => (state) => decideRevokeInvite(state, describeRef(intent.member)),
    sensitive: (_, { targetRole }) => targetRole !== null && isOwnerRank(targetRole),
    fourEyes: { mayNeed: always, needs: aboutAnOwner },
  },
  "permission.set": {
    target: accountWide,
    decide: (intent) => (state) => decideSetPermission(state, intent),
    sensitive: (intent) => SHOWN_AS_SENSITIVE[intent.permission],
    fourEyes: { mayNeed: always, needs: (intent) => NEEDS_SECOND_OWNER[intent.permission] },
  },
  "permission.save": {
    target: accountWide,
    decide: (intent) => (state) => decideSetMatrix(state, intent.columns),
    sensitive: (intent, { matrix }) => savesAny(SHOWN_AS_SENSITIVE, matrix, intent.columns),
    fourEyes: {
      mayNeed: always,
      needs: (intent, state) => savesAny(NEEDS_SECOND_OWNER, state.matrix, intent.columns),
    },
  },
  "settings.approvals": {
    target: accountWide,
    decide: (intent) => (state) => decideSetApprovalsChannel(state, intent.channel),
    sensitive: always,
    fourEyes: { mayNeed: never, needs: never },
  },
  "settings.four_eyes": {
    target: accountWide,
    decide: (intent) => (state) => decideSetFourEyes(state, intent.on),
    sensitive: always,
    // Turning it off while another active Owner could approve it (the only active Owner turns it off
    // at once: nobody else could). Otherwise an Owner could switch it off, make the change it guards,
    // and switch it back on, unseen.
    fourEyes: {
      mayNeed: (intent) => !intent.on,
      needs: (intent, state) => !intent.on && otherActiveOwners(state) > 0,
    },
  },
  "grant.start": {
    target: onMember,
    decide: (intent, env) => {
      const fresh = { grantId: newId() };
      const input = { ...intent, member: describeRef(intent.member) };
      return (state) => decideStartGrant(state, input, fresh, env.limits);
    },
    sensitive: (intent) => SHOWN_AS_SENSITIVE[intent.permission],
    fourEyes: { mayNeed: always, needs: (intent) => NEEDS_SECOND_OWNER[intent.permission] },
  },
  "grant.extend": {
    target: onMember,
    decide: (intent, env) => {
      const input = { ...intent, member: describeRef(intent.member) };
      return (state) => decideExtendGrant(state, input, env.limits);
    },
    sensitive: (intent) => SHOWN_AS_SENSITIVE[intent.permission],
    fourEyes: { mayNeed: always, needs: (intent) => NEEDS_SECOND_OWNER[intent.permission] },
  },
  "grant.end": {
    target: onMember,
    decide: (intent) => {
      const input = { ...intent, member: describeRef(intent.member) };
      return (state) => decideEndGrant(state, input);
    },
    sensitive: never,
    fourEyes: { mayNeed: never, needs: never },
  },
  "apikey.rotate": {
    target: accountWide,
    decide: (intent) => {
      const fresh = newApiKey();
      const input = {
        fresh,
        ...(intent.graceHours === undefined ? {} : { graceHours: intent.graceHours }),
        ...(intent.from === undefined ? {} : { from: intent.from }),
      };
      return (state) => {
        const decided = decideRotateApiKey(state, input);
        return decided.result.kind === "apikey.rotated"
          ? { ...decided, result: { ...decided.result, apiKey: fresh.key } }
          : decided;
      };
    },
    sensitive: always,
    fourEyes: {
      mayNeed: always,
      // Without grace; left out, an Owner's rotation stops the old key at once.
      needs: (intent, state) =>
        intent.graceHours === 0 ||
        (intent.graceHours === undefined && state.actor !== null && isOwnerRank(state.actor.role)),
    },
  },
} as const satisfies Registry;

/**
 * The spec of this intent's own kind. TypeScript cannot see that `INTENTS[intent.kind]` and `intent`
 * agree on the kind (a correlated union), so the registry says it here, once.
 */
const specOf = (intent: ChangeIntent): IntentSpec<ChangeIntent> =>
  (INTENTS satisfies Registry)[intent.kind] as unknown as IntentSpec<ChangeIntent>;

/** The member an intent acts on (loaded with the state its decision reads). */
export const intentTarget = (intent: ChangeIntent): MemberRef | null => specOf(intent).target(intent);

/** The pure decision for an intent, with its fresh ids drawn now. */
export const intentDecider = (intent: ChangeIntent, env: DecideEnv) => specOf(intent).decide(intent, env);

/** Whether approving the change asks the Owner to confirm first (see `IntentSpec.sensitive`). */
export const isSensitive = (intent: ChangeIntent, facts: SensitivityFacts): boolean =>
  specOf(intent).sensitive(intent, facts);

/** The kinds of change that can need a second Owner (the rest never do, so they skip the extra read). */
export const mayNeedSecondOwner = (intent: ChangeIntent): boolean => specOf(intent).fourEyes.mayNeed(intent);

/**
 * Whether this change, on this state, is one rule 9 names: making or removing an Owner (inviting one,
 * a role to or from Owner, removing one or cancelling their invite), changing who holds a permission
 * `NEEDS_SECOND_OWNER` names (for a role, or by a grant), rotating the API key without grace, and
 * turning four-eyes itself off while another active Owner could approve it.
 */
export const needsSecondOwner = (intent: ChangeIntent, state: DecisionState): boolean =>
  specOf(intent).fourEyes.needs(intent, state);
