import type { ChangeIntent } from "./intents.js";
import type {
  AuditAction,
  AuditTarget,
  Grant,
  GrantEndReason,
  Installation,
  Invite,
  Member,
  RequestStatus,
} from "./model.js";
import type { RequestOutcome } from "./outcomes.js";
import type { PermissionKey } from "./permissions.js";
import type { ChangeableRole, Role } from "./roles.js";

export type MemberPatch = Partial<Pick<Member, "name" | "phone" | "role" | "status" | "slackUserId">>;

/** The writes a decision asks for; the store applies them in one transaction. */
export type Change =
  | { kind: "insertMember"; member: Member }
  | { kind: "updateMember"; memberId: string; patch: MemberPatch }
  | { kind: "insertInvite"; invite: Invite }
  | { kind: "closeInvites"; memberId: string; how: "revoked" | "used" }
  | { kind: "setPermission"; role: ChangeableRole; permission: PermissionKey; allowed: boolean }
  | { kind: "setApprovalsChannel"; channel: string | null }
  /** The new key's hash and prefix; with `graceUntil`, the old key keeps working until then. */
  | { kind: "rotateApiKey"; hash: string; prefix: string; graceUntil: string | null }
  | { kind: "insertRequest"; request: NewRequest }
  /** Closes a request that is still pending (the version guard makes the first decision win). */
  | { kind: "closeRequest"; closing: RequestClosing }
  /** Inserts or replaces the account's Slack installation (by `key`). */
  | { kind: "saveInstallation"; installation: Installation }
  /** Removes the account's Slack installation; its account and data stay. */
  | { kind: "deleteInstallation"; key: string }
  | { kind: "setFourEyes"; on: boolean }
  | { kind: "insertGrant"; grant: Grant }
  /** A longer grant: its new end, and when to remind the holder again. */
  | { kind: "extendGrant"; grantId: string; endsAt: string; remindAt: string }
  /** Stops a grant that has not stopped yet. */
  | { kind: "endGrant"; grantId: string; at: string; by: string | null; reason: GrantEndReason };

/** An audit entry before the store gives it a place in the chain. */
export interface AuditDraft {
  action: AuditAction;
  target: AuditTarget;
  before: unknown;
  after: unknown;
}

/** A mail to queue in the outbox, in the same transaction as the change. */
/**
 * A mail to queue in the outbox, in the same transaction as the change. It carries the facts the
 * message states; the mail worker renders them.
 */
export type MailDraft =
  | {
      kind: "invite";
      to: string;
      memberId: string;
      inviteId: string;
      /** The raw invite token: it lives only in the outbox row, and is wiped once the mail is sent. */
      token: string;
      accountName: string;
      inviter: { name: string | null; email: string };
      role: Role;
      permissions: PermissionKey[];
      expiresAt: string;
      resent: boolean;
    }
  | { kind: "role_changed"; to: string; accountName: string; role: Role; permissions: PermissionKey[] }
  | { kind: "removed"; to: string; accountName: string };

export interface Decision<R> {
  changes: Change[];
  audit: AuditDraft[];
  mails: MailDraft[];
  result: R;
}

export const nothingToDo = <R>(result: R): Decision<R> => ({ changes: [], audit: [], mails: [], result });

export interface NewRequest {
  id: string;
  accountId: string;
  requesterId: string;
  intent: ChangeIntent;
  summary: string;
  effect: string;
  createdAt: string;
  expiresAt: string;
}

export interface RequestClosing {
  accountId: string;
  id: string;
  status: Exclude<RequestStatus, "pending">;
  decidedBy: string | null;
  at: string;
  reason: string | null;
  outcome: RequestOutcome | null;
}
