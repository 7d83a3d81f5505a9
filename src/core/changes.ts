import { randomInt } from "node:crypto";
import type { FreshRequest } from "./decide/requests.js";
import type { ChangeResult, FreshInvite, GrantLimits } from "./decide.js";
import type { Decision } from "./decision.js";
import type { Actor, Engine } from "./engine.js";
import { decideWithFourEyes } from "./four-eyes.js";
import { intentDecider, intentTarget, mayNeedSecondOwner } from "./intent-registry.js";
import { type ChangeIntent, type IntentWords, parseIntent } from "./intents.js";
import type { DecisionState } from "./model.js";
import { newId, randomToken, sha256Hex } from "./tokens.js";

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
    private readonly words: IntentWords,
  ) {}

  async apply(by: Actor, raw: unknown, options: { dryRun?: boolean } = {}): Promise<ChangeResult> {
    const intent = parseIntent(raw);
    const decide = this.decider(intent);
    const run = { target: intentTarget(intent), ...(options.dryRun ? { dryRun: true } : {}) };
    if (by.kind !== "member" || by.source === "approval" || !mayNeedSecondOwner(intent))
      return this.engine.change(by, { ...run, decide });
    const fresh = await this.freshRequest(by.accountId, intent, this.limits.requestTtlHours);
    return this.engine.change(by, {
      ...run,
      pending: true,
      decide: (state) => decideWithFourEyes(state, intent, decide, fresh),
    });
  }

  /** The pure decision for an intent (new ids, tokens and keys drawn once, outside the retry loop). */
  decider(intent: ChangeIntent): (state: DecisionState) => Decision<ChangeResult> {
    return intentDecider(intent, { freshInvite: () => this.freshInvite(), limits: this.limits });
  }

  /** A request about to be filed: its id, its words (given by whoever built the core) and its end. */
  async freshRequest(accountId: string, intent: ChangeIntent, ttlHours: number): Promise<FreshRequest> {
    return {
      id: newRequestId(),
      summary: this.words.summary(intent),
      effect: await this.effect(accountId, intent),
      expiresAt: this.hoursFromNow(ttlHours),
    };
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
      return this.words.effect(intent, { target, activeWithRole });
    });
  }

  private hoursFromNow(hours: number): string {
    return new Date(this.engine.clock.now().getTime() + hours * 3_600_000).toISOString();
  }
}
