import type { AuditPage } from "../../core/accounts.js";
import { auditMemberEmail, auditRequestId, auditTargetText } from "../../core/audit.js";
import type { AuditAction, AuditEntry, AuditSource, AuditTarget } from "../../core/model.js";
import { PERMISSION_KEYS, PERMISSIONS, type PermissionKey } from "../../core/permissions.js";
import { isRole, ROLE_LABEL, ROLES, type Role } from "../../core/roles.js";
import type { PersonRef } from "../../words/format.js";
import { code } from "../escape.js";
import { slackFormatter as fmt } from "../format.js";
import { IDS } from "../ids.js";
import {
  type Block,
  button,
  context,
  header,
  linesToSections,
  MESSAGE_BLOCK_LIMIT,
  type SlackMessage,
  section,
} from "./kit.js";

/**
 * The audit log as people read it in Slack: one sentence per change, naming people by mention
 * ("@olivia made @tom an Admin"), with the time in the reader's own zone. The log itself keeps one
 * entry per row it wrote; a change's entries (see `AuditEntry.batch`) read as one sentence.
 */

/** What an Older button carries: the page before this entry, of this many changes. */
export interface OlderPage {
  before: number;
  last: number;
}

/** How a page names people and requests. */
interface Reader {
  /** Whoever an actor or target string names: a member by mention or name, the operator, Rolecall. */
  who(name: string): string;
  /** " from @x" for a request whose requester is known, else "". */
  from(requestId: string | null, requester?: unknown): string;
}

type Sentence = (e: AuditEntry, r: Reader) => string;

const fields = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const roleOf = (v: unknown): Role | null => (typeof v === "string" && isRole(v) ? v : null);
const aRole = (role: Role) => `${/^[AEIOU]/.test(ROLE_LABEL[role]) ? "an" : "a"} ${ROLE_LABEL[role]}`;
const roles = (role: Role) => `${ROLE_LABEL[role]}s`;
const listed = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;
const SLACK_CHANNEL = /^[CG][A-Z0-9]{2,}$/;

const requestOf = auditRequestId;
/** A target as its text, for what has no words of its own (an installation, a target a newer version wrote). */
const asText = (target: AuditTarget) => fmt.text(auditTargetText(target));
const requestWords = (e: AuditEntry) => `request ${requestOf(e) ?? asText(e.target)}`;

/** Whom an entry is about: a member by mention or name; anything else as its text. */
const subject = (e: AuditEntry, r: Reader) => r.who(auditMemberEmail(e.target) ?? auditTargetText(e.target));

/** A target in words: a member, a role's people, a request, a setting, the account. */
const TARGET_WORDS: {
  [T in AuditTarget["type"]]: (target: Extract<AuditTarget, { type: T }>, r: Reader) => string;
} = {
  member: (t, r) => r.who(t.email),
  role: (t) => roles(t.role),
  request: (t) => `request ${t.id}`,
  api_key: () => "the organisation API key",
  setting: (t) => `the ${fmt.text(t.setting.replaceAll("_", " "))} setting`,
  account: () => "the account",
  installation: asText,
  unknown: asText,
};
const targetWords = (target: AuditTarget, r: Reader): string =>
  (TARGET_WORDS[target.type] as (t: AuditTarget, r: Reader) => string)(target, r);

const whose = (e: AuditEntry, r: Reader) =>
  auditMemberEmail(e.target) === e.actor ? "their" : `${subject(e, r)}'s`;

/** One permission cell a change toggled: `role:admin`, `{ billing: true }`. */
interface Cell {
  role: Role;
  permission: PermissionKey;
  allowed: boolean;
}

const cellOf = (e: AuditEntry): Cell | null => {
  if (e.action !== "permission.granted" && e.action !== "permission.revoked") return null;
  const role = e.target.type === "role" ? e.target.role : null;
  const [key, allowed] = Object.entries(fields(e.after))[0] ?? [];
  if (!role || typeof allowed !== "boolean") return null;
  const permission = PERMISSION_KEYS.find((k) => k === key);
  return permission ? { role, permission, allowed } : null;
};

/** "Admins can now use Billing and Export Users; Teammates can no longer use Billing". */
const permissionChanges = (cells: Cell[]): string =>
  ROLES.flatMap((role) => {
    const labels = (allowed: boolean) =>
      PERMISSION_KEYS.filter((k) =>
        cells.some((c) => c.role === role && c.permission === k && c.allowed === allowed),
      ).map((k) => PERMISSIONS[k].label);
    const gained = labels(true);
    const lost = labels(false);
    const parts = [
      gained.length > 0 ? `can now use ${listed(gained)}` : "",
      lost.length > 0 ? `can no longer use ${listed(lost)}` : "",
    ].filter(Boolean);
    return parts.length > 0 ? [`${roles(role)} ${parts.join(", and ")}`] : [];
  }).join("; ");

