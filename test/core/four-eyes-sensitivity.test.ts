import { describe, expect, it } from "vitest";
import type { ActorContext } from "../../src/core/access-core.js";
import type { RawChangeIntent } from "../../src/core/intents.js";
import { PERMISSION_KEYS, type PermissionKey } from "../../src/core/permissions.js";
import { setFourEyes, setPermission } from "../helpers/core.js";
import { testTeam } from "../helpers/team.js";

/**
 * PRODUCT rule 9, change by change: with four-eyes on, exactly the changes it names wait for a
 * second active Owner (filed as a request, nothing applied), every other change applies at once, and
 * a change that would be refused is refused, not filed. What the test watches is what a user sees:
 * the audit log gains the change itself, or only the request for it, or nothing.
 */

const SENSITIVE: Record<PermissionKey, boolean> = {
  team_settings: true,
  access_permissions: true,
  export_users: false,
  add_users: false,
  bulk_tag_users: false,
  billing: false,
  api_key: false,
  whatsapp_setup: false,
};
const ALL: PermissionKey[] = [...PERMISSION_KEYS];
/** Teammates start with these; the team below takes them away so each can be granted and given again. */
const EVERYDAY = PERMISSION_KEYS.filter((p) => !SENSITIVE[p]);

/**
 * Three active Owners (so a second Owner is always there, even when the change is about one of
 * them), an invited Owner, an Admin holding Team Settings and Access Permissions, two Teammates
 * holding nothing, and Tia holding a running grant of every permission.
 */
const team = async (fourEyes = true) => {
  const t = await testTeam([
    { email: "olga@acme.test", role: "owner" },
    { email: "otto@acme.test", role: "owner" },
    { email: "ozzy@acme.test", role: "owner", status: "invited" },
    { email: "ann@acme.test", role: "admin" },
    { email: "tom@acme.test", role: "teammate" },
    { email: "tia@acme.test", role: "teammate" },
    { email: "ivy@acme.test", role: "teammate", status: "invited" },
  ]);
  const { core, owner } = t;
  await core.setPermissions(owner, { admin: ALL, teammate: [] });
  for (const permission of PERMISSION_KEYS)
    await core.change(owner, {
      kind: "grant.start",
      member: { email: "tia@acme.test" },
      permission,
      minutes: 60,
    });
  if (fourEyes) await setFourEyes(core, owner, true);
  return t;
};

type Team = Awaited<ReturnType<typeof team>>;
/** What the user sees: "applied", "held" (a request waits), "unchanged", or the refusal's code. */
type Seen = "applied" | "held" | "unchanged" | string;

const REQUEST_ACTIONS = ["request.filed", "grant.requested"];

const attempt = async (t: Team, by: ActorContext, intent: RawChangeIntent): Promise<Seen> => {
  const log = () => t.core.fullAuditLog(t.seeded.accountId);
  const before = (await log()).length;
  const filedBefore = (await t.core.requests.list(by)).filed.length;
  try {
    await t.core.change(by, intent);
  } catch (error) {
    if (error && typeof error === "object" && "code" in error) return String(error.code);
    throw error;
  }
  const added = (await log()).slice(before).map((e) => e.action);
  const filed = (await t.core.requests.list(by)).filed.length - filedBefore;
  if (added.length === 0) return "unchanged";
  if (added.every((a) => REQUEST_ACTIONS.includes(a))) {
    expect(filed).toBe(1);
    return "held";
  }
  expect(filed).toBe(0);
  return "applied";
};

