import type { InvitePreview } from "../core/index.js";
import { PERMISSIONS } from "../core/permissions.js";
import { ROLE_LABEL, type Role } from "../core/roles.js";
import { escapeHtml, humanDate } from "../html.js";

const page = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Rolecall</title>
<style>
body{margin:0;padding:32px 16px;background:#f4f5f7;font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2328}
main{max-width:520px;margin:0 auto;background:#fff;border:1px solid #d0d7de;border-radius:10px;padding:28px}
h1{font-size:22px;margin:0 0 16px}p,li{font-size:16px;line-height:1.5}dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px}
dt{color:#57606a}dd{margin:0}button{font-size:16px;font-weight:600;background:#1d4ed8;color:#fff;border:0;border-radius:6px;padding:12px 22px;cursor:pointer}
.muted{color:#57606a;font-size:14px}
a.button{display:inline-block;font-size:16px;font-weight:600;background:#1d4ed8;color:#fff;border-radius:6px;padding:12px 22px;text-decoration:none}
</style></head>
<body><main>${body}</main></body></html>`;

export const invitePage = (invite: Exclude<InvitePreview, { state: "unknown" }>, action: string): string => {
  const role = ROLE_LABEL[invite.role];
  const inviter = invite.inviter
    ? escapeHtml(
        invite.inviter.name ? `${invite.inviter.name} (${invite.inviter.email})` : invite.inviter.email,
      )
    : "An Owner";
  const abilities = invite.permissions.map((p) => `<li>${escapeHtml(PERMISSIONS[p].label)}</li>`).join("");
  return page(
    `Join ${invite.accountName}`,
    `<h1>Join ${escapeHtml(invite.accountName)}</h1>
<p>${inviter} invited <strong>${escapeHtml(invite.email)}</strong> to the team.</p>
<dl><dt>Account</dt><dd>${escapeHtml(invite.accountName)}</dd><dt>Invited by</dt><dd>${inviter}</dd>
<dt>Role</dt><dd>${role}</dd><dt>Expires</dt><dd>${escapeHtml(humanDate(invite.expiresAt))}</dd></dl>
<p>As ${role} you may use:</p><ul>${abilities || "<li>nothing yet</li>"}</ul>
<form method="post" action="${escapeHtml(action)}"><button type="submit">Accept invite</button></form>
<p class="muted">This link works once.</p>`,
  );
};

export const acceptedPage = (accountName: string, role: Role): string =>
  page(
    "You're in",
    `<h1>Welcome to ${escapeHtml(accountName)}</h1>
<p id="accepted">You have accepted the invite and joined as <strong>${ROLE_LABEL[role]}</strong>.</p>
<p class="muted">You can close this page. In Slack, type <code>/team whoami</code> to see what you may do.</p>`,
  );

export const problemPage = (title: string, message: string): string =>
  page(
    title,
    `<h1>${escapeHtml(title)}</h1><p id="problem">${escapeHtml(message)}</p>
<p class="muted">Ask whoever invited you to send a new invite.</p>`,
  );

/** The database is not answering (or is too busy) right now: the page says so, and to come back. */
export const tryAgainPage = (message: string): string =>
  page(
    "Try again in a moment",
    `<h1>Try again in a moment</h1><p id="problem">${escapeHtml(message)}</p>
<p class="muted">Reload this page in a minute.</p>`,
  );

/** The Add-to-Slack page: one link to Slack's consent screen (it carries this browser's `state`). */
export const installPage = (authorizeUrl: string): string =>
  page(
    "Add Rolecall to Slack",
    `<h1>Add Rolecall to your Slack workspace</h1>
<p>Rolecall keeps your team's roles and access permissions, run from Slack with <code>/team</code>.</p>
<p>Slack will ask you to allow Rolecall to add the <code>/team</code> command, send messages, and read
people's names and email addresses (to match them to your team).</p>
<p><a id="add-to-slack" class="button" href="${escapeHtml(authorizeUrl)}">Add to Slack</a></p>
<p class="muted">Whoever installs Rolecall becomes its first Owner. The link works once, for ten minutes, in this browser.</p>`,
  );

export interface InstalledPage {
  accountName: string;
  /** True when this install created the account (the installer is its first Owner). */
  created: boolean;
  /** Whether the welcome message reached the installer in Slack. */
  welcomed: boolean;
  /** Opens Slack on Rolecall (https://slack.com/app_redirect?…). */
  slackUrl: string | null;
}

export const installedPage = ({ accountName, created, welcomed, slackUrl }: InstalledPage): string => {
  const name = escapeHtml(accountName);
  const open = slackUrl ? `<p><a class="button" href="${escapeHtml(slackUrl)}">Open Slack</a></p>` : "";
  return page(
    created ? "Rolecall is installed" : "Rolecall is updated",
    created
      ? `<h1>Rolecall is ready in ${name}</h1>
<p id="installed">You are the team's first <strong>Owner</strong>. ${welcomed ? "Rolecall sent you a direct message in Slack with the next steps:" : "Rolecall could not send you a message in Slack just now; the next steps:"}</p>
<ol><li>Invite your team: <code>/team add teammate@example.com admin Full Name</code></li>
<li>Choose where change requests go: <code>/team settings approvals #channel</code></li>
<li>Get the organisation API key: <code>/team apikey rotate</code></li></ol>${open}`
      : `<h1>Rolecall is updated in ${name}</h1>
<p id="installed">The installation is renewed. Your team, its roles and permissions, and the audit log are as they were.</p>
<p>In Slack, type <code>/team whoami</code> to see what you may do.</p>${open}`,
  );
};

export const installFailedPage = (title: string, message: string): string =>
  page(
    title,
    `<h1>${escapeHtml(title)}</h1><p id="problem">${escapeHtml(message)}</p>
<p><a class="button" href="/slack/install">Start again</a></p>`,
  );
