import { CoreError } from "./errors.js";
import type { ChangeRequest, Member, MemberStatus, RequestOutcome } from "./model.js";

export type { RequestOutcome };

import type { PermissionKey } from "./permissions.js";
import type { ChangeableRole, Role } from "./roles.js";

/**
 * What a change did, as data: one kind per thing that can change, each with the typed facts a
 * sentence needs (who, before → after, until). The core builds no sentence; each door words a result
 * through src/words (`Record<ResultKind, …>`, so a new kind fails to compile until it is worded).
 */

/** One field of a member, before and after a change. */
export interface FieldChange<T> {
  before: T;
  after: T;
}

/** The fields an edit changed, each before → after; a field left as it was is absent. */
export interface MemberFieldChanges {
  name?: FieldChange<string | null>;
  phone?: FieldChange<string | null>;
  role?: FieldChange<Role>;
}

/** The member fields an edit may ask for. */
export type MemberField = "name" | "phone" | "role";

/** One cell of the permission matrix as a change leaves it. */
export interface PermissionCell {
  role: ChangeableRole;
  permission: PermissionKey;
  allowed: boolean;
}

/** Who a member change is about, as its result names them. */
export interface MemberAbout {
  email: string;
  /** The full name (after the change), so a sentence can name them. */
  name: string | null;
  /** The linked Slack user, so Slack can mention them. */
  slackUserId: string | null;
  role: Role;
  /** The status when the change was decided: removing an `invited` one cancels an invite. */
  status: MemberStatus;
}

export const aboutMember = (m: Member): MemberAbout => ({
  email: m.email,
  name: m.name,
  slackUserId: m.slackUserId,
  role: m.role,
  status: m.status,
});

/** An account setting and its value. */
export type SettingValue =
  | { setting: "four_eyes"; value: boolean }
  /** A channel id, or null: requests go to the Owners by direct message. */
  | { setting: "approvals_channel"; value: string | null };

/** Why a change would change nothing: what already holds. */
export type AlreadySo =
  /** The member already has what the edit asked for (`asked`: the fields asked about). */
  | { of: "member"; member: MemberAbout; asked: MemberField[] }
  | { of: "permission"; role: ChangeableRole; permission: PermissionKey; allowed: boolean }
  /** The permissions form, saved as it was. */
  | { of: "permissions" }
  /** The member's role holds the permission by itself. */
  | { of: "grant.by_role"; member: MemberAbout; permission: PermissionKey }
  /** A grant of it runs already, until `until` (as of `asOf`, the decision's time). */
  | { of: "grant.running"; member: MemberAbout; permission: PermissionKey; until: string; asOf: string }
  | ({ of: "setting" } & SettingValue)
  /** The Slack user is linked to the member already. */
  | { of: "slack_link"; member: MemberAbout }
  /** A rotation asked for from a key no longer in use: `prefix` is the key in use now. */
  | { of: "apikey.rotated"; prefix: string };

type Made<K extends string, F> = { ok: true; changed: true; kind: K } & F;

/** A change's result: what changed, typed, or `unchanged` with why. */
export type ChangeResult =
  | Made<"member.added", { member: MemberAbout }>
  /** Name, phone and role, each before → after; `member` as it is after. */
  | Made<"member.edited", { member: MemberAbout; fields: MemberFieldChanges }>
  /** `member` as it was: an `invited` one's invite is cancelled. */
  | Made<"member.removed", { member: MemberAbout }>
  | Made<"invite.resent", { member: MemberAbout }>
  | Made<"invite.revoked", { member: MemberAbout }>
  | Made<"member.activated", { member: MemberAbout }>
  | Made<"invite.accepted", { member: MemberAbout }>
  | Made<"member.slack_linked", { member: MemberAbout }>
  /** The cells of the permission matrix turned on or off, in the order they were decided. */
  | Made<"permissions.changed", { cells: PermissionCell[] }>
  /** The setting as it is after the change. */
  | Made<"setting.changed", SettingValue>
  /**
   * The new key's prefix, when the old key stops (null: at once), and — this once, never stored nor
   * audited — the new key in full.
   */
  | Made<"apikey.rotated", { prefix: string; oldKeyWorksUntil: string | null; apiKey?: string }>
  | Made<"grant.started", { member: MemberAbout; permission: PermissionKey; until: string }>
  | Made<"grant.extended", { member: MemberAbout; permission: PermissionKey; until: string }>
  /** `until`: the end the grant had. */
  | Made<"grant.ended", { member: MemberAbout; permission: PermissionKey; until: string }>
  /** With four-eyes on, the change was not made: it waits for a second Owner as this request. */
  | Made<"request.filed", { requestId: string; request?: ChangeRequest }>
  | { ok: true; changed: false; kind: "unchanged"; why: AlreadySo };

export type ResultKind = ChangeResult["kind"];
export type ResultOf<K extends ResultKind> = Extract<ChangeResult, { kind: K }>;

/** A change that changed nothing, saying why. */
export const unchanged = (why: AlreadySo): ResultOf<"unchanged"> => ({
  ok: true,
  changed: false,
  kind: "unchanged",
  why,
});

/** A result of `kind`, made. */
export const made = <K extends Exclude<ResultKind, "unchanged">>(
  kind: K,
  facts: Omit<ResultOf<K>, "ok" | "changed" | "kind">,
): ResultOf<K> => ({ ok: true, changed: true, kind, ...facts }) as ResultOf<K>;

/** Every result kind, so a test can walk them all (a kind missing here fails to compile). */
export const RESULT_KINDS = Object.keys({
  "member.added": true,
  "member.edited": true,
  "member.removed": true,
  "invite.resent": true,
  "invite.revoked": true,
  "member.activated": true,
  "invite.accepted": true,
  "member.slack_linked": true,
  "permissions.changed": true,
  "setting.changed": true,
  "apikey.rotated": true,
  "grant.started": true,
  "grant.extended": true,
  "grant.ended": true,
  "request.filed": true,
  unchanged: true,
} satisfies Record<ResultKind, true>) as ResultKind[];

/** The outcome an approval stores for its result. */
export const appliedOutcome = (result: ChangeResult): RequestOutcome =>
  result.kind === "grant.started" || result.kind === "grant.extended"
    ? { applied: true, until: result.until }
    : { applied: true };

/**
 * A change that would change nothing, refused: when asked for (`ask`: nothing to file) or when an
 * approval would apply it (`approve`). `why` says what already holds; each door words the refusal.
 */
export class NothingToChange extends CoreError {
  constructor(
    readonly why: AlreadySo,
    readonly stage: "ask" | "approve",
  ) {
    super({ reason: stage === "ask" ? "nothing_to_ask" : "nothing_to_change", already: why });
  }
}
