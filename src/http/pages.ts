import type { InvitePreview } from "../core/access-core.js";
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
