import { permits } from "../authz.js";
import type { Decision } from "../decision.js";
import { nothingToDo } from "../decision.js";
import type { DecisionState } from "../model.js";
import { allowed, type ChangeResult, made, unchanged } from "./shared.js";

export const decideSetApprovalsChannel = (
  state: DecisionState,
  channel: string | null,
): Decision<ChangeResult> => {
  allowed(state, "settings.change");
  const before = state.account.approvalsChannel;
  if (before === channel) {
    return nothingToDo<ChangeResult>(
      unchanged({ of: "setting", setting: "approvals_channel", value: channel }),
    );
  }
  return {
    changes: [{ kind: "setApprovalsChannel", channel }],
    audit: [
      {
        action: "setting.changed",
        target: { type: "setting", setting: "approvals_channel" },
        before: { channel: before },
        after: { channel },
      },
    ],
    mails: [],
    result: made("setting.changed", { setting: "approvals_channel", value: channel }),
  };
};

/** PRODUCT rule 9: Owners turn four-eyes on or off (off waits for another active Owner, if any: four-eyes.ts). */
export const decideSetFourEyes = (state: DecisionState, on: boolean): Decision<ChangeResult> => {
  allowed(state, "settings.change");
  if (state.account.fourEyes === on)
    return nothingToDo<ChangeResult>(unchanged({ of: "setting", setting: "four_eyes", value: on }));
  return {
    changes: [{ kind: "setFourEyes", on }],
    audit: [
      {
        action: "setting.changed",
        target: { type: "setting", setting: "four_eyes" },
        before: { fourEyes: state.account.fourEyes },
        after: { fourEyes: on },
      },
    ],
    mails: [],
    result: made("setting.changed", { setting: "four_eyes", value: on }),
  };
};

/** The old key's grace period when a member other than an Owner does not choose one (§8). */
export const DEFAULT_GRACE_HOURS = 24;

export interface RotateApiKeyInput {
  fresh: { hash: string; prefix: string };
  /** Hours the old key keeps working; left out: none for Owners and the operator, 24 for the rest. */
  graceHours?: number;
  /** The key (prefix) this rotation means to replace; when another is in use, it was already done. */
  from?: string;
  operator?: boolean;
}

/**
 * §8: members holding `api_key` (or the operator) rotate the key; the old one dies now (Owners
 * only) or after a grace period. Keys already in their grace period are left as they are.
 */
export const decideRotateApiKey = (
  state: DecisionState,
  { fresh, graceHours, from, operator = false }: RotateApiKeyInput,
): Decision<ChangeResult> => {
  let grace = graceHours ?? 0;
  if (!operator) {
    const actor = allowed(state, "apikey.rotate");
    const mayStopAtOnce = permits("apikey.rotate", actor, { graceHours: 0 }, state.matrix);
    grace = graceHours ?? (mayStopAtOnce ? 0 : DEFAULT_GRACE_HOURS);
    allowed(state, "apikey.rotate", { graceHours: grace });
  }
  // One click, one rotation: a second click (or a redelivery) of the same button finds its key gone.
  if (from !== undefined && from !== state.account.apiKey.prefix) {
    return nothingToDo<ChangeResult>(
      unchanged({ of: "apikey.rotated", prefix: state.account.apiKey.prefix }),
    );
  }
  const graceUntil = grace > 0 ? new Date(state.now.getTime() + grace * 3_600_000).toISOString() : null;
  return {
    changes: [{ kind: "rotateApiKey", hash: fresh.hash, prefix: fresh.prefix, graceUntil }],
    audit: [
      {
        action: "apikey.rotated",
        target: { type: "api_key" },
        before: { prefix: state.account.apiKey.prefix },
        after: { prefix: fresh.prefix, oldKeyWorksUntil: graceUntil ?? state.now.toISOString() },
      },
    ],
    mails: [],
    result: made("apikey.rotated", { prefix: fresh.prefix, oldKeyWorksUntil: graceUntil }),
  };
};
