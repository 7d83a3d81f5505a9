import { HELP_GROUP_TITLE } from "../../commands/help.js";
import type { CommandResult } from "../../commands/index.js";
import { HELP_GROUPS } from "../../commands/lib/command.js";
import { describeChange, FOUR_EYES_HELD } from "../../commands/lib/describe.js";
import { approvalLine, requestJson, requestStatusLine } from "../../commands/lib/requests-view.js";
import { auditTargetText } from "../core/audit.js";
import { grantEndWords } from "../core/grant-rules.js";
import type { GrantList } from "../core/index.js";
import type { AccountDigest, AuditEntry, ChangeRequest, Grant, MemberView } from "../core/model.js";
import type { AccountToDelete } from "../core/operator.js";
import { PERMISSION_KEYS, PERMISSIONS } from "../core/permissions.js";
import { ROLE_LABEL, ROLES } from "../core/roles.js";
import { humanDate } from "../html.js";
import { outcomeJson } from "../words/en/outcomes.js";
import { refusalJson } from "../words/en/refusals.js";
import { type Door, plainFormatter } from "../words/format.js";

/** The terminal: plain text, and commands as `rolecall` takes them. */
export const cliDoor: Door = {
  name: "cli",
  fmt: plainFormatter,
  teamCommand: (words) => `rolecall --as <email> ${words}`,
  operatorCommand: (words) => `rolecall ${words}`,
};

const table = (header: string[], rows: string[][]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
};

export const inviteLabel = (member: MemberView): string =>
  member.invite
    ? `${member.invite.state}, mail ${member.invite.mail ?? "none"} (until ${member.invite.expiresAt.slice(0, 16).replace("T", " ")} UTC)`
    : "";

const json = (value: unknown) => (value === null || value === undefined ? "-" : JSON.stringify(value));

const counted = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What `account delete` is about to take with it, said before the operator confirms. */
export const accountToDeleteText = ({ account, members, auditEntries, installed }: AccountToDelete): string =>
  `This deletes the account ${account.name} (Slack team ${account.slackTeamId}) and everything it holds: ` +
  `${counted(members, "member")}, ${counted(auditEntries, "audit entry", "audit entries")}, its invites, ` +
  "requests, API keys and Slack installation. Only a digest of its audit log is kept (how many entries " +
  "it had and the hash of the last). This cannot be undone." +
  (installed
    ? " Rolecall is still installed in that Slack workspace: remove the app there too, or its people will keep seeing a /team that says it is not installed."
    : "");

export const accountDeletedText = (d: AccountDigest): string =>
  `Deleted the account ${d.name} (Slack team ${d.slackTeamId}). Kept its digest: ` +
  `${counted(d.auditEntries, "audit entry", "audit entries")}, last hash ${d.auditHead ?? "none"}.`;

export const auditLine = (e: AuditEntry): string =>
  `${e.at}  #${e.seq}  ${e.actor} (${e.source})  ${e.action}  ${auditTargetText(e.target)}  ${json(e.before)} → ${json(e.after)}${
    e.requestId ? `  request ${e.requestId}` : ""
  }`;

/** "tom@acme.test  Export Users  until 14:30 UTC  granted by owner@acme.test — reason": one grant. */
export const grantLine = (g: Grant, now: Date): string =>
  `${g.memberEmail}  ${PERMISSIONS[g.permission].label}  until ${grantEndWords(g.endsAt, now)}  granted by ${g.grantedBy}${
    g.reason ? ` — ${g.reason}` : ""
  }`;

/** Everyone's grants for Team Settings holders (theirs among them), else the reader's own. */
const grantsText = ({ mine, all }: GrantList, now: Date): string => {
  const shown = all ?? mine;
  return shown.length === 0 ? "No active temporary access." : shown.map((g) => grantLine(g, now)).join("\n");
};