const permissionSentence: Sentence = (e, r) => {
  const cell = cellOf(e);
  return cell
    ? `${permissionChanges([cell])} (by ${r.who(e.actor)})`
    : `${r.who(e.actor)} changed what ${targetWords(e.target, r)} may do`;
};

/**
 * Every action the core writes, worded. Keyed by `AuditAction`, so a new action does not compile
 * until it is worded here; an action this version does not know reads as `otherAction`.
 */
const SENTENCES = {
  "account.created": (e, r) => {
    const name = text(fields(e.after).name);
    return `${r.who(e.actor)} set up the account${name ? ` ${fmt.text(name)}` : ""}`;
  },
  "member.added": (e, r) => {
    const after = fields(e.after);
    const role = roleOf(after.role);
    const verb = after.status === "invited" ? "invited" : "added";
    return `${r.who(e.actor)} ${verb} ${subject(e, r)}${role ? ` as ${ROLE_LABEL[role]}` : ""}`;
  },
  "member.edited": (e, r) => {
    const changed = ["name", "phone"].filter((f) => f in fields(e.after));
    return `${r.who(e.actor)} changed ${whose(e, r)} ${listed(changed) || "details"}`;
  },
  "member.role_changed": (e, r) => {
    const role = roleOf(fields(e.after).role);
    return role
      ? `${r.who(e.actor)} made ${subject(e, r)} ${aRole(role)}`
      : `${r.who(e.actor)} changed ${whose(e, r)} role`;
  },
  "member.removed": (e, r) =>
    fields(e.before).status === "invited"
      ? `${r.who(e.actor)} removed ${subject(e, r)} before they joined`
      : `${r.who(e.actor)} removed ${subject(e, r)} from the team`,
  "member.activated": (e, r) => `${r.who(e.actor)} activated ${subject(e, r)} without the invite mail`,
  "member.slack_linked": (e) => {
    const id = text(fields(e.after).slackUserId);
    return `Rolecall linked ${asText(e.target)} to ${id && SLACK_USER.test(id) ? `<@${id}>` : "their Slack user"}`;
  },
  "invite.sent": (e, r) => `${r.who(e.actor)} sent ${subject(e, r)} an invite`,
  "invite.resent": (e, r) => `${r.who(e.actor)} sent ${subject(e, r)} a new invite link`,
  "invite.revoked": (e, r) => `${r.who(e.actor)} cancelled ${whose(e, r)} invite`,
  "invite.accepted": (e, r) => `${subject(e, r)} accepted the invite and joined the team`,
  "permission.granted": permissionSentence,
  "permission.revoked": permissionSentence,
  "setting.changed": (e, r) => {
    const setting = e.target.type === "setting" ? e.target.setting : null;
    if (setting === "four_eyes")
      return fields(e.after).fourEyes === true
        ? `${r.who(e.actor)} turned four-eyes on: sensitive changes need a second Owner`
        : `${r.who(e.actor)} turned four-eyes off`;
    if (setting !== "approvals_channel") return `${r.who(e.actor)} changed ${targetWords(e.target, r)}`;
    const channel = text(fields(e.after).channel);
    return channel
      ? `${r.who(e.actor)} set the approvals channel to ${SLACK_CHANNEL.test(channel) ? fmt.channel(channel) : fmt.text(channel)}`
      : `${r.who(e.actor)} turned the approvals channel off; requests go to the Owners by direct message`;
  },
  "apikey.rotated": (e, r) => {
    const until = text(fields(e.after).oldKeyWorksUntil);
    const grace = until && Date.parse(until) > Date.parse(e.at);
    return `${r.who(e.actor)} rotated the organisation API key; ${grace ? `the old key works until ${fmt.date(until)}` : "the old key stopped working at once"}`;
  },
  "request.filed": (e, r) => {
    const change = text(fields(e.after).change);
    return `${r.who(e.actor)} filed ${requestWords(e)}${change ? ` asking for ${code(change)}` : ""}`;
  },
  "request.approved": (e, r) => {
    const after = fields(e.after);
    const approved = `${r.who(e.actor)} approved ${requestWords(e)}${r.from(requestOf(e), after.requester)}`;
    const why = text(after.why)?.replace(/\.$/, "");
    return after.applied === false
      ? `${approved}, but it could not be applied: ${fmt.text(why ?? "")}`
      : approved;
  },
  "request.rejected": (e, r) => {
    const reason = text(fields(e.after).reason);
    return `${r.who(e.actor)} rejected ${requestWords(e)}${r.from(requestOf(e))}${reason ? `: ${fmt.text(reason)}` : ""}`;
  },
  "request.cancelled": (e, r) => `${r.who(e.actor)} cancelled ${requestWords(e)}`,
  "request.expired": (e, r) => {
    const why = text(fields(e.after).why);
    const which = `Request ${requestOf(e) ?? asText(e.target)}${r.from(requestOf(e))}`;
    return why ? `${which} was closed: ${fmt.text(why)}` : `${which} expired with no decision`;
  },
  "grant.requested": (e, r) => {
    const change = text(fields(e.after).change);
    return `${r.who(e.actor)} asked for temporary access (${requestWords(e)})${change ? `: ${code(change)}` : ""}`;
  },
  "grant.started": (e, r) => {
    const after = fields(e.after);
    const reason = text(after.reason);
    return `${r.who(e.actor)} gave ${subject(e, r)} ${grantWords(after)}${reason ? ` (${fmt.text(reason)})` : ""}`;
  },
  "grant.extended": (e, r) => `${r.who(e.actor)} extended ${subject(e, r)}'s ${grantWords(fields(e.after))}`,
  "grant.ended": (e, r) => {
    const after = fields(e.after);
    const label = permissionLabel(after.permission);
    if (after.why === "removed") return `${subject(e, r)}'s temporary ${label} ended with their removal`;
    if (after.why === "standing") return `${subject(e, r)}'s temporary ${label} ended: their new role has it`;
    return `${r.who(e.actor)} ended ${subject(e, r)}'s temporary ${label}`;
  },
  "grant.expired": (e, r) =>
    `${subject(e, r)}'s temporary ${permissionLabel(fields(e.before).permission)} ended at its time`,
  "app.installed": (e, r) =>
    fields(e.after).reinstall === true
      ? `${r.who(e.actor)} reinstalled Rolecall in Slack`
      : `${r.who(e.actor)} installed Rolecall in Slack`,
  "app.uninstalled": (e) =>
    fields(e.after).reason === "tokens_revoked"
      ? "Slack revoked Rolecall's access; it no longer posts in this workspace"
      : "Rolecall was uninstalled from Slack; the team and its log are kept",
} as const satisfies Record<AuditAction, Sentence>;

