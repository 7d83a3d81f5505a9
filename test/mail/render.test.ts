import { describe, expect, it } from "vitest";
import { renderMail } from "../../src/mail/render.js";
import { invitePage } from "../../src/shared/pages.js";

const invite = {
  kind: "invite" as const,
  to: "x@acme.test",
  memberId: "m",
  inviteId: "i",
  token: "T".repeat(43),
  accountName: "<script>alert(1)</script> & Co",
  inviter: { name: '"Ola" <img src=x>', email: "ola@acme.test" },
  role: "teammate" as const,
  permissions: ["billing" as const],
  expiresAt: "2026-12-05T09:00:00.000Z",
  resent: false,
};

describe("mail and page rendering", () => {
  it("escapes what users typed in the HTML mail, keeps the text part plain", () => {
    const mail = renderMail(invite, "https://rolecall.example.com");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).not.toContain("<img");
    expect(mail.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co");
    expect(mail.text).toContain(`https://rolecall.example.com/invites/${"T".repeat(43)}`);
    expect(mail.text).toContain("until 5 December 2026 at 09:00 UTC");
    expect(mail.text).toContain("Billing");
  });

  it("escapes what users typed on the invite page", () => {
    const html = invitePage(
      {
        state: "pending",
        accountId: "a",
        accountName: invite.accountName,
        email: "x@acme.test",
        role: "admin",
        permissions: [],
        inviter: { name: invite.inviter.name, email: "ola@acme.test", slackUserId: null },
        expiresAt: invite.expiresAt,
      },
      "/invites/abc",
    );
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x>");
    expect(html).toContain("&quot;Ola&quot; &lt;img src=x&gt;");
  });

  it("tells members about a new role and about being removed", () => {
    expect(
      renderMail(
        { kind: "role_changed", to: "a@x.test", accountName: "Acme", role: "admin", permissions: [] },
        "",
      ).subject,
    ).toBe("Your role on Acme is now Admin");
    expect(renderMail({ kind: "removed", to: "a@x.test", accountName: "Acme" }, "").subject).toBe(
      "You were removed from Acme",
    );
  });
});
