import type { AccessCore, ActorContext } from "../../src/core/access-core.js";
import type { ChangeResult } from "../../src/core/decide.js";
import type { RawChangeIntent } from "../../src/core/intents.js";
import type { MemberRef, MemberView } from "../../src/core/model.js";
import type { MemberFilter, Page } from "../../src/core/ports.js";

/**
 * Named changes and reads that only tests use: each is one typed intent through `core.change`, or a
 * resource module's read, exactly as a door would make it. (The core's face keeps what doors call.)
 */

/** With `dryRun`, only says whether the removal would be allowed. */
export const removeMember = (
  core: AccessCore,
  ctx: ActorContext,
  member: MemberRef,
  options: { dryRun?: boolean } = {},
): Promise<ChangeResult> => core.change(ctx, { kind: "member.remove", member }, options);

export const revokeInvite = (core: AccessCore, ctx: ActorContext, member: MemberRef): Promise<ChangeResult> =>
  core.change(ctx, { kind: "invite.revoke", member });

export const setPermission = (
  core: AccessCore,
  ctx: ActorContext,
  raw: { role: unknown; permission: unknown; allowed: boolean },
): Promise<ChangeResult> => core.change(ctx, { kind: "permission.set", ...raw } as RawChangeIntent);

export const setApprovalsChannel = (
  core: AccessCore,
  ctx: ActorContext,
  channel: unknown,
): Promise<ChangeResult> => core.change(ctx, { kind: "settings.approvals", channel } as RawChangeIntent);

export const setFourEyes = (core: AccessCore, ctx: ActorContext, on: boolean): Promise<ChangeResult> =>
  core.change(ctx, { kind: "settings.four_eyes", on });

/** The team list as the dashboard reads it, without the per-row actions. */
export const listMembers = async (
  core: AccessCore,
  ctx: ActorContext,
  filter: MemberFilter = {},
  page?: Page,
): Promise<{ members: MemberView[]; total: number; offset: number }> => {
  const { rows, matching, offset } = await core.dashboard.teamPage(ctx, filter, page);
  return { members: rows.map((row) => row.member), total: matching, offset };
};
