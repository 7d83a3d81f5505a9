import { describe, expect, it } from "vitest";
import { cliDoor } from "../../src/cli/render.js";
import { ERROR_CODES, REFUSAL_CODE } from "../../src/core/errors.js";
import type { Refusal } from "../../src/core/refusals.js";
import { slackDoor, slackTextDoor } from "../../src/slack/format.js";
import { REFUSAL_WORDS, refusalWords } from "../../src/words/en/refusals.js";
import { type Door, plainDoor } from "../../src/words/format.js";
import { allRefusalSamples, REFUSAL_SAMPLES } from "../helpers/refusals.js";

/**
 * The refusal words, walked whole: every reason (the samples are keyed by the union, so a new
 * reason fails to compile until it has one) on every door. Each door says each refusal in its own
 * syntax: `/team` only in Slack, `rolecall` only on the command line, mentions only in Slack.
 */

const DOORS: Door[] = [slackDoor, slackTextDoor, cliDoor, plainDoor];
const CASES = allRefusalSamples().flatMap((refusal) =>
  DOORS.map((door) => ({
    refusal,
    door,
    label: `${refusal.reason} ${JSON.stringify(refusal).slice(0, 60)} on ${door.name}${door.fmt === slackDoor.fmt ? "" : " (plain)"}`,
  })),
);

describe("every refusal, on every door", () => {
  it("every reason has words and a sample, and every code has a reason", () => {
    expect(Object.keys(REFUSAL_WORDS).sort()).toEqual(Object.keys(REFUSAL_CODE).sort());
    expect(Object.keys(REFUSAL_SAMPLES).sort()).toEqual(Object.keys(REFUSAL_CODE).sort());
    const coded = new Set(Object.values(REFUSAL_CODE));
    expect(ERROR_CODES.filter((code) => !coded.has(code))).toEqual([]);
  });

  it.each(CASES)("$label", ({ refusal, door }: { refusal: Refusal; door: Door }) => {
    const said = refusalWords(refusal, door);
    expect(said.trim().length).toBeGreaterThan(10);
    // No placeholder left unfilled, no value missing.
    expect(said).not.toMatch(/undefined|null|NaN|\[object|\$\{/);
    for (const code of ERROR_CODES) expect(said).not.toMatch(new RegExp(`\\b${code}\\b`)); // codes stay with --json and the API
    if (door.name !== "slack") expect(said).not.toContain("/team");
    if (door.name !== "cli") expect(said).not.toMatch(/\brolecall\b/);
    if (door !== slackDoor) {
      if (door.name !== "slack") expect(said).not.toMatch(/<[@#]/); // mentions and channel links are Slack's
      expect(said).not.toMatch(/&(lt|gt|amp);/);
    }
  });

  it("in Slack, user text is escaped and a member named by Slack user is mentioned", () => {
    expect(
      refusalWords({ reason: "already_member", email: "<!channel>*x*@acme.test" }, slackDoor),
    ).not.toContain("<!channel>");
    expect(refusalWords({ reason: "no_such_member", member: { slackUserId: "U0NOBODY" } }, slackDoor)).toBe(
      "<@U0NOBODY> is not a member of this team. Invite them first.",
    );
    expect(refusalWords({ reason: "no_such_member", member: { slackUserId: "U0NOBODY" } }, plainDoor)).toBe(
      "the Slack user U0NOBODY is not a member of this team. Invite them first.",
    );
  });

  it("a sentence that says what to type names the door's own command", () => {
    const grant = { reason: "owners_only_grant" } as const;
    expect(refusalWords(grant, slackDoor)).toBe(
      "Only Owners can grant temporary access. Ask for it yourself with /team access &lt;permission&gt; for &lt;duration&gt;, or ask an Owner.",
    );
    expect(refusalWords(grant, slackTextDoor)).toBe(
      "Only Owners can grant temporary access. Ask for it yourself with /team access <permission> for <duration>, or ask an Owner.",
    );
    expect(refusalWords(grant, cliDoor)).toBe(
      "Only Owners can grant temporary access. Ask for it yourself with rolecall --as <email> access <permission> for <duration>, or ask an Owner.",
    );
    expect(refusalWords(grant, plainDoor)).toBe(
      "Only Owners can grant temporary access. Ask the Owners for it yourself, or ask an Owner.",
    );
    const noGrant = { reason: "no_such_grant", email: null, permission: "team_settings" } as const;
    expect(refusalWords(noGrant, slackTextDoor)).toBe(
      "You have no temporary Team Settings right now. Ask for new access instead: /team access team_settings for <duration>.",
    );
    expect(refusalWords(noGrant, cliDoor)).toContain(
      "instead: rolecall --as <email> access team_settings for <duration>.",
    );
    expect(refusalWords(noGrant, plainDoor)).toBe(
      "You have no temporary Team Settings right now. Ask for new access instead.",
    );
  });

  it("a request closed early says why, in the words it was closed with", () => {
    expect(refusalWords({ reason: "request_closed_because", outcome: "it was old." }, plainDoor)).toBe(
      "This request was closed: it was old.",
    );
  });
});
