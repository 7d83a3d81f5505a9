import { describe, expect, it } from "vitest";
import { changeToAskFor, intentOf, runCommand } from "../../commands/index.js";
import type { CommandResult } from "../../commands/lib/command.js";
import { describeIntent } from "../../commands/lib/grammar.js";
import { slackCommandWords, tokenize } from "../../commands/lib/tokens.js";
import { CoreError } from "../../src/core/errors.js";
import { parseIntent } from "../../src/core/intents.js";
import type { Role } from "../../src/core/roles.js";
import { setPermission } from "../helpers/core.js";
import { slackWords } from "../helpers/refusals.js";
import { testTeam } from "../helpers/team.js";

/**
 * The `/team` words for time-bound grants and four-eyes (PRODUCT rules 8 and 9, §6): what each one
 * asks of the core, and what a person sees when the words are wrong.
 */

const OWNER = "owner@acme.test";
const ADMIN = "admin@acme.test";
const TM = "tm@acme.test";
const MEMBERS: { email: string; role: Role }[] = [
  { email: ADMIN, role: "admin" },
  { email: TM, role: "teammate" },
];

type Team = Awaited<ReturnType<typeof testTeam>>;

/** A team where Teammates lack Billing (so it can be granted) and the clock is the test's. */
const team = async (members = MEMBERS) => {
  const t = await testTeam(members);
  await setPermission(t.core, t.owner, { role: "teammate", permission: "billing", allowed: false });
  const run = (email: string, text: string) =>
    runCommand({ core: t.core, actor: t.seeded.as(email) }, tokenize(text));
  return { ...t, run };
};

/** The code a command is refused with ("ok" when it is not), and its message. */
const refusal = async (p: Promise<unknown>): Promise<{ code: string; message: string; error: CoreError }> => {
  try {
    await p;
    return { code: "ok", message: "", error: new CoreError({ reason: "not_applied" }) };
  } catch (error) {
    if (error instanceof CoreError) return { code: error.code, message: slackWords(error), error };
    throw error;
  }
};

const filed = (r: CommandResult) => {
  if (r.type !== "request_filed") throw new Error(`expected a filed request, got ${r.type}`);
  return r;
};
const changed = (r: CommandResult) => {
  if (r.type !== "change") throw new Error(`expected a change, got ${r.type}`);
  return r.change;
};
const holds = async (t: Team, email: string, permission: "billing" | "team_settings") =>
  (await t.core.whoami(t.seeded.as(email))).permissions.includes(permission);

