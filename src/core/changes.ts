import {
  type ChangeResult,
  decideAddMember,
  decideEditMember,
  decideRemoveMember,
  decideResendInvite,
  decideRevokeInvite,
  decideSetApprovalsChannel,
  decideSetMatrix,
  decideSetPermission,
  type FreshInvite,
} from "./decide.js";
import type { Decision } from "./decision.js";
import type { Actor, Engine } from "./engine.js";
import { type ChangeIntent, intentTarget, parseIntent } from "./intents.js";
import { type DecisionState, describeRef } from "./model.js";
import { newId, randomToken, sha256Hex } from "./tokens.js";

/**
 * Applies a typed change — from `/team` words, a modal, a button or an approved request alike: the
 * intent picks its pure decision, and the engine loads, decides and applies it under the version guard.
 */
export class Changes {
  constructor(
    private readonly engine: Engine,
    private readonly inviteTtlHours: number,
  ) {}

  apply(by: Actor, raw: unknown, options: { dryRun?: boolean } = {}): Promise<ChangeResult> {
    const intent = parseIntent(raw);
    return this.engine.change(by, {
      target: intentTarget(intent),
      decide: this.decider(intent),
      ...(options.dryRun ? { dryRun: true } : {}),
    });
  }

  /** The pure decision for an intent (new ids and tokens drawn once, outside the retry loop). */
  decider(intent: ChangeIntent): (state: DecisionState) => Decision<ChangeResult> {
    switch (intent.kind) {
      case "member.add": {
        const fresh = { ...this.freshInvite(), memberId: newId() };
        return (state) => decideAddMember(state, intent, fresh);
      }
      case "member.edit": {
        const { member, kind: _, ...fields } = intent;
        return (state) => decideEditMember(state, describeRef(member), fields);
      }
      case "member.remove":
        return (state) => decideRemoveMember(state, describeRef(intent.member));
      case "invite.resend": {
        const fresh = this.freshInvite();
        return (state) => decideResendInvite(state, describeRef(intent.member), fresh);
      }
      case "invite.revoke":
        return (state) => decideRevokeInvite(state, describeRef(intent.member));
      case "permission.set":
        return (state) => decideSetPermission(state, intent);
      case "permission.save":
        return (state) => decideSetMatrix(state, intent.columns);
      case "settings.approvals":
        return (state) => decideSetApprovalsChannel(state, intent.channel);
    }
  }

  freshInvite(): FreshInvite {
    const token = randomToken();
    const expiresAt = new Date(
      this.engine.clock.now().getTime() + this.inviteTtlHours * 3_600_000,
    ).toISOString();
    return { inviteId: newId(), token, tokenHash: sha256Hex(token), expiresAt };
  }
}