/** A permission key from the log as its label (a key this version does not know, as written). */
const permissionLabel = (key: unknown): string => {
  const k = text(key) ?? "";
  return Object.hasOwn(PERMISSIONS, k) ? PERMISSIONS[k as PermissionKey].label : fmt.text(k);
};

/** "Export Users until <time>" from a grant's audit fields. */
const grantWords = (after: Record<string, unknown>): string => {
  const until = text(after.until);
  return `${permissionLabel(after.permission)}${until ? ` until ${fmt.date(until)}` : ""}`;
};

/** An action written by a newer version: still a sentence, never its raw name or JSON. */
const otherAction: Sentence = (e, r) =>
  `${r.who(e.actor)} made a change to ${targetWords(e.target, r)} (${fmt.text(e.action.replace(/[._]+/g, " "))})`;

const sentenceOf = (e: AuditEntry, r: Reader): string =>
  (Object.hasOwn(SENTENCES, e.action) ? SENTENCES[e.action as AuditAction] : otherAction)(e, r);

/**
 * Where a change came from, where it helps: Slack is where the reader is; an approval and the
 * system's own work are said by their sentences.
 */
const SOURCE_NOTE = {
  slack: null,
  cli: "from the CLI",
  api: "via the API",
  approval: null,
  system: null,
} as const satisfies Record<AuditSource, string | null>;

/** The entries of a page grouped by change (entries before changes were marked stand alone). */
const changesOf = (entries: readonly AuditEntry[]): AuditEntry[][] => {
  const changes: AuditEntry[][] = [];
  for (const e of entries) {
    const last = changes.at(-1);
    const key = (x: AuditEntry) => x.batch ?? x.seq;
    if (last?.[0] && key(last[0]) === key(e)) last.push(e);
    else changes.push([e]);
  }
  return changes;
};

/**
 * One change as one sentence: the permission cells of a Save merged, an invite that comes with
 * adding a member left unsaid, an approval said once ("… (approving request R12 from @admin)").
 */