/** A grant as `grants --json` shows it (README: "Temporary access"). */
export const grantJson = (g: Grant) => ({
  email: g.memberEmail,
  permission: g.permission,
  startsAt: g.startsAt,
  endsAt: g.endsAt,
  grantedBy: g.grantedBy,
  reason: g.reason,
  requestId: g.requestId,
});

/**
 * The CLI's plain-text rendering of a command result; `now` is the clock's time, which a grant's end
 * is counted from ("until 14:30 UTC", or a date beyond a day).
 */
export const renderText = (result: CommandResult, now: Date): string => {
  switch (result.type) {
    case "help":
      return HELP_GROUPS.flatMap((group) => {
        const commands = result.commands.filter((c) => c.group === group);
        if (commands.length === 0) return [];
        return [`${HELP_GROUP_TITLE[group]}:`, ...commands.map((c) => `  ${c.usage}\n      ${c.summary}`)];
      }).join("\n");
    case "whoami": {
      const w = result.whoami;
      const labels = w.permissions.map((p) => PERMISSIONS[p].label);
      const temporary = w.grants.map(
        (g) =>
          `\nTemporary: ${PERMISSIONS[g.permission].label} until ${grantEndWords(g.endsAt, now)} (granted by ${g.grantedBy})`,
      );
      return `${w.name ? `${w.name} <${w.email}>` : w.email} — ${ROLE_LABEL[w.role]} (${w.status}) on ${w.account.name}\nPermissions: ${labels.join(", ") || "none"}${temporary.join("")}`;
    }
    case "list":
      if (result.rows.length === 0) return "No members match.";
      return (
        table(
          ["NAME", "EMAIL", "ROLE", "STATUS", "INVITE"],
          result.rows.map(({ member: m }) => [
            m.name ?? "",
            m.email,
            ROLE_LABEL[m.role],
            m.status,
            inviteLabel(m),
          ]),
        ) +
        (result.pageSize
          ? `\n(${result.offset + 1}–${result.offset + result.rows.length} of ${result.matching})`
          : "")
      );
    case "perms": {
      const roles = ROLES.filter((r) => result.view.matrix[r]);
      const rows = PERMISSION_KEYS.map((key) => [
        `${PERMISSIONS[key].label} (${key})`,
        ...roles.map((r) => (result.view.matrix[r]?.includes(key) ? "yes" : "-")),
      ]);
      return table(["PERMISSION", ...roles.map((r) => ROLE_LABEL[r])], rows);
    }
    case "change":
      return describeChange(result.change, plainFormatter, now);
    case "audit":
    case "audit_changes": {
      const entries = result.type === "audit" ? result.entries : result.page.entries;
      return entries.length === 0 ? "The audit log is empty." : entries.map(auditLine).join("\n");
    }
    case "settings":
      return `Approvals channel: ${result.approvalsChannel ?? "none (requests go to the Owners by direct message)"}\nFour-eyes: ${result.fourEyes ? "on" : "off"}`;
    case "grants":
      return grantsText(result.grants, now);
    case "apikey":
      return [
        `Organisation API key: ${result.key.prefix}… created ${result.key.createdAt}`,
        ...result.key.previous.map((p) => `  the previous key ${p.prefix}… works until ${p.expiresAt}`),
      ].join("\n");
    case "apikey_rotated":
      return `New organisation API key — shown only now, keep it somewhere safe:\n  ${result.rotated.apiKey}\n${
        result.rotated.oldKeyWorksUntil === "now"
          ? "The old key stopped working."
          : `The old key works until ${result.rotated.oldKeyWorksUntil}.`
      }`;
    case "request_filed":
      return [
        result.fourEyes
          ? `${FOUR_EYES_HELD} Request ${result.request.id} was sent to the Owners: ${result.request.summary}`
          : `Request ${result.request.id} was filed: ${result.request.summary}`,
        "The Owners see it in Slack as soon as the Rolecall app posts it, and here with: requests",
        `What it does: ${result.request.effect}`,
        `It expires ${humanDate(result.request.expiresAt)}. Withdraw it with: cancel ${result.request.id}`,
      ].join("\n");
    case "requests": {
      const line = (r: ChangeRequest) => `  ${r.id}  ${r.requesterEmail}: ${r.summary} — ${r.effect}`;
      const parts = [];
      if (result.toDecide.length > 0) parts.push("For you to decide:", ...result.toDecide.map(line));
      if (result.filed.length > 0) parts.push("Filed by you:", ...result.filed.map(line));
      return parts.length > 0 ? parts.join("\n") : "No pending requests.";
    }
    case "request_approved":
      return result.outcome.applied
        ? `${approvalLine(result.outcome)} ${describeChange(result.outcome.result, plainFormatter, now)}`
        : approvalLine(result.outcome);
    case "request_closed":
      return `Request ${result.request.id}: ${requestStatusLine(result.request, plainFormatter)}`;
    case "form":
    case "confirm": // the CLI acts at once; it never asks first
      return "";
  }
};

