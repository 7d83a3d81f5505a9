import { ACTIONS, type Action, authorize, permits } from "./authz.js";
import type { ActorContext, Engine } from "./engine.js";
import { memberRefSchema, parseInput } from "./input.js";
import {
  type InviteState,
  inviteState,
  type MailStatus,
  type Member,
  type MemberRef,
  type MemberView,
  type PersonRef,
} from "./model.js";
import type { Matrix } from "./permissions.js";
import type { MemberFilter, Page } from "./ports.js";
import { CHANGEABLE_ROLES, ROLES, type Role } from "./roles.js";

/** What a viewer may do to one member from a row of the team list, in the order a menu offers them. */
export const MEMBER_ACTIONS = ["edit", "role", "resend", "revoke", "remove"] as const;
export type MemberAction = (typeof MEMBER_ACTIONS)[number];

/** The roles the viewer may move this member to (never the one they have). */
export const roleChoices = (viewer: Member, target: Member, matrix: Matrix): Role[] =>
  ROLES.filter(
    (role) => role !== target.role && permits("member.change_role", viewer, { target, role }, matrix),
  );

/**
 * Exactly the actions the rules allow the viewer on this member: the menu offers nothing that would
 * be refused. An invited member's removal is "cancel the invite" (revoke), so it is offered once.
 */
export const memberActions = (viewer: Member, target: Member, matrix: Matrix): MemberAction[] => {
  if (target.status === "removed") return [];
  const may = (action: Action) => permits(action, viewer, { target }, matrix);
  const offered: Record<MemberAction, boolean> = {
    edit: may("member.form") && may("member.edit"),
    role: roleChoices(viewer, target, matrix).length > 0,
    resend: target.status === "invited" && may("invite.resend"),
    revoke: target.status === "invited" && may("invite.revoke"),
    remove: target.status === "active" && may("member.remove"),
  };
  return MEMBER_ACTIONS.filter((action) => offered[action]);
};

export interface MemberRow {
  member: MemberView;
  actions: MemberAction[];
}

export interface TeamPage {
  rows: MemberRow[];
  /** Members matching the filter, across all pages. */
  matching: number;
  /** Members on the team, whatever the filter. */
  total: number;
  offset: number;
}

/** A member the viewer acts on from a row: what they may do, and the roles they may give. */
export interface MemberChoice {
  member: MemberView;
  actions: MemberAction[];
  roles: Role[];
}

/** What an invited person's own view shows: who invited them, to what, and where the invite stands. */
export interface Invitation {
  accountName: string;
  role: Role;
  inviter: PersonRef | null;
  sentAt: string;
  expiresAt: string;
  state: InviteState;
  mail: MailStatus | null;
}

/** The reads behind the team dashboard (App Home, `/team list`): each row with what the viewer may do. */
export class Dashboard {
  constructor(private readonly e: Engine) {}

  /**
   * Which actions the viewer could take on someone or something now: for help and menus. An action
   * about a role counts only if some role makes it possible — an Admin may hand out only Teammate,
   * which changes no Teammate's role, so they cannot change roles at all.
   */
  async allowed(ctx: ActorContext): Promise<Action[]> {
    const { actor, matrix } = await this.e.reader(ctx);
    const possible: Partial<Record<Action, () => boolean>> = {
      "member.change_role": () =>
        ROLES.filter((role) => permits("member.change_role", actor, { role }, matrix)).length > 1,
      "permission.change": () =>
        CHANGEABLE_ROLES.some((role) => permits("permission.change", actor, { role }, matrix)),
    };
    return ACTIONS.filter((action) => permits(action, actor, {}, matrix) && (possible[action]?.() ?? true));
  }

  /** The team list, a page of it when `page` is given, each row with what the viewer may do. */
  teamPage(ctx: ActorContext, filter: MemberFilter = {}, page?: Page): Promise<TeamPage> {
    return this.e.store.read(async () => {
      const { actor, matrix } = await this.e.reader(ctx);
      authorize("team.view", actor, {}, matrix);
      const members = await this.e.store.listMembers(ctx.accountId, filter, page);
      const views = await this.e.memberViews(members);
      const count = (f: MemberFilter) =>
        this.e.cache.memo(`count:${ctx.accountId}:${f.role}:${f.status}:${f.includeRemoved}`, () =>
          this.e.store.countMembers(ctx.accountId, f),
        );
      return {
        rows: members.map((m, i) => ({
          member: views[i] as MemberView,
          actions: memberActions(actor, m, matrix),
        })),
        matching: page ? await count(filter) : members.length,
        total: await count({}),
        offset: page?.offset ?? 0,
      };
    });
  }

  /** One member as a row's menu sees them now: refused if the viewer may not see the team. */
  memberChoice(ctx: ActorContext, rawRef: MemberRef): Promise<MemberChoice | null> {
    return this.e.store.read(async () => {
      const { actor, matrix } = await this.e.reader(ctx);
      authorize("team.view", actor, {}, matrix);
      const target = await this.e.store.findMember(ctx.accountId, parseInput(memberRefSchema, rawRef));
      if (!target || target.status === "removed") return null;
      return {
        member: (await this.e.memberViews([target]))[0] as MemberView,
        actions: memberActions(actor, target, matrix),
        roles: roleChoices(actor, target, matrix),
      };
    });
  }

  /** The invite of a person who has not accepted yet (null for anyone else): read before rule 6 refuses them. */
  invitation(ctx: ActorContext): Promise<Invitation | null> {
    return this.e.store.read(async () => {
      const me = await this.e.findActor(ctx);
      if (me?.status !== "invited") return null;
      const latest = (await this.e.store.latestInvites([me.id])).get(me.id);
      if (!latest) return null;
      const inviter = me.invitedBy ? await this.e.store.getMember(me.invitedBy) : null;
      return {
        accountName: (await this.e.requireAccount(ctx.accountId)).name,
        role: me.role,
        inviter: inviter
          ? { email: inviter.email, name: inviter.name, slackUserId: inviter.slackUserId }
          : null,
        sentAt: latest.invite.createdAt,
        expiresAt: latest.invite.expiresAt,
        state: inviteState(latest.invite, this.e.clock.now()),
        mail: latest.mail,
      };
    });
  }

  /** The account's version: it moves with every committed change, from any process. */
  async version(accountId: string): Promise<number> {
    return (await this.e.requireAccount(accountId)).version;
  }
}
