import { authorize, permits } from "./authz.js";
import { can } from "./can.js";
import { type ChangeResult, decideLinkSlackUser } from "./decide.js";
import type { ActorContext, Engine } from "./engine.js";
import { emailSchema, memberRefSchema, parseInput, slackUserIdSchema } from "./input.js";
import { describeRef, isActiveGrant, type Member, type MemberRef, type MemberView } from "./model.js";
import { PERMISSION_KEYS, type PermissionKey } from "./permissions.js";
import { requireTarget } from "./policy.js";
import { ROLES, type Role } from "./roles.js";

export interface WhoAmI {
  email: string;
  name: string | null;
  role: Role;
  status: Member["status"];
  /** What they may use now: their role's permissions and those they hold by a grant. */
  permissions: PermissionKey[];
  /** Their time-bound grants working now, each until its end. */
  grants: { permission: PermissionKey; endsAt: string; grantedBy: string }[];
  account: { name: string; slackTeamId: string };
}

export interface MemberForm {
  assignableRoles: Role[];
  member: MemberView | null;
  self: boolean;
}

/** Members: who you are, the team list, what the member forms may offer, and linking Slack users. */
export class Members {
  constructor(private readonly e: Engine) {}

  /** Served from the versioned cache: no transaction needed when nothing is read from disk. */
  async whoami(ctx: ActorContext): Promise<WhoAmI> {
    const { actor, matrix } = await this.e.reader(ctx);
    const now = this.e.clock.now();
    const account = await this.e.cache.memo(`account:${ctx.accountId}`, () =>
      this.e.requireAccount(ctx.accountId),
    );
    return {
      email: actor.email,
      name: actor.name,
      role: actor.role,
      status: actor.status,
      permissions: PERMISSION_KEYS.filter((key) => can(matrix, actor, key)),
      grants: ((await this.e.cache.openGrants(ctx.accountId)).get(actor.id) ?? [])
        .filter((g) => isActiveGrant(g, now))
        .map(({ permission, endsAt, grantedBy }) => ({ permission, endsAt, grantedBy })),
      account: { name: account.name, slackTeamId: account.slackTeamId },
    };
  }

  /**
   * What the Add and Edit forms may offer: the roles this actor may hand out, and the member being
   * edited. Checked again, in full, when the form is submitted.
   */
  form(ctx: ActorContext, rawRef?: MemberRef): Promise<MemberForm> {
    return this.e.store.read(async () => {
      const { actor, matrix } = await this.e.reader(ctx);
      authorize("member.form", actor, {}, matrix);
      const assignableRoles = ROLES.filter((role) => permits("member.add", actor, { role }, matrix));
      if (!rawRef) return { assignableRoles, member: null, self: false };
      const ref = parseInput(memberRefSchema, rawRef);
      const target = requireTarget(
        { target: await this.e.store.findMember(ctx.accountId, ref) },
        describeRef(ref),
      );
      authorize("member.form", actor, { target }, matrix);
      return {
        assignableRoles,
        member: (await this.e.memberViews([target]))[0] ?? null,
        self: target.id === actor.id,
      };
    });
  }

  /** Links a Slack user to the member with the email Slack reports for them. */
  linkSlackUser(accountId: string, rawEmail: unknown, rawSlackUserId: unknown): Promise<ChangeResult> {
    const email = parseInput(emailSchema, rawEmail, "email");
    const slackUserId = parseInput(slackUserIdSchema, rawSlackUserId);
    return this.e.change(
      { kind: "system", accountId, label: "system", source: "slack" },
      { target: { email }, decide: (state) => decideLinkSlackUser(state, email, slackUserId) },
    );
  }

  /** The member a Slack user is linked to, if any (removed members do not count). */
  async findLinked(accountId: string, slackUserId: string): Promise<Member | null> {
    const member = await this.e.cache.memo(`member:${accountId}:slack:${slackUserId}`, () =>
      this.e.store.findMember(accountId, { slackUserId }),
    );
    return member && member.status !== "removed" ? member : null;
  }
}