describe("the words, good and bad", () => {
  const BAD: [string, string, string][] = [
    ["access", "INVALID_INPUT", "Name a permission"],
    ["access billing for 0m", "INVALID_INPUT", "at least one minute"],
    ["access billing for 2x", "INVALID_INPUT", "e.g. 30m, 2h or 1d"],
    ["access billing for", "INVALID_INPUT", "Say how long"],
    ["access billing 2h", "INVALID_INPUT", 'Say "for" before how long'],
    ["access billing", "INVALID_INPUT", 'Say "for" and how long'],
    ["access payroll for 2h", "INVALID_INPUT", "A permission is one of"],
    ["access billing for 2h --urgent", "INVALID_INPUT", "Unknown option."],
    ["access billing for 100d", "GRANT_TOO_LONG", "at most 3 days"],
    ["access extend billing", "INVALID_INPUT", "Say how long"],
    ["access extend billing 1h more", "INVALID_INPUT", "Too many words."],
    ["grant tm@acme.test billing 2h", "INVALID_INPUT", 'Say "for" before how long'],
    ["grant tm@acme.test", "INVALID_INPUT", "Name a permission"],
    ["grant", "INVALID_INPUT", "Name a member"],
    ["grant tm@acme.test billing for 100d", "GRANT_TOO_LONG", "at most 3 days"],
    ["ungrant tm@acme.test", "INVALID_INPUT", "Name a permission"],
    ["ungrant tm@acme.test billing now", "INVALID_INPUT", "Too many words."],
    ["ungrant tm@acme.test billing", "NO_SUCH_GRANT", "has no temporary Billing right now"],
    ["grants all", "INVALID_INPUT", "Too many words."],
    ["settings four-eyes", "INVALID_INPUT", 'Say "on" or "off".'],
    ["settings four-eyes maybe", "INVALID_INPUT", 'Four-eyes is "on" or "off".'],
    ["settings colour blue", "INVALID_INPUT", 'The settings are "approvals" and "four-eyes".'],
    ["settings four-eyes on please", "INVALID_INPUT", "Too many words."],
    ["approve RAAAAAA --for 2x", "INVALID_INPUT", "e.g. 30m, 2h or 1d"],
    ["approve RAAAAAA --until 2h", "INVALID_INPUT", "Unknown option."],
  ];
  it.each(BAD)("%s → %s", async (text, code, words) => {
    const t = await team();
    const as = text.startsWith("access") ? TM : OWNER;
    const { code: got, message } = await refusal(t.run(as, text));
    expect(got).toBe(code);
    expect(message).toContain(words);
    if (code === "INVALID_INPUT" && !text.startsWith("ungrant tm@acme.test billing"))
      expect(message).toContain("Usage: ");
  });

  const GOOD: [string, unknown][] = [
    [
      "grant tm@acme.test export-users for 2h database clean-up",
      {
        kind: "grant.start",
        member: { email: TM },
        permission: "export_users",
        minutes: 120,
        reason: "database clean-up",
      },
    ],
    [
      "grant <@U0TOM|tom> BILLING for 30m",
      {
        kind: "grant.start",
        member: { slackUserId: "U0TOM" },
        permission: "billing",
        minutes: 30,
        reason: null,
      },
    ],
    [
      "grant <mailto:tm@acme.test|tm@acme.test> billing FOR 1d",
      { kind: "grant.start", member: { email: TM }, permission: "billing", minutes: 1440, reason: null },
    ],
    [
      "grant extend tm@acme.test billing 90m",
      { kind: "grant.extend", member: { email: TM }, permission: "billing", minutes: 90 },
    ],
    [
      "ungrant tm@acme.test team-settings",
      { kind: "grant.end", member: { email: TM }, permission: "team_settings" },
    ],
    ["settings four-eyes ON", { kind: "settings.four_eyes", on: true }],
    ["settings four-eyes off", { kind: "settings.four_eyes", on: false }],
    ["settings approvals none", { kind: "settings.approvals", channel: null }],
    ["settings approvals <#C0APPROVE|approvals>", { kind: "settings.approvals", channel: "C0APPROVE" }],
  ];
  it.each(GOOD)("%s", (text, intent) => {
    expect(intentOf(slackCommandWords(text))).toEqual(intent);
  });

  it("a request shows its change in words the grammar reads back as the same change", () => {
    for (const [text] of GOOD) {
      const intent = parseIntent(intentOf(slackCommandWords(text)));
      expect(parseIntent(intentOf(tokenize(describeIntent(intent))))).toEqual(intent);
    }
  });

  it("`settings` alone shows where requests go and whether four-eyes is on", async () => {
    const t = await team();
    expect(await t.run(TM, "settings")).toEqual({
      type: "settings",
      approvalsChannel: null,
      fourEyes: false,
    });
    await t.run(OWNER, "settings four-eyes on");
    expect(await t.run(TM, "settings")).toMatchObject({ fourEyes: true });
  });
});

