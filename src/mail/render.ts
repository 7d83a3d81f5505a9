import type { MailDraft } from "../core/decision.js";
import { PERMISSIONS } from "../core/permissions.js";
import { ROLE_LABEL } from "../core/roles.js";
import { escapeHtml, humanDate } from "../html.js";

export interface RenderedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export const inviteLink = (baseUrl: string, token: string): string => `${baseUrl}/invites/${token}`;

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

/** A plain, inline-styled HTML body: no external images, no scripts, readable in any client. */
const htmlBody = (
  title: string,
  paragraphs: string[],
  action?: { label: string; href: string },
) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;${FONT};color:#1f2328">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;border:1px solid #d0d7de">
<tr><td style="padding:28px">
<h1 style="margin:0 0 16px;font-size:20px;line-height:1.3">${escapeHtml(title)}</h1>
${paragraphs.map((p) => `<p style="margin:0 0 14px;font-size:15px;line-height:1.5">${p}</p>`).join("\n")}
${
  action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(action.href)}" style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600">${escapeHtml(action.label)}</a></p>
<p style="margin:0 0 14px;font-size:13px;line-height:1.5;color:#57606a">Or paste this link into your browser:<br><span style="word-break:break-all">${escapeHtml(action.href)}</span></p>`
    : ""
}
</td></tr></table>
<p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#57606a;text-align:center">Sent by Rolecall, the team console of your messaging account.</p>
</body></html>`;

type MailOf<K extends MailDraft["kind"]> = Extract<MailDraft, { kind: K }>;

/** The words of each kind of mail, as text and HTML: a new kind does not compile until it is worded. */
const MAILS: { [K in MailDraft["kind"]]: (mail: MailOf<K>, baseUrl: string) => RenderedMail } = {
  invite: (mail, baseUrl) => {
    const role = ROLE_LABEL[mail.role];
    const inviter = mail.inviter.name ? `${mail.inviter.name} (${mail.inviter.email})` : mail.inviter.email;
    const link = inviteLink(baseUrl, mail.token);
    const abilities = mail.permissions.map((p) => PERMISSIONS[p].label);
    const expires = humanDate(mail.expiresAt);
    const subject = mail.resent
      ? `Your new invite to ${mail.accountName}`
      : `${mail.inviter.name ?? mail.inviter.email} invited you to ${mail.accountName}`;
    const text = [
      "Hello,",
      "",
      `${inviter} invited you to join ${mail.accountName} as ${role}.${mail.resent ? " This link replaces any earlier one." : ""}`,
      "",
      `As ${role} you may use: ${abilities.join(", ") || "nothing yet"}.`,
      "",
      `Accept the invite here (the link works once, until ${expires}):`,
      link,
      "",
      "If you did not expect this invite, ignore this mail: nothing happens until you accept.",
    ].join("\n");
    const html = htmlBody(
      `Join ${mail.accountName}`,
      [
        `${escapeHtml(inviter)} invited you to join <strong>${escapeHtml(mail.accountName)}</strong> as <strong>${role}</strong>.${mail.resent ? " This link replaces any earlier one." : ""}`,
        `As ${role} you may use: ${escapeHtml(abilities.join(", ") || "nothing yet")}.`,
        `The link works once, until ${escapeHtml(expires)}. If you did not expect this invite, ignore this mail.`,
      ],
      { label: "Accept the invite", href: link },
    );
    return { to: mail.to, subject, text, html };
  },
  role_changed: (mail) => {
    const role = ROLE_LABEL[mail.role];
    const abilities = mail.permissions.map((p) => PERMISSIONS[p].label).join(", ") || "nothing yet";
    return {
      to: mail.to,
      subject: `Your role on ${mail.accountName} is now ${role}`,
      text: `Hello,\n\nYour role on ${mail.accountName} is now ${role}.\nAs ${role} you may use: ${abilities}.\n`,
      html: htmlBody(`You are now ${role}`, [
        `Your role on <strong>${escapeHtml(mail.accountName)}</strong> is now <strong>${role}</strong>.`,
        `As ${role} you may use: ${escapeHtml(abilities)}.`,
      ]),
    };
  },
  removed: (mail) => ({
    to: mail.to,
    subject: `You were removed from ${mail.accountName}`,
    text: `Hello,\n\nYou are no longer a member of ${mail.accountName}. If you think this is a mistake, ask one of its Owners.\n`,
    html: htmlBody(`You left ${mail.accountName}`, [
      `You are no longer a member of <strong>${escapeHtml(mail.accountName)}</strong>. If you think this is a mistake, ask one of its Owners.`,
    ]),
  }),
};

/** The words of every mail Rolecall sends, as text and HTML. */
export const renderMail = (mail: MailDraft, baseUrl: string): RenderedMail =>
  (MAILS[mail.kind] as (mail: MailDraft, baseUrl: string) => RenderedMail)(mail, baseUrl);
