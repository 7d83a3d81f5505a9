import { permits } from "./authz.js";
import { decideExpireGrant, type GrantLimits, grantTooLong, noSuchGrant } from "./decide/grants.js";
import type { Actor, ActorContext, Engine } from "./engine.js";
import { activeGrantOf, extensionRoom } from "./grant-rules.js";
import { type Grant, isActiveGrant } from "./model.js";
import type { PermissionKey } from "./permissions.js";
import type { GrantNotice, GrantStore } from "./ports.js";

export interface GrantList {
  /** The reader's own active grants. */
  mine: Grant[];
  /** Every active grant of the account, for holders of Team Settings; null for everyone else. */
  all: Grant[] | null;
}

/**
 * Time-bound grants (rule 8) beyond the changes that start, extend and end them (those are intents,
 * in `Changes`): who holds what until when, and the background job's work — ending grants at their
 * end time in the audit log, and the holder's reminder and end notice, each claimed once.
 */
export class Grants {
  constructor(
    private readonly e: Engine,
    private readonly store: GrantStore,
    private readonly limits: GrantLimits,
  ) {}

  /**
   * What an Extend form offers the holder of an active grant: the grant, and how many more minutes
   * to ask for — its own length again, or less where GRANT_MAX_HOURS leaves less room. Asking is
   * decided (and refused, GRANT_TOO_LONG) when the request is filed and approved; a grant with no
   * room left is refused here already.
   */
  async extension(ctx: ActorContext, permission: PermissionKey): Promise<{ grant: Grant; minutes: number }> {
    const grant = (await this.list(ctx)).mine.find((g) => g.permission === permission);
    if (!grant) throw noSuchGrant(null, permission);
    const length = Math.round((Date.parse(grant.endsAt) - Date.parse(grant.startsAt)) / 60_000);
    const room = extensionRoom(grant.endsAt, this.e.clock.now(), this.limits.maxHours);
    // Already as long as the limit allows: no extension could be approved, so none is offered.
    if (room < 1) throw grantTooLong(this.limits.maxHours);
    return { grant, minutes: Math.min(length, room) };
  }

  /** Active grants: the reader's own, and all of them for holders of Team Settings. */
  async list(ctx: ActorContext): Promise<GrantList> {
    const { actor, matrix } = await this.e.reader(ctx);
    const now = this.e.clock.now();
    const open = await this.e.store.openGrants(ctx.accountId);
    const active = open.filter((g) => isActiveGrant(g, now));
    return {
      mine: active.filter((g) => g.memberId === actor.id),
      all: permits("grants.view_all", actor, {}, matrix) ? active : null,
    };
  }

  /**
   * Writes `grant.expired` for every grant past its end time (they stopped working at their end
   * already: checks compare the clock). Safe on many instances at once: each grant is ended once,
   * under its account's version guard. Returns the grants this call ended.
   */
  async expire(): Promise<Grant[]> {
    const ended: Grant[] = [];
    for (const grant of await this.store.grantsPastEnd(this.e.clock.now())) {
      const system: Actor = { kind: "system", accountId: grant.accountId, label: "system", source: "system" };
      const expired = await this.e.change(system, { decide: (state) => decideExpireGrant(state, grant.id) });
      if (expired) ended.push(expired);
    }
    return ended;
  }

  /** Grants whose holder is due a reminder now. */
  toRemind = (): Promise<Grant[]> => this.store.grantsToRemind(this.e.clock.now());
  /** Grants that ended (early, or at their time) whose holder has not heard. */
  toTell = (): Promise<Grant[]> => this.store.grantsToTell();
  /** Takes a notice of a grant for this instance alone; false when another took it (or it is no longer due). */
  claim = (grant: Grant, notice: GrantNotice): Promise<boolean> =>
    this.store.claimGrantNotice(grant.id, notice, this.e.clock.now());
  /** Gives a notice back for the next beat (Slack failed for now). */
  release = (grant: Grant, notice: GrantNotice): Promise<void> =>
    this.store.releaseGrantNotice(grant.id, notice);

  /** Whether the member holds `permission` by a grant working now (a newer grant may follow an ended one). */
  async holdsNow(accountId: string, memberId: string, permission: Grant["permission"]): Promise<boolean> {
    const open = await this.e.store.openGrants(accountId);
    return activeGrantOf(open, memberId, permission, this.e.clock.now()) !== undefined;
  }
}