describe("/team access: a member asks for temporary access for themselves", () => {
  it("files a request an Owner approves; the grant works until its end, exactly", async () => {
    const t = await team();
    const { request } = filed(await t.run(TM, "access billing for 2h month-end invoices"));
    expect(request.intent).toEqual({
      kind: "grant.start",
      member: { email: TM },
      permission: "billing",
      minutes: 120,
      reason: "month-end invoices",
    });
    expect(await holds(t, TM, "billing")).toBe(false);
    const approved = await t.run(OWNER, `approve ${request.id}`);
    expect(approved).toMatchObject({ type: "request_approved", outcome: { applied: true } });
    expect(await holds(t, TM, "billing")).toBe(true);
    t.clock.advance(2 * 3_600_000 - 1);
    expect(await holds(t, TM, "billing")).toBe(true);
    t.clock.advance(1);
    expect(await holds(t, TM, "billing")).toBe(false);
  });

  it("a reason that looks like a Slack mention is kept as typed text", async () => {
    const t = await team();
    const words = slackCommandWords("access billing for 2h &lt;!channel&gt; please");
    const { request } = filed(await runCommand({ core: t.core, actor: t.seeded.as(TM) }, words));
    expect(request.intent).toMatchObject({ reason: "<!channel> please" });
    expect(request.summary).toContain("<!channel> please");
  });

  it("no reason is no reason (null), not an empty one", async () => {
    const t = await team();
    const { request } = filed(await t.run(TM, "access billing for 30m"));
    expect(request.intent).toMatchObject({ reason: null });
  });

  it("`approve --for` gives less time than asked, never more", async () => {
    const t = await team();
    const { request } = filed(await t.run(TM, "access billing for 2h"));
    const longer = await refusal(t.run(OWNER, `approve ${request.id} --for 3h`));
    expect(longer).toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("2 hours or less"),
    });
    await t.run(OWNER, `approve ${request.id} --for 1h`);
    const [grant] = (await t.core.grants.list(t.seeded.as(TM))).mine;
    expect(grant?.endsAt).toBe(new Date(t.clock.now().getTime() + 3_600_000).toISOString());
  });

  it("`approve --for` on a request that is not for temporary access is refused", async () => {
    const t = await team();
    const { request } = filed(await t.run(ADMIN, `request role ${TM} admin`));
    expect((await refusal(t.run(OWNER, `approve ${request.id} --for 1h`))).code).toBe("INVALID_INPUT");
  });

  it("`access extend` asks for more time on a grant the member holds", async () => {
    const t = await team();
    await t.run(OWNER, `grant ${TM} billing for 1h`);
    const { request } = filed(await t.run(TM, "access extend billing 30m"));
    expect(request.intent).toEqual({
      kind: "grant.extend",
      member: { email: TM },
      permission: "billing",
      minutes: 30,
    });
    await t.run(OWNER, `approve ${request.id}`);
    const [grant] = (await t.core.grants.list(t.seeded.as(TM))).mine;
    expect(grant?.endsAt).toBe(new Date(t.clock.now().getTime() + 90 * 60_000).toISOString());
  });

  it("asking for more time without a grant is refused at once", async () => {
    const t = await team();
    expect((await refusal(t.run(TM, "access extend billing 30m"))).code).toBe("NO_SUCH_GRANT");
  });
});

describe("/team grant, ungrant and grants", () => {
  it("an Owner grants directly; an Admin is refused, and may ask an Owner instead", async () => {
    const t = await team();
    const started = changed(await t.run(OWNER, `grant ${TM} billing for 2h`));
    expect(started).toMatchObject({
      kind: "grant.started",
      member: { email: TM },
      permission: "billing",
    });
    expect(await holds(t, TM, "billing")).toBe(true);

    const words = tokenize(`grant ${TM} export_users for 1h`);
    await setPermission(t.core, t.owner, { role: "teammate", permission: "export_users", allowed: false });
    const adminCtx = { core: t.core, actor: t.seeded.as(ADMIN) };
    const refused = await refusal(runCommand(adminCtx, words));
    expect(refused.code).toBe("FORBIDDEN");
    const ask = await changeToAskFor(adminCtx, words, refused.error);
    expect(ask).toMatchObject({ kind: "grant.start", permission: "export_users", minutes: 60 });
    expect(filed(await t.run(ADMIN, `request grant ${TM} export_users for 1h`)).request.intent).toEqual(ask);
  });

  it("granting what the role already has, or a shorter time than held, changes nothing", async () => {
    const t = await team();
    expect(changed(await t.run(OWNER, `grant ${TM} whatsapp_setup for 1h`))).toMatchObject({
      changed: false,
      kind: "unchanged",
      why: { of: "grant.by_role", permission: "whatsapp_setup" },
    });
    await t.run(OWNER, `grant ${TM} billing for 2h`);
    expect(changed(await t.run(OWNER, `grant ${TM} billing for 1h`)).changed).toBe(false);
  });

  it("ungrant ends a grant now, by an Owner or by its holder; a teammate cannot end another's", async () => {
    const t = await team([...MEMBERS, { email: "ty@acme.test", role: "teammate" }]);
    await t.run(OWNER, `grant ${TM} billing for 2h`);
    expect((await refusal(t.run("ty@acme.test", `ungrant ${TM} billing`))).code).toBe("FORBIDDEN");
    expect(changed(await t.run(OWNER, `ungrant ${TM} billing`))).toMatchObject({ kind: "grant.ended" });
    expect(await holds(t, TM, "billing")).toBe(false);
    await t.run(OWNER, `grant ${TM} billing for 2h`);
    expect(changed(await t.run(TM, `ungrant ${TM} billing`))).toMatchObject({ kind: "grant.ended" });
    expect(await holds(t, TM, "billing")).toBe(false);
  });

  it("grants lists your own; everyone's for holders of Team Settings", async () => {
    const t = await team();
    await t.run(OWNER, `grant ${TM} billing for 2h`);
    const mine = await t.run(TM, "grants");
    expect(mine).toMatchObject({ type: "grants", grants: { all: null } });
    if (mine.type !== "grants") throw new Error(mine.type);
    expect(mine.grants.mine.map((g) => [g.memberEmail, g.permission])).toEqual([[TM, "billing"]]);

    const admin = await t.run(ADMIN, "grants");
    expect(admin).toMatchObject({ grants: { mine: [], all: null } });
    await t.run(OWNER, "perms grant admin team_settings");
    expect(await t.run(ADMIN, "grants")).toMatchObject({ grants: { all: [{ memberEmail: TM }] } });
    expect(await t.run(OWNER, "grants")).toMatchObject({ grants: { mine: [], all: [{ memberEmail: TM }] } });

    t.clock.advanceHours(2);
    expect(await t.run(OWNER, "grants")).toMatchObject({ grants: { all: [] } });
  });
});

