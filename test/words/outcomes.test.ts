import { describe, expect, it } from "vitest";
import {
  type AlreadySo,
  type ChangeResult,
  type MemberAbout,
  made,
  RESULT_KINDS,
  type ResultKind,
  type ResultOf,
  unchanged,
} from "../../src/core/outcomes.js";
import { slackFormatter } from "../../src/slack/format.js";
import {
  ALREADY_SO,
  alreadySo,
  nothingToChangeWords,
  OUTCOMES,
  outcomeJson,
  outcomeSentence,
  SLACK_OUTCOMES,
} from "../../src/words/en/outcomes.js";
import { plainFormatter } from "../../src/words/format.js";

/**
 * Every result kind, worded for every door: Slack (mrkdwn, people by mention, times in the reader's
 * zone), the CLI (plain text, times in UTC words from now) and JSON (the facts, the sentence as
 * `message`). The samples are a record over the kinds, so a new kind fails to compile here until it
 * has one — and fails in src/words/en/outcomes.ts until it is worded.
 */

const tom: MemberAbout = {
  email: "tom@acme.test",
  name: "Tom",
  slackUserId: "U0TOM",
  role: "teammate",
  status: "active",
};
const UNTIL = "2026-03-02T14:30:00.000Z";
const NOW = new Date("2026-03-02T12:30:00.000Z");

/** What already holds, one of each. */
const ALREADY: { [O in AlreadySo["of"]]: Extract<AlreadySo, { of: O }> } = {
  member: { of: "member", member: tom, asked: ["role"] },
  permission: { of: "permission", role: "admin", permission: "billing", allowed: true },
  permissions: { of: "permissions" },
  "grant.by_role": { of: "grant.by_role", member: tom, permission: "billing" },
  "grant.running": {
    of: "grant.running",
    member: tom,
    permission: "billing",
    until: UNTIL,
    asOf: NOW.toISOString(),
  },
  setting: { of: "setting", setting: "four_eyes", value: true },
  slack_link: { of: "slack_link", member: tom },
  "apikey.rotated": { of: "apikey.rotated", prefix: "rc_abcdefg" },
};

const SAMPLES: { [K in ResultKind]: ResultOf<K>[] } = {
  "member.added": [made("member.added", { member: { ...tom, status: "invited" } })],
  "member.edited": [
    made("member.edited", {
      member: { ...tom, role: "admin" },
      fields: { role: { before: "teammate", after: "admin" } },
    }),
    made("member.edited", { member: tom, fields: { phone: { before: null, after: "+447700900123" } } }),
  ],
  "member.removed": [
    made("member.removed", { member: tom }),
    made("member.removed", { member: { ...tom, status: "invited" } }),
  ],
  "invite.resent": [made("invite.resent", { member: { ...tom, status: "invited" } })],
  "invite.revoked": [made("invite.revoked", { member: { ...tom, status: "invited" } })],
  "member.activated": [made("member.activated", { member: tom })],
  "invite.accepted": [made("invite.accepted", { member: tom })],
  "member.slack_linked": [made("member.slack_linked", { member: tom })],
  "permissions.changed": [
    made("permissions.changed", { cells: [{ role: "admin", permission: "billing", allowed: true }] }),
  ],
  "setting.changed": [
    made("setting.changed", { setting: "four_eyes", value: true }),
    made("setting.changed", { setting: "four_eyes", value: false }),
    made("setting.changed", { setting: "approvals_channel", value: "C0APPROVE" }),
    made("setting.changed", { setting: "approvals_channel", value: null }),
  ],
  "apikey.rotated": [
    made("apikey.rotated", { prefix: "rc_abcdefg", oldKeyWorksUntil: null }),
    made("apikey.rotated", { prefix: "rc_abcdefg", oldKeyWorksUntil: UNTIL, apiKey: "rc_secret" }),
  ],
  "grant.started": [made("grant.started", { member: tom, permission: "export_users", until: UNTIL })],
  "grant.extended": [made("grant.extended", { member: tom, permission: "export_users", until: UNTIL })],
  "grant.ended": [made("grant.ended", { member: tom, permission: "export_users", until: UNTIL })],
  "request.filed": [made("request.filed", { requestId: "RABC234" })],
  unchanged: Object.values(ALREADY).map(unchanged),
};

const ALL: [ResultKind, ChangeResult][] = RESULT_KINDS.flatMap((kind) =>
  (SAMPLES[kind] as ChangeResult[]).map((r): [ResultKind, ChangeResult] => [kind, r]),
);

/** The kinds whose sentence names a member (Slack mentions them where they are linked). */
const namesMember = (r: ChangeResult) =>
  "member" in r &&
  !["member.added", "invite.resent", "invite.revoked", "member.slack_linked"].includes(r.kind) &&
  !(r.kind === "member.removed" && r.member.status === "invited");

