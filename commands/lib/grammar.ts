import { durationShort } from "../../src/core/input.js";
import type { ChangeIntent, IntentKind, IntentOf } from "../../src/core/intents.js";
import type { MemberRef } from "../../src/core/model.js";

/**
 * A change in the words of the `/team` grammar (`role tom@acme.test admin`): what a request says it
 * asks for, the same in Slack, the CLI and the post the Owners read. It lives beside the parser that
 * reads these words back (`intentOf`), so the grammar changes in one place; the core stores the
 * summary at filing time through the words the wiring gives it. One entry per kind: a new kind does
 * not compile until it has its words.
 */
export const COMMAND_WORDS = {
  "member.add": (intent) =>
    ["add", intent.email, intent.role, intent.name ?? "", intent.phone ? `--phone ${intent.phone}` : ""]
      .filter(Boolean)
      .join(" "),
  "member.edit": (intent) => {
    const { name, phone, role } = intent;
    if (role !== undefined && name === undefined && phone === undefined)
      return `role ${typed(intent.member)} ${role}`;
    const fields = [
      name === undefined ? "" : `--name ${name ?? "none"}`,
      phone === undefined ? "" : `--phone ${phone ?? "none"}`,
      role === undefined ? "" : `--role ${role}`,
    ];
    return ["edit", typed(intent.member), ...fields].filter(Boolean).join(" ");
  },
  "member.remove": (intent) => `remove ${typed(intent.member)}`,
  "invite.resend": (intent) => `resend ${typed(intent.member)}`,
  "invite.revoke": (intent) => `revoke ${typed(intent.member)}`,
  "permission.set": (intent) =>
    `perms ${intent.allowed ? "grant" : "revoke"} ${intent.role} ${intent.permission}`,
  "permission.save": (intent) =>
    `perms save ${Object.entries(intent.columns)
      .map(([role, keys]) => `${role}=${(keys ?? []).join(",") || "none"}`)
      .join(" ")}`,
  "settings.approvals": (intent) => `settings approvals ${intent.channel ?? "none"}`,
  "settings.four_eyes": (intent) => `settings four-eyes ${intent.on ? "on" : "off"}`,
  "grant.start": (intent) =>
    [
      "grant",
      typed(intent.member),
      intent.permission,
      "for",
      durationShort(intent.minutes),
      intent.reason ?? "",
    ]
      .filter(Boolean)
      .join(" "),
  "grant.extend": (intent) =>
    `grant extend ${typed(intent.member)} ${intent.permission} ${durationShort(intent.minutes)}`,
  "grant.end": (intent) => `ungrant ${typed(intent.member)} ${intent.permission}`,
  "apikey.rotate": (intent) => `apikey rotate --grace ${intent.graceHours ?? 0}h`,
} as const satisfies { readonly [K in IntentKind]: (intent: IntentOf<K>) => string };

/** The member as the grammar reads them back: an address, or a Slack mention. */
function typed(ref: MemberRef): string {
  return "email" in ref ? ref.email : `<@${ref.slackUserId}>`;
}

/** The change in the `/team` grammar's words, which `intentOf` reads back as the same change. */
export const describeIntent = (intent: ChangeIntent): string =>
  (COMMAND_WORDS[intent.kind] as (intent: ChangeIntent) => string)(intent);