describe("four-eyes (rule 9)", () => {
  const OWNER2 = "owner2@acme.test";
  const twoOwners = async () => {
    const t = await team([...MEMBERS, { email: OWNER2, role: "owner" }]);
    return t;
  };
  const roleOf = async (t: Team, email: string) => (await t.core.whoami(t.seeded.as(email))).role;

  it("with it on, an Owner's making of an Owner waits for a second Owner", async () => {
    const t = await twoOwners();
    expect(changed(await t.run(OWNER, "settings four-eyes on"))).toMatchObject({
      changed: true,
      kind: "setting.changed",
      setting: "four_eyes",
      value: true,
    });
    const held = filed(await t.run(OWNER, `role ${ADMIN} owner`));
    expect(held.fourEyes).toBe(true);
    expect(await roleOf(t, ADMIN)).toBe("admin");
    expect((await refusal(t.run(OWNER, `approve ${held.request.id}`))).code).toBe("SELF_APPROVAL");
    expect(await t.run(OWNER2, `approve ${held.request.id}`)).toMatchObject({ outcome: { applied: true } });
    expect(await roleOf(t, ADMIN)).toBe("owner");
  });

  it("a grant of Team Settings waits too; one of Billing does not", async () => {
    const t = await twoOwners();
    await t.run(OWNER, "settings four-eyes on");
    expect(filed(await t.run(OWNER, `grant ${TM} team_settings for 1h`)).fourEyes).toBe(true);
    expect(changed(await t.run(OWNER, `grant ${TM} billing for 1h`)).kind).toBe("grant.started");
  });

  it("with it off, the same change applies at once", async () => {
    const t = await twoOwners();
    expect(changed(await t.run(OWNER, `role ${ADMIN} owner`))).toMatchObject({
      changed: true,
      member: { role: "owner" },
    });
  });

  it("with two Owners, turning it off is itself a request the other Owner approves", async () => {
    const t = await twoOwners();
    await t.run(OWNER, "settings four-eyes on");
    const held = filed(await t.run(OWNER, "settings four-eyes off"));
    expect(held.fourEyes).toBe(true);
    expect(await t.run(OWNER, "settings")).toMatchObject({ fourEyes: true });
    expect((await refusal(t.run(OWNER, `approve ${held.request.id}`))).code).toBe("SELF_APPROVAL");
    expect(await t.run(OWNER2, `approve ${held.request.id}`)).toMatchObject({ outcome: { applied: true } });
    expect(await t.run(OWNER, "settings")).toMatchObject({ fourEyes: false });
  });

  it("the only Owner is told a second one is needed, and can still turn four-eyes off", async () => {
    const t = await team();
    await t.run(OWNER, "settings four-eyes on");
    const held = await refusal(t.run(OWNER, `role ${ADMIN} owner`));
    expect(held).toMatchObject({
      code: "SECOND_OWNER_NEEDED",
      message: expect.stringContaining("you are the only one"),
    });
    expect(changed(await t.run(OWNER, "settings four-eyes off"))).toMatchObject({ changed: true });
    expect(changed(await t.run(OWNER, `role ${ADMIN} owner`))).toMatchObject({ member: { role: "owner" } });
  });

  it("only Owners turn it on or off, and turning it on twice changes nothing", async () => {
    const t = await team();
    await t.run(OWNER, "perms grant admin team_settings");
    expect((await refusal(t.run(ADMIN, "settings four-eyes on"))).code).toBe("FORBIDDEN");
    await t.run(OWNER, "settings four-eyes on");
    expect(changed(await t.run(OWNER, "settings four-eyes on"))).toMatchObject({ changed: false });
  });
});