const m = (email: string) => ({ email });
const byOwner: [string, RawChangeIntent, Seen][] = [
  ["invite a Teammate", { kind: "member.add", email: "new@acme.test", role: "teammate" }, "applied"],
  ["invite an Admin", { kind: "member.add", email: "new@acme.test", role: "admin" }, "applied"],
  ["invite with the default role", { kind: "member.add", email: "new@acme.test" }, "applied"],
  ["invite an Owner", { kind: "member.add", email: "new@acme.test", role: "owner" }, "held"],
  ["rename an Owner", { kind: "member.edit", member: m("olga@acme.test"), name: "Olga" }, "applied"],
  ["make a Teammate an Admin", { kind: "member.edit", member: m("tom@acme.test"), role: "admin" }, "applied"],
  ["make a Teammate an Owner", { kind: "member.edit", member: m("tom@acme.test"), role: "owner" }, "held"],
  [
    "make an invited Teammate an Owner",
    { kind: "member.edit", member: m("ivy@acme.test"), role: "owner" },
    "held",
  ],
  ["make an Owner an Admin", { kind: "member.edit", member: m("olga@acme.test"), role: "admin" }, "held"],
  [
    "make an invited Owner a Teammate",
    { kind: "member.edit", member: m("ozzy@acme.test"), role: "teammate" },
    "held",
  ],
  [
    "make an Owner an Owner",
    { kind: "member.edit", member: m("olga@acme.test"), role: "owner" },
    "unchanged",
  ],
  ["make an Admin an Admin", { kind: "member.edit", member: m("ann@acme.test"), role: "admin" }, "unchanged"],
  [
    "make an unknown person an Owner",
    { kind: "member.edit", member: m("no@acme.test"), role: "owner" },
    "NO_SUCH_MEMBER",
  ],
  [
    "make yourself an Admin",
    { kind: "member.edit", member: m("owner@acme.test"), role: "admin" },
    "OWN_ROLE",
  ],
  ["remove a Teammate", { kind: "member.remove", member: m("tom@acme.test") }, "applied"],
  ["remove an Admin", { kind: "member.remove", member: m("ann@acme.test") }, "applied"],
  ["remove an Owner", { kind: "member.remove", member: m("olga@acme.test") }, "held"],
  ["remove yourself", { kind: "member.remove", member: m("owner@acme.test") }, "OWN_ROLE"],
  ["cancel a Teammate's invite", { kind: "invite.revoke", member: m("ivy@acme.test") }, "applied"],
  ["cancel an Owner's invite", { kind: "invite.revoke", member: m("ozzy@acme.test") }, "held"],
  ["resend an Owner's invite", { kind: "invite.resend", member: m("ozzy@acme.test") }, "applied"],
  ["set the approvals channel", { kind: "settings.approvals", channel: "C0APPROVE" }, "applied"],
  ["turn four-eyes off", { kind: "settings.four_eyes", on: false }, "held"],
  ["turn four-eyes on again", { kind: "settings.four_eyes", on: true }, "unchanged"],
  ["rotate the API key without grace", { kind: "apikey.rotate", graceHours: 0 }, "held"],
  ["rotate the API key, old key stopping at once by default", { kind: "apikey.rotate" }, "held"],
  ["rotate the API key with grace", { kind: "apikey.rotate", graceHours: 24 }, "applied"],
  ["rotate the API key with an hour's grace", { kind: "apikey.rotate", graceHours: 1 }, "applied"],
  [
    "end a grant early",
    { kind: "grant.end", member: m("tia@acme.test"), permission: "team_settings" },
    "applied",
  ],
  ...PERMISSION_KEYS.flatMap((permission): [string, RawChangeIntent, Seen][] => {
    const seen = SENSITIVE[permission] ? "held" : "applied";
    return [
      [
        `give Teammates ${permission}`,
        { kind: "permission.set", role: "teammate", permission, allowed: true },
        seen,
      ],
      [
        `take ${permission} from Admins`,
        { kind: "permission.set", role: "admin", permission, allowed: false },
        seen,
      ],
      [
        `save the Teammates' column with ${permission}`,
        { kind: "permission.save", columns: { teammate: [permission] } },
        seen,
      ],
      [
        `grant Tom ${permission}`,
        { kind: "grant.start", member: m("tom@acme.test"), permission, minutes: 30 },
        seen,
      ],
      [
        `extend Tia's grant of ${permission}`,
        { kind: "grant.extend", member: m("tia@acme.test"), permission, minutes: 30 },
        seen,
      ],
    ];
  }),
  [
    "save the matrix as it is",
    { kind: "permission.save", columns: { admin: ALL, teammate: [] } },
    "unchanged",
  ],
  [
    "save the Admins' column without an everyday permission",
    { kind: "permission.save", columns: { admin: ALL.filter((p) => p !== "billing") } },
    "applied",
  ],
  [
    "save both columns, one cell sensitive",
    { kind: "permission.save", columns: { admin: EVERYDAY, teammate: EVERYDAY } },
    "held",
  ],
  [
    "grant Tia, for longer, what she holds by grant already",
    { kind: "grant.start", member: m("tia@acme.test"), permission: "team_settings", minutes: 120 },
    "held",
  ],
  [
    "grant Tia, for less time, what she holds by grant already",
    { kind: "grant.start", member: m("tia@acme.test"), permission: "team_settings", minutes: 10 },
    "unchanged",
  ],
];

