import { randomInt } from "node:crypto";
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
import type { Actor, Engine } from "./engine.js";
import { decideWithFourEyes, mayNeedSecondOwner } from "./four-eyes.js";
import { type ChangeIntent, describeEffect, intentTarget, parseIntent } from "./intents.js";
import { type DecisionState, describeRef } from "./model.js";
import { newApiKey, newId, randomToken, sha256Hex } from "./tokens.js";

const ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/** A change request's id: short enough to type (`approve RK3M9QX`). */
export const newRequestId = (): string =>
  `R${Array.from({ length: 6 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join("")}`;

export interface ChangeLimits extends GrantLimits {
  inviteTtlHours: number;
  requestTtlHours: number;
}

/**
 * Applies a typed change — from `/team` words, a modal, a button or an approved request alike: the
 * intent picks its pure decision, and the engine loads, decides and applies it under the version guard.
 * With four-eyes on, a member's sensitive change is filed as a request instead (rule 9); approving
 * applies the intent's own decision, so the approval itself is never held back again.
 */
export class Changes {
  constructor(
    private readonly engine: Engine,
    private readonly limits: ChangeLimits,
  ) {}

  async apply(by: Actor, raw: unknown, options: { dryRun?: boolean } = {}): Promise<ChangeResult> {
    const intent = parseIntent(raw);
    const decide = this.decider(intent);
    const run = { target: intentTarget(intent), ...(options.dryRun ? { dryRun: true } : {}) };
    if (by.kind !== "member" || by.source === "approval" || !mayNeedSecondOwner(intent))
      return this.engine.change(by, { ...run, decide });
    const fresh = {
      id: newRequestId(),
      effect: await this.effect(by.accountId, intent),
      expiresAt: this.hoursFromNow(this.limits.requestTtlHours),
    };
    return this.engine.change(by, {
      ...run,
      pending: true,
      decide: (state) => decideWithFourEyes(state, intent, decide, fresh),
    });
  }

  /** The pure decision for an intent (new ids, tokens and keys drawn once, outside the retry loop). */
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
      case "settings.four_eyes":
        return (state) => decideSetFourEyes(state, intent.on);
      case "grant.start": {
        const fresh = { grantId: newId() };
        const input = { ...intent, member: describeRef(intent.member) };
        return (state) => decideStartGrant(state, input, fresh, this.limits);
      }
      case "grant.extend": {
        const input = { ...intent, member: describeRef(intent.member) };
        return (state) => decideExtendGrant(state, input, this.limits);
      }
      case "grant.end": {
        const input = { ...intent, member: describeRef(intent.member) };
        return (state) => decideEndGrant(state, input);
      }
      case "apikey.rotate": {
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
      }
    }
  }

  freshInvite(): FreshInvite {
    const token = randomToken();
    return {
      inviteId: newId(),
      token,
      tokenHash: sha256Hex(token),
      expiresAt: this.hoursFromNow(this.limits.inviteTtlHours),
    };
  }

  /** What a change would do, in the words the Owners read: before → after, and who is affected. */
  effect(accountId: string, intent: ChangeIntent): Promise<string> {
    const { store } = this.engine;
    return store.read(async () => {
      const ref = intentTarget(intent);
      const member = ref ? await store.findMember(accountId, ref) : null;
      const target = member && member.status !== "removed" ? member : null;
      const activeWithRole =
        intent.kind === "permission.set"
          ? await store.countMembers(accountId, { role: intent.role, status: "active" })
          : 0;
      return describeEffect(intent, { target, activeWithRole });
    });
  }

  private hoursFromNow(hours: number): string {
    return new Date(this.engine.clock.now().getTime() + hours * 3_600_000).toISOString();
  }
}
