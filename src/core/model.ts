import type { ChangeIntent } from "./intents.js";
import type { Matrix, PermissionKey } from "./permissions.js";
import type { Refusal } from "./refusals.js";
import type { Role } from "./roles.js";

export const MEMBER_STATUSES = ["invited", "active", "removed"] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface Account {
  id: string;
  slackTeamId: string;
  name: string;
  approvalsChannel: string | null;
  /** PRODUCT rule 9: sensitive changes need a second active Owner's approval. Off by default. */
  fourEyes: boolean;
  /** Bumped by every change to the account; guards decisions against concurrent writers. */
  version: number;
  createdAt: string;
  /** The organisation API key as it may be shown: a prefix and dates, never the key. */
  apiKey: ApiKeyInfo;
}

export interface ApiKeyInfo {
  prefix: string;
  createdAt: string;
  /** Rotated-out keys that still work, each until its own `expiresAt` (its grace period). */
  previous: { prefix: string; expiresAt: string }[];
}

export interface Member {
  id: string;
  accountId: string;
  email: string;
  name: string | null;
  phone: string | null;
  role: Role;
  status: MemberStatus;
  slackUserId: string | null;
  invitedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * The acting member, with the permissions they hold by a time-bound grant right now (rule 8). A grant
 * opens the feature gate and nothing else: the rules of rank read the role alone.
 */
export type Acting = Member & { readonly granted?: ReadonlySet<PermissionKey> };

/**
 * A caller that is not a member: the operator (whoever runs the rolecall binary on the database,
 * without --as) or the system (Slack linking, invite acceptance, expiry). The rule table sees them
 * as they are (authz.ts `NON_MEMBER_MAY`) rather than letting them past.
 */
export interface NonMember {
  readonly kind: "operator" | "system";
}

/** Whoever a rule is asked about: an acting member, or a caller that is not one. */
export type Principal = Acting | NonMember;

export interface Invite {
  id: string;
  memberId: string;
  tokenHash: string;
  expiresAt: string;
  createdAt: string;
  usedAt: string | null;
  revokedAt: string | null;
}

export type InviteState = "pending" | "expired" | "accepted" | "revoked";

export const inviteState = (invite: Invite, now: Date): InviteState => {
  if (invite.usedAt) return "accepted";
  if (invite.revokedAt) return "revoked";
  return new Date(invite.expiresAt) <= now ? "expired" : "pending";
};

/**
 * What an invite token allows now — the one rule the invite page and the acceptance both follow.
 * `current` is the team's member with the invite's email today (a newer invite or a removal
 * leaves the token's member behind).
 */
export const inviteTokenState = (invite: Invite, current: Member | null, now: Date): InviteState => {
  if (invite.usedAt) return "accepted";
  if (invite.revokedAt || !current || current.id !== invite.memberId || current.status === "removed") {
    return "revoked";
  }
  if (current.status !== "invited") return "accepted";
  return inviteState(invite, now);
};

/** A member as lists and exports show them. */
export interface MemberView {
  email: string;
  name: string | null;
  phone: string | null;
  role: Role;
  status: MemberStatus;
  slackUserId: string | null;
  invite: { state: InviteState; expiresAt: string; mail: MailStatus | null } | null;
}

/** `skipped`: an invite mail whose link died before it went out, so it was never sent. */
export const MAIL_STATUSES = ["queued", "sent", "failed", "skipped"] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/** An invite with the state of the mail that carries it. */
export interface InviteWithMail {
  invite: Invite;
  mail: MailStatus | null;
}

export const AUDIT_SOURCES = ["slack", "cli", "api", "approval", "system"] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

/**
 * Every action the core writes to the audit log (PRODUCT §5). A decision can only write one of
 * these, and every surface that words the log keys a table by them, so a new action is worded
 * everywhere before it compiles.
 */
export const AUDIT_ACTIONS = [
  "account.created",
  "member.added",
  "member.edited",
  "member.role_changed",
  "member.removed",
  "member.activated",
  "member.slack_linked",
  "invite.sent",
  "invite.resent",
  "invite.revoked",
  "invite.accepted",
  "permission.granted",
  "permission.revoked",
  "setting.changed",
  "apikey.rotated",
  "request.filed",
  "request.approved",
  "request.rejected",
  "request.cancelled",
  "request.expired",
  "app.installed",
  "app.uninstalled",
  "grant.requested",
  "grant.started",
  "grant.extended",
  "grant.ended",
  "grant.expired",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an audit entry is about, typed; readers never parse a target out of a string. */
export type AuditTarget =
  | { type: "member"; email: string }
  /** The people of a role (a permission of theirs changed). */
  | { type: "role"; role: Role }
  | { type: "setting"; setting: "four_eyes" | "approvals_channel" }
  | { type: "request"; id: string }
  | { type: "api_key" }
  | { type: "account"; slackTeamId: string }
  | { type: "installation"; key: string }
  /** A target written by a version this one does not know, as it was written. */
  | { type: "unknown"; text: string };

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  source: AuditSource;
  /** An `AuditAction` when this version wrote it; a log may hold actions a newer version wrote. */
  action: string;
  target: AuditTarget;
  /**
   * An entry written before targets were typed: its target as it was stored (`role:admin`, an email),
   * which its hash covers. `target` is that read into its type, once, by the store.
   */
  legacyTarget?: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  /**
   * The `seq` of the first entry its change wrote: every entry one change writes (one Save of the
   * permissions form, an approval with what it applied) shares it. Null on entries written before
   * changes were marked.
   */
  batch: number | null;
  prevHash: string;
  hash: string;
}

/** A person as a sentence names them: by Slack mention where linked, else by name or email. */
export interface PersonRef {
  email: string;
  name?: string | null;
  slackUserId?: string | null;
}

/** Who is asking: a member of one account, named by email or by linked Slack user. */
export type MemberRef = { email: string } | { slackUserId: string };

export const describeRef = (ref: MemberRef): string => ("email" in ref ? ref.email : `<@${ref.slackUserId}>`);

/** Everything a decision may look at, loaded in one consistent read. */
export interface DecisionState {
  account: Account;
  actor: Member | null;
  /** Set when the caller is not a member (then `actor` is null): the operator or the system. */
  caller?: NonMember;
  target: Member | null;
  activeOwnerCount: number;
  matrix: Matrix;
  now: Date;
  /**
   * The account's grants that nobody has ended yet (some may be past their end time: `isActiveGrant`
   * compares the clock), so every rule sees what the actor holds right now.
   */
  grants: Grant[];
  /** Loaded only for decisions about an invite token. */
  invite?: Invite | null;
  /** Loaded only for decisions about a change request. */
  request?: ChangeRequest | null;
  /** With `request`: the member who asked for it, as they are now (rule 9 asks whether an Owner did). */
  requester?: Member | null;
  /** Loaded only when filing one: the account's pending requests. */
  pending?: ChangeRequest[];
  /** Loaded only for decisions about the account's Slack installation. */
  installation?: Installation | null;
}

export const REQUEST_STATUSES = [
  "pending",
  "approved",
  "failed",
  "rejected",
  "expired",
  "cancelled",
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Where a request was posted in Slack: the approvals channel, or each owner's DM. */
/** One copy of a request in Slack, by where it was sent (`to`: the channel or the Owner's user id). */
export interface RequestPost {
  to?: string;
  /** The conversation and message Slack answered with; absent when Slack refused this place for good. */
  channel: string;
  ts: string;
  /** Slack's error for a place that will never take the post (a user who left, an archived channel). */
  error?: string;
  /** Its thread has the outcome and the post shows it. */
  announced?: boolean;
}

/**
 * What an approved request's outcome records, stored as JSON: applied, and for a grant its end —
 * the Owner may have approved less time than asked, and the requester should read the time they got.
 * A failed approval or an early close records why (`why`: the refusal's words as they were said).
 */
export type RequestOutcome =
  | { applied: true; until?: string }
  /**
   * Failed: `refusal`, the refusal as data (each door words it); `code` its code. A request failed
   * before refusals were data has only `why`, the words it was refused with then.
   */
  | { applied: false; code?: string; refusal?: Refusal; why?: string }
  | { closed: string };

/** A change a member asked the Owners for (PRODUCT §3). */
export interface ChangeRequest {
  id: string;
  accountId: string;
  requesterId: string;
  requesterEmail: string;
  requesterSlackUserId: string | null;
  /** The typed change asked for; null only for an old request that could not be read. */
  intent: ChangeIntent | null;
  summary: string;
  effect: string;
  status: RequestStatus;
  decidedBy: string | null;
  /** The Slack user of the member who decided, where they are linked (outcomes mention them). */
  deciderSlackUserId: string | null;
  decidedAt: string | null;
  reason: string | null;
  /** What deciding it did (applied, and a grant's end; why it failed), or why it closed early. */
  outcome: RequestOutcome | null;
  createdAt: string;
  expiresAt: string;
  posts: RequestPost[];
  posted: boolean;
  announced: boolean;
}

/**
 * Slack tokens as the store keeps them: sealed (AES-256-GCM) by the Slack adapter before they reach
 * the core or the store, so neither ever holds a token in clear text.
 */
export interface SealedTokens {
  botToken: string;
  /** Present when the app has token rotation on. */
  refreshToken: string | null;
}

/**
 * Rolecall installed in a Slack workspace (OAuth mode), or org-wide in an Enterprise Grid
 * organisation. One per account: `key` is the account's `slackTeamId` (the team id, or the enterprise
 * id of an org-wide install).
 */
export interface Installation {
  key: string;
  accountId: string;
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  appId: string | null;
  botId: string | null;
  botUserId: string;
  scopes: string[];
  /** The Slack user who clicked Allow (the latest install's). */
  installerUserId: string;
  /** When this installation was stored (ISO, milliseconds): a late uninstall event never removes a newer one. */
  installedAt: string;
  /** When the bot token expires (token rotation on), else null. */
  tokenExpiresAt: string | null;
  tokens: SealedTokens;
}

/** What is kept of a deleted account: enough to prove its audit log existed and how it ended. */
export interface AccountDigest {
  accountId: string;
  slackTeamId: string;
  name: string;
  deletedAt: string;
  auditEntries: number;
  /** The hash of the log's last entry (the chain's head). */
  auditHead: string | null;
}

/** How a grant stopped: ended early by someone, expired at its end time, or its holder left or moved up. */
export const GRANT_END_REASONS = ["ended", "expired", "removed", "standing"] as const;
export type GrantEndReason = (typeof GRANT_END_REASONS)[number];

/**
 * A time-bound grant (PRODUCT rule 8): one member holds one permission until `endsAt`, exactly. It
 * never widens the rules of authority: a granted `team_settings` still acts only below the holder's rank.
 */
export interface Grant {
  id: string;
  accountId: string;
  memberId: string;
  /** The holder as they are now (denormalised for lists and notices). */
  memberEmail: string;
  memberSlackUserId: string | null;
  permission: PermissionKey;
  reason: string | null;
  /** The Owner who granted it directly or approved the request (email). */
  grantedBy: string;
  /** The change request it came from, when it was asked for (its thread hears how it ends). */
  requestId: string | null;
  startsAt: string;
  endsAt: string;
  /** Set once it stops: early (`ended`), at its time (`expired`), or with the holder (`removed`/`standing`). */
  endedAt: string | null;
  endedBy: string | null;
  endReason: GrantEndReason | null;
  /** When the holder is reminded: 15 minutes before the end, or half-way for grants under 30 minutes. */
  remindAt: string;
  /** When the holder was reminded that it is about to end (once). */
  remindedAt: string | null;
  /** When the holder (and the request's thread) heard that it ended (once). */
  endNoticeAt: string | null;
}

/** Whether a grant gives its permission at `now`: not ended, and strictly before its end time. */
export const isActiveGrant = (grant: Grant, now: Date): boolean =>
  grant.endedAt === null && now.getTime() < new Date(grant.endsAt).getTime();