/** The JSON shapes of PRODUCT §7. */
export const renderJson = (result: CommandResult): unknown => {
  switch (result.type) {
    case "help":
      return { commands: result.commands };
    case "whoami":
      return result.whoami;
    case "list":
      return { members: result.rows.map((row) => row.member), total: result.matching };
    case "perms":
      return result.view;
    case "change":
      return outcomeJson(result.change);
    case "audit":
      return result.entries.map(auditJson);
    case "audit_changes":
      return result.page.entries.map(auditJson);
    case "settings":
      return { approvalsChannel: result.approvalsChannel, fourEyes: result.fourEyes };
    case "grants":
      return {
        grants: result.grants.mine.map(grantJson),
        all: result.grants.all?.map(grantJson) ?? null,
      };
    case "apikey":
      return result.key;
    case "apikey_rotated":
      return {
        ok: true,
        apiKey: result.rotated.apiKey,
        prefix: result.rotated.prefix,
        oldKeyWorksUntil: result.rotated.oldKeyWorksUntil,
      };
    case "request_filed":
      return {
        ok: true,
        ...(result.fourEyes ? { fourEyes: true } : {}),
        request: requestJson(result.request),
      };
    case "requests":
      return { toDecide: result.toDecide.map(requestJson), filed: result.filed.map(requestJson) };
    case "request_approved":
      return {
        ok: true,
        applied: result.outcome.applied,
        request: requestJson(result.outcome.request),
        // What the approval did, as a change made directly shows it (a grant: its end in `until`).
        ...(result.outcome.applied
          ? { change: outcomeJson(result.outcome.result) }
          : { error: refusalJson(result.outcome.error, cliDoor) }),
      };
    case "request_closed":
      return { ok: true, request: requestJson(result.request) };
    case "form":
    case "confirm":
      return {};
  }
};

export const auditJson = (e: AuditEntry) => ({
  seq: e.seq,
  at: e.at,
  actor: e.actor,
  source: e.source,
  action: e.action,
  // PRODUCT §7 shows a target as text: the typed target written as the log always wrote it.
  target: auditTargetText(e.target),
  before: e.before,
  after: e.after,
  requestId: e.requestId,
  hash: e.hash,
});

/** Quotes as RFC 4180 wants, and defuses cells a spreadsheet would run as a formula. */
const csvCell = (raw: string): string => {
  const value = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
};

export const auditCsv = (entries: AuditEntry[]): string =>
  [
    "seq,at,actor,source,action,target,before,after,request_id",
    ...entries.map((e) =>
      [
        String(e.seq),
        e.at,
        e.actor,
        e.source,
        e.action,
        auditTargetText(e.target),
        json(e.before),
        json(e.after),
        e.requestId ?? "",
      ]
        .map(csvCell)
        .join(","),
    ),
  ].join("\n");