describe("every result kind, for every door", () => {
  it("has words in every table and a sample here", () => {
    expect(Object.keys(OUTCOMES).sort()).toEqual([...RESULT_KINDS].sort());
    expect(Object.keys(SLACK_OUTCOMES).sort()).toEqual([...RESULT_KINDS].sort());
    for (const kind of RESULT_KINDS) expect(SAMPLES[kind].length).toBeGreaterThan(0);
  });

  it.each(ALL)("%s in Slack: mrkdwn, the member by mention, never a door's syntax", (_kind, result) => {
    const sentence = outcomeSentence(result, { fmt: slackFormatter }, SLACK_OUTCOMES);
    expect(sentence).toMatch(/\S.*[.]$/);
    expect(sentence).not.toMatch(/^Done\.$|\/team/);
    if (namesMember(result)) expect(sentence).toContain("<@U0TOM>");
  });

  it.each(ALL)("%s in the CLI: plain text, people by email, times in UTC words", (_kind, result) => {
    const sentence = outcomeSentence(result, { fmt: plainFormatter, now: NOW });
    expect(sentence).toMatch(/\S.*[.]$/);
    expect(sentence).not.toMatch(/^Done\.$|\/team|<@|<#|<!date/);
    if (namesMember(result)) expect(sentence).toContain("tom@acme.test");
  });

  it.each(ALL)("%s as JSON: ok, the kind and its facts, the sentence as message", (kind, result) => {
    const json = outcomeJson(result, NOW);
    expect(json).toMatchObject({ ok: true, changed: kind !== "unchanged", kind });
    expect(json.message).toBe(outcomeSentence(result, { fmt: plainFormatter, now: NOW }));
    // The new key of a rotation is shown by the rotation's own answer, once; never in a change's JSON.
    expect(JSON.stringify(json)).not.toContain("rc_secret");
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it("a grant's end: counted from now in a terminal, the reader's own time in Slack", () => {
    const started = SAMPLES["grant.started"][0] as ChangeResult;
    expect(outcomeSentence(started, { fmt: plainFormatter, now: NOW })).toBe(
      "tom@acme.test has Export Users until 14:30 UTC (ends by itself).",
    );
    expect(outcomeSentence(started, { fmt: slackFormatter }, SLACK_OUTCOMES)).toMatch(
      /^<@U0TOM> has Export Users until <!date\^\d+\^[^|]+\|[^>]+>\.$/,
    );
  });
});

describe("what already holds, for a change that would change nothing", () => {
  const member = (
    asked: ("name" | "phone" | "role")[],
    role: MemberAbout["role"] = "teammate",
  ): AlreadySo => ({
    of: "member",
    member: { ...tom, role },
    asked,
  });
  it.each<[AlreadySo, string]>([
    [member(["role"], "admin"), "tom@acme.test is already an Admin"],
    [member(["name"]), "tom@acme.test already has that name"],
    [member(["name", "phone"]), "tom@acme.test already has that name and phone"],
    [member([]), "tom@acme.test already has that name, phone and role"],
    [
      { of: "permission", role: "admin", permission: "billing", allowed: true },
      "Admins already have Billing",
    ],
    [
      { of: "permission", role: "teammate", permission: "billing", allowed: false },
      "Teammates already lack Billing",
    ],
    [{ of: "permissions" }, "the roles already have those permissions"],
    [
      { of: "setting", setting: "approvals_channel", value: null },
      "change requests already go to the Owners by direct message",
    ],
    [
      { of: "setting", setting: "approvals_channel", value: "C0APPROVE" },
      "change requests are already posted in C0APPROVE",
    ],
    [{ of: "setting", setting: "four_eyes", value: false }, "four-eyes is already off"],
    [{ of: "grant.by_role", member: tom, permission: "billing" }, "Teammates already have Billing"],
    [ALREADY["grant.running"], "tom@acme.test already has Billing until 14:30 UTC"],
  ])("%j → %s", (why, sentence) => {
    expect(alreadySo(why)).toBe(sentence);
  });

  it("shows typed text and channels the way the surface does", () => {
    const slack = { ...plainFormatter, text: (v: string) => `«${v}»`, channel: (id: string) => `<#${id}>` };
    expect(
      alreadySo({ of: "member", member: { ...tom, email: "a@b.co", role: "admin" }, asked: ["role"] }, slack),
    ).toBe("«a@b.co» is already an Admin");
    expect(alreadySo({ of: "setting", setting: "approvals_channel", value: "C0APPROVE" }, slack)).toBe(
      "change requests are already posted in <#C0APPROVE>",
    );
    expect(alreadySo({ of: "permission", role: "admin", permission: "billing", allowed: true }, slack)).toBe(
      "Admins already have «Billing»",
    );
  });

  it("every why is worded, and refused with it when asked for or approved", () => {
    for (const why of Object.values(ALREADY)) {
      expect(ALREADY_SO[why.of]).toBeTypeOf("function");
      expect(nothingToChangeWords(why, "ask")).toBe(`Nothing to ask for: ${alreadySo(why)}.`);
      expect(nothingToChangeWords(why, "approve")).toBe(`Nothing to change: ${alreadySo(why)}.`);
    }
  });
});