describe("four-eyes on: an Owner's change is held exactly when rule 9 names it", () => {
  it.each(byOwner)("%s", async (_what, intent, expected) => {
    const t = await team();
    expect(await attempt(t, t.owner, intent)).toBe(expected);
  });
});

describe("four-eyes off: the same changes apply at once", () => {
  // (Turning four-eyes off with it off already changes nothing.)
  const held = byOwner.filter(([, intent, seen]) => seen === "held" && intent.kind !== "settings.four_eyes");
  it.each(held)("%s", async (_what, intent) => {
    const t = await team(false);
    expect(await attempt(t, t.owner, intent)).toBe("applied");
  });
});

const byAdmin: [string, RawChangeIntent, Seen][] = [
  ["invite a Teammate", { kind: "member.add", email: "new@acme.test", role: "teammate" }, "applied"],
  ["invite an Owner", { kind: "member.add", email: "new@acme.test", role: "owner" }, "RANK_TOO_LOW"],
  ["remove an Owner", { kind: "member.remove", member: m("olga@acme.test") }, "RANK_TOO_LOW"],
  ["cancel an Owner's invite", { kind: "invite.revoke", member: m("ozzy@acme.test") }, "RANK_TOO_LOW"],
  [
    "give Teammates billing",
    { kind: "permission.set", role: "teammate", permission: "billing", allowed: true },
    "applied",
  ],
  [
    "give Teammates Team Settings",
    { kind: "permission.set", role: "teammate", permission: "team_settings", allowed: true },
    "held",
  ],
  ["turn four-eyes off", { kind: "settings.four_eyes", on: false }, "FORBIDDEN"],
  ["rotate the API key (24 hours' grace by default)", { kind: "apikey.rotate" }, "applied"],
  ["rotate the API key without grace", { kind: "apikey.rotate", graceHours: 0 }, "FORBIDDEN"],
  [
    "grant Tom Team Settings",
    { kind: "grant.start", member: m("tom@acme.test"), permission: "team_settings", minutes: 30 },
    "FORBIDDEN",
  ],
];

describe("four-eyes on: an Admin's change, the rules of rank first", () => {
  it.each(byAdmin)("%s", async (_what, intent, expected) => {
    const t = await team();
    expect(await attempt(t, t.seeded.as("ann@acme.test"), intent)).toBe(expected);
  });
});

describe("who could be the second pair of eyes", () => {
  const small = async (members: NonNullable<Parameters<typeof testTeam>[0]>) => {
    const t = await testTeam([{ email: "ann@acme.test", role: "admin" }, ...members]);
    await setPermission(t.core, t.owner, { role: "admin", permission: "access_permissions", allowed: true });
    await setFourEyes(t.core, t.owner, true);
    return t;
  };
  const promote: RawChangeIntent = { kind: "member.edit", member: m("ann@acme.test"), role: "owner" };
  const giveAdmins: RawChangeIntent = {
    kind: "permission.set",
    role: "teammate",
    permission: "team_settings",
    allowed: true,
  };

  it("the only active Owner: nobody could approve, so the change is refused, not filed", async () => {
    const t = await small([]);
    expect(await attempt(t, t.owner, promote)).toBe("SECOND_OWNER_NEEDED");
    expect((await t.core.requests.list(t.owner)).filed).toEqual([]);
  });

  it("an invited or removed Owner is nobody's second pair of eyes", async () => {
    const t = await small([
      { email: "ozzy@acme.test", role: "owner", status: "invited" },
      { email: "rex@acme.test", role: "owner", status: "removed" },
    ]);
    expect(await attempt(t, t.owner, promote)).toBe("SECOND_OWNER_NEEDED");
  });

  it("one other active Owner: held for them", async () => {
    const t = await small([{ email: "olga@acme.test", role: "owner" }]);
    expect(await attempt(t, t.owner, promote)).toBe("held");
  });

  it("an Admin's change with one active Owner: that Owner is the other pair of eyes, so it is filed", async () => {
    const t = await small([]);
    expect(await attempt(t, t.seeded.as("ann@acme.test"), giveAdmins)).toBe("held");
  });

  it("the only active Owner turns four-eyes off at once; with another, it waits", async () => {
    const alone = await small([]);
    expect(await attempt(alone, alone.owner, { kind: "settings.four_eyes", on: false })).toBe("applied");
    const two = await small([{ email: "olga@acme.test", role: "owner" }]);
    expect(await attempt(two, two.owner, { kind: "settings.four_eyes", on: false })).toBe("held");
  });
});
