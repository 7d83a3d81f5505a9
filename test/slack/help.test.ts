import { afterAll, beforeAll, expect, it } from "vitest";
import { type Harness, messageText, type Person, startHarness } from "../helpers/slack-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.slash("owner", "perms grant admin team_settings");
});
afterAll(() => h.stop());

/** The subcommands `/team help` lists for this person. */
const listed = async (who: Person) => {
  const r = await h.slash(who, "help");
  const text = messageText(r.message ?? (await h.responseTo(r.responseId)));
  return [...text.matchAll(/`\/team (\w+)/g)].map((m) => m[1]);
};

const ALL = [
  "help",
  "whoami",
  "perms",
  "apikey",
  "list",
  "add",
  "edit",
  "role",
  "remove",
  "resend",
  "revoke",
  "audit",
  "settings",
  "grant",
  "ungrant",
  "grants",
  "access",
  "request",
  "requests",
  "approve",
  "reject",
  "cancel",
];

it.each([
  ["owner", ALL],
  // Team Settings, but an Admin can hand out only Teammate: no role changes, no decisions, no grants.
  ["admin", ALL.filter((c) => !["role", "approve", "reject", "grant"].includes(c))],
  [
    "teammate",
    [
      "help",
      "whoami",
      "perms",
      "apikey",
      "settings",
      "grants",
      "ungrant",
      "access",
      "request",
      "requests",
      "cancel",
    ],
  ],
  ["invited", ["help"]],
  ["stranger", ["help"]],
] as const)("%s is shown only the commands they can run, grouped", async (who, expected) => {
  expect((await listed(who)).sort()).toEqual([...expected].sort());
});

it("help is grouped: Everyday, then Managing the team, then Requests", async () => {
  const r = await h.slash("owner", "help");
  const text = messageText(r.message ?? (await h.responseTo(r.responseId)));
  const order = ["*Everyday*", "*Managing the team*", "*Requests*"].map((t) => text.indexOf(t));
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
});