const changeSentence = (entries: readonly AuditEntry[], r: Reader): string => {
  const first = entries[0];
  if (!first) return "";
  const cells = entries.map(cellOf);
  const approval = entries.find((e) => e.action === "request.approved" && fields(e.after).applied === true);
  const added = entries.filter((e) => e.action === "member.added");
  const invited = new Set(added.map((e) => auditTargetText(e.target)));
  // A new account comes with its first Owner: "… set up the account Acme with @olivia as its Owner".
  const founding = entries.some((e) => e.action === "account.created") ? added : [];
  const clauses = entries
    .filter(
      (e, i) =>
        !cells[i] &&
        e !== approval &&
        !founding.includes(e) &&
        !(e.action === "invite.sent" && invited.has(auditTargetText(e.target))),
    )
    .map((e) =>
      e.action === "account.created" && founding.length > 0
        ? `${sentenceOf(e, r)} with ${listed(founding.map((f) => subject(f, r)))} as its Owner`
        : sentenceOf(e, r),
    );
  const notes: string[] = [];
  const toggled = cells.filter((c): c is Cell => c !== null);
  if (toggled.length > 0) {
    clauses.push(permissionChanges(toggled));
    notes.push(`by ${r.who(first.actor)}`);
  }
  if (approval && clauses.length === 0) clauses.push(sentenceOf(approval, r));
  else if (approval)
    notes.push(
      `approving ${requestWords(approval)}${r.from(requestOf(approval), fields(approval.after).requester)}`,
    );
  const source = first.actor === "operator" ? null : SOURCE_NOTE[first.source];
  if (source) notes.push(source);
  const sentence = clauses.join("; ");
  const line = notes.length > 0 ? `${sentence} (${notes.join(", ")})` : sentence;
  return line.startsWith("the ") ? `T${line.slice(1)}` : line;
};

const readerFor = (page: Pick<AuditPage, "people" | "requesters">): Reader => {
  const people = new Map<string, PersonRef>(page.people.map((p) => [p.email.toLowerCase(), p]));
  const who = (name: string) => {
    if (name === "operator") return "the operator";
    if (name === "system") return "Rolecall";
    if (!name.includes("@")) return fmt.text(name);
    return fmt.person(people.get(name.toLowerCase()) ?? { email: name });
  };
  return {
    who,
    from: (id, requester) => {
      const email = text(requester) ?? (id ? page.requesters[id] : undefined);
      return email ? ` from ${who(email)}` : "";
    },
  };
};

const changesWord = (n: number) => `${n} change${n === 1 ? "" : "s"}`;

/**
 * A page of the log, newest first, within Slack's limits (50 blocks, 3000 characters a text); an
 * **Older** button continues from the oldest change shown.
 */
export const auditMessage = (page: AuditPage, last: number): SlackMessage => {
  const reader = readerFor(page);
  const changes = changesOf(page.entries).reverse();
  if (changes.length === 0) {
    const empty =
      page.before === null ? "The audit log is empty." : "There is nothing older in the audit log.";
    return { text: empty, blocks: [section(empty)] };
  }
  const lines = changes.map((c) => `${fmt.date(c[0]?.at ?? "")} — ${changeSentence(c, reader)}`);
  const { blocks: list, shown } = linesToSections(lines, MESSAGE_BLOCK_LIMIT - 3);
  const oldestShown = changes[shown - 1]?.[0];
  const older = shown < changes.length ? (oldestShown?.seq ?? null) : page.older;
  const title =
    page.before !== null
      ? `Audit log — ${shown} earlier change${shown === 1 ? "" : "s"}`
      : older === null
        ? `Audit log — all ${changesWord(shown)}`
        : `Audit log — the latest ${changesWord(shown)}`;
  const newest = changes[0]?.[0]?.at ?? "";
  const span =
    shown === 1 || !oldestShown
      ? fmt.date(newest)
      : `from ${fmt.date(oldestShown.at)} to ${fmt.date(newest)}`;
  const blocks: Block[] = [header(title), context(`Newest first, ${span}.`), ...list];
  if (older !== null) {
    const value: OlderPage = { before: older, last };
    blocks.push({
      type: "actions",
      block_id: "audit_pages",
      elements: [button("Older", IDS.actions.auditOlder, JSON.stringify(value))],
    });
  }
  return { text: title, blocks };
};

/** Entries read as written (not a change at a time), shown the same way. */
export const auditRowsMessage = (entries: AuditEntry[]): SlackMessage => {
  const first = entries[0]?.seq ?? 1;
  return auditMessage(
    { entries, people: [], requesters: {}, before: null, older: first > 1 ? first : null },
    Math.max(1, entries.length),
  );
};
