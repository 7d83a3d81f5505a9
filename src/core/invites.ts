import { decideAcceptInvite } from "./decide.js";
import type { Engine } from "./engine.js";
import { CoreError } from "./errors.js";
import { type InviteState, inviteTokenState } from "./model.js";
import type { ResultOf } from "./outcomes.js";
import { type PermissionKey, permissionsOf } from "./permissions.js";
import type { Role } from "./roles.js";
import { sha256Hex } from "./tokens.js";

export type InvitePreview =
  | { state: "unknown" }
  | {
      state: InviteState;
      accountId: string;
      accountName: string;
      email: string;
      role: Role;
      permissions: PermissionKey[];
      inviter: { name: string | null; email: string; slackUserId: string | null } | null;
      expiresAt: string;
    };

/** Invite links (PRODUCT §4): what a token shows, and accepting it. Sending and resending are changes. */
export class Invites {
  constructor(private readonly e: Engine) {}

  /** What the invite page shows for a token: never throws for a bad token, says which it is. */
  async byToken(token: string): Promise<InvitePreview> {
    const { store } = this.e;
    const found = await store.findInviteByTokenHash(sha256Hex(token));
    if (!found) return { state: "unknown" };
    const { invite, member } = found;
    const account = await store.getAccount(member.accountId);
    const inviter = member.invitedBy ? await store.getMember(member.invitedBy) : null;
    const current = await store.findMember(member.accountId, { email: member.email });
    return {
      state: inviteTokenState(invite, current, this.e.clock.now()),
      accountId: member.accountId,
      accountName: account?.name ?? "",
      email: member.email,
      role: member.role,
      permissions: permissionsOf(await this.e.cache.matrix(member.accountId), member.role),
      inviter: inviter
        ? { name: inviter.name, email: inviter.email, slackUserId: inviter.slackUserId }
        : null,
      expiresAt: invite.expiresAt,
    };
  }

  /** Accepts an invite: single use, atomic, audited. Refusals are INVITE_INVALID / _EXPIRED / _USED. */
  async accept(token: string): Promise<ResultOf<"invite.accepted"> & { accountId: string }> {
    const tokenHash = sha256Hex(token);
    const found = await this.e.store.findInviteByTokenHash(tokenHash);
    if (!found) throw new CoreError({ reason: "invite_invalid" });
    const { accountId, email } = found.member;
    const result = await this.e.change(
      { kind: "system", accountId, label: email, source: "system" },
      {
        target: { email },
        inviteTokenHash: tokenHash,
        decide: (s) => decideAcceptInvite(s, s.invite ?? null),
      },
    );
    return { ...result, accountId };
  }
}
