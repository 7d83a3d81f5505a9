import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  busy,
  DatabaseUnavailableError,
  ERROR_CODES,
  type ErrorCode,
  REFUSAL_CODE,
} from "../../src/core/errors.js";
import type { RefusalReason } from "../../src/core/refusals.js";
import { IDS } from "../../src/slack/ids.js";
import { blockProblems } from "../helpers/block-kit-limits.js";
import { setFourEyes } from "../helpers/core.js";
import {
  buttonsOf,
  ERROR_CODE_PATTERN,
  type Harness,
  messageText,
  PEOPLE,
  type Person,
  startHarness,
} from "../helpers/slack-harness.js";
import { blockAction, openedView, text, viewSubmission } from "../helpers/slack-payloads.js";
import { postSigned, slashCommandBody } from "../helpers/slack-requests.js";

/**
 * Every refusal Slack can show says what is wrong and what to do in words, and never shows a stable
 * code (`RANK_TOO_LOW`): those stay with the CLI's --json and the API. The table is over every
 * ErrorCode, so a new code must either be driven here through the real app or be marked unreachable
 * from Slack with the reason — and the reason is checked against where the code is raised.
 */

let h: Harness;
let running: Harness | null = null;
const start = async () => {
  h = await startHarness();
  running = h;
};
afterEach(async () => {
  await running?.stop();
  running = null;
});

type Message = { text?: string; blocks?: unknown[] };

const slash = async (person: Person, words: string): Promise<Message> => {
  const r = await h.slash(person, words);
  expect(r.http.status).toBe(200);
  return (r.message ?? (await h.responseTo(r.responseId))) as Message;
};

const click = async (person: Person, action_id: string, value: string): Promise<Message> => {
  const b = blockAction(h.fake, { action_id, value });
  expect((await h.interact(person, b.payload)).status).toBe(200);
  return (await h.responseTo(b.responseId)) as Message;
};

/** Files a request from Slack and returns its id, as the requester was shown it. */
const fileRequest = async (person: Person, change: string): Promise<string> => {
  const shown = messageText(await slash(person, `request ${change}`));
  const id = /request \*(R[A-Z0-9]{6})\*/.exec(shown)?.[1];
  if (!id) throw new Error(`no request filed: ${shown}`);
  return id;
};

type Row =
  | {
      /** Drives the refusal through the real app and returns the message the person sees. */
      drive: () => Promise<Message>;
      /** The sentence (or its start) the person reads. */
      says: string;
    }
  | {
      unreachable: string;
      /** Every file that raises the code; a new raise site elsewhere must be driven here instead. */
      raisedOnlyIn: string[];
    };

const INVITE_PAGE_ONLY =
  "only the invite page (GET and POST /invites/{token}) reads invite tokens; no Slack surface does";

const REFUSALS = {
  NOT_A_MEMBER: {
    drive: () => slash("stranger", "whoami"),
    says: "You are not a member of this team (Slack knows you as stranger@elsewhere.test). Ask an Owner to invite you.",
  },
  NOT_ACTIVE: {
    drive: () => slash("invited", "whoami"),
    says: "You have not accepted your invite yet. Open the link in your invite email to join the team",
  },
  FORBIDDEN: {
    drive: () => slash("teammate", "list"),
    says: "You need the Team Settings permission to see the team, and Teammates don't have it. Ask an Owner if you need it.",
  },
  RANK_TOO_LOW: {
    drive: async () => {
      await slash("owner", "perms grant admin team_settings");
      return slash("admin", "role tm@acme.test admin");
    },
    says: "As an Admin you can make people Teammates only; only an Owner can make someone an Admin.",
  },
  OWN_ROLE: {
    drive: () => slash("owner", "role owner@acme.test admin"),
    says: "Nobody can change their own role. Ask another Owner to change yours.",
  },
  LAST_OWNER: {
    drive: async () => {
      await slash("owner", "role owner2@acme.test teammate");
      return slash("admin", "request remove owner@acme.test");
    },
    says: "The team must always keep an active Owner, and this would leave it with none. Make someone else an Owner first.",
  },
  ALREADY_MEMBER: {
    drive: () => slash("owner", "add tm@acme.test"),
    says: "tm@acme.test is already a member of this team. Change their role or details instead.",
  },
  NO_SUCH_MEMBER: {
    drive: () => slash("owner", "role nobody@acme.test admin"),
    says: "nobody@acme.test is not a member of this team. Check the address, or invite them first.",
  },
  INVALID_INPUT: {
    drive: () => slash("owner", "launch rockets"),
    says: 'There is no "launch" command. Try "help" for the list.',
  },
  INVITE_INVALID: {
    unreachable: INVITE_PAGE_ONLY,
    raisedOnlyIn: ["src/core/decide/invites.ts", "src/core/invites.ts"],
  },
  INVITE_EXPIRED: { unreachable: INVITE_PAGE_ONLY, raisedOnlyIn: ["src/core/decide/invites.ts"] },
  INVITE_USED: { unreachable: INVITE_PAGE_ONLY, raisedOnlyIn: ["src/core/decide/invites.ts"] },
  REQUEST_CLOSED: {
    drive: async () => {
      const id = await fileRequest("admin", "role tm@acme.test admin");
      await slash("admin", `cancel ${id}`);
      return click("owner", IDS.actions.requestApprove, id);
    },
    says: "This request was already cancelled by admin@acme.test.",
  },
  SELF_APPROVAL: {
    drive: async () => slash("owner2", `approve ${await fileRequest("owner2", "role tm@acme.test admin")}`),
    says: "You cannot decide your own request; another Owner must.",
  },
  SECOND_OWNER_NEEDED: {
    drive: async () => {
      await slash("owner", "role owner2@acme.test admin");
      await setFourEyes(h.running.core, h.as("owner"), true);
      return slash("owner", "role tm@acme.test owner");
    },
    says: "Four-eyes is on, so this change needs a second active Owner to approve it, and you are the only one: nobody can approve it yet.",
  },
  GRANT_TOO_LONG: {
    drive: async () => {
      await h.running.core.change(h.as("owner"), {
        kind: "grant.start",
        member: { email: PEOPLE.admin.email },
        permission: "team_settings",
        minutes: 60,
        reason: null,
      });
      const b = blockAction(h.fake, {
        action_id: IDS.actions.grantExtend,
        value: JSON.stringify({ permission: "team_settings" }),
      });
      expect((await h.interact("admin", b.payload)).status).toBe(200);
      const view = await openedView(h.fake, b.payload.trigger_id);
      const submitted = await h.interact("admin", viewSubmission(view, { duration: text("4d") }));
      // A form's refusal is shown on its field: that text is what the person reads.
      const errors = (JSON.parse(submitted.text) as { errors: Record<string, string> }).errors;
      return { text: errors.duration ?? "", blocks: [] };
    },
    says: "Temporary access lasts at most 3 days from now. Ask for a shorter time",
  },
  NO_SUCH_GRANT: {
    drive: () => click("admin", IDS.actions.grantExtend, JSON.stringify({ permission: "team_settings" })),
    says: "You have no temporary Team Settings right now. Ask for new access instead: /team access",
  },
  NOT_INSTALLED: {
    drive: async () => {
      const responseId = randomUUID();
      const body = slashCommandBody({
        text: "whoami",
        userId: PEOPLE.owner.id,
        teamId: "T0NOWHERE",
        responseUrl: h.fake.responseUrl(responseId),
        triggerId: `trigger-${randomUUID()}`,
      });
      const reply = await postSigned(h.base, body, "application/x-www-form-urlencoded");
      return (reply.text ? JSON.parse(reply.text) : await h.responseTo(responseId)) as Message;
    },
    says: "Rolecall is not set up for this Slack workspace. Ask a workspace admin to install it.",
  },
  // The real causes (a queue too long, a database gone) are driven in busy-accounts and outage
  // tests; here only the words Slack shows for them.
  BUSY: {
    drive: () => {
      vi.spyOn(h.running.core, "change").mockRejectedValueOnce(busy());
      return slash("owner", "add new@acme.test");
    },
    says: "Many changes are being made to this team right now; nothing was changed. Please try again in a moment.",
  },
  UNAVAILABLE: {
    drive: () => {
      vi.spyOn(h.running.core, "change").mockRejectedValueOnce(new DatabaseUnavailableError());
      return slash("owner", "add new@acme.test");
    },
    says: "The database is not answering right now; nothing was changed.",
  },
} satisfies Record<ErrorCode, Row>;

describe("every refusal Slack can show is in words, with no error code", () => {
  it.each(ERROR_CODES.filter((code) => "drive" in REFUSALS[code]))("%s", async (code) => {
    const row = REFUSALS[code] as Extract<Row, { drive: unknown }>;
    await start();
    const message = await row.drive();
    expect(message.text).toContain(row.says);
    // Neither the notification text nor any block (buttons and their values included) shows a code.
    expect(message.text ?? "").not.toMatch(ERROR_CODE_PATTERN);
    expect(messageText(message.blocks)).not.toMatch(ERROR_CODE_PATTERN);
    expect(messageText(message)).not.toContain("went wrong on our side");
    expect(blockProblems("message", message.blocks)).toEqual([]);
  });
});

/**
 * Where each code is raised, by file under src/ and commands/: a refusal is raised where its reason
 * is named (`reason: "invite_used"`, or either side of a `? "…" : "…"` choosing one), and its code is
 * the reason's. The union's own file and the words say every reason, and raise none.
 */
const raisedIn = (): Map<string, Set<string>> => {
  const root = resolve(import.meta.dirname, "../..");
  const found = new Map<string, Set<string>>();
  for (const dir of ["src", "commands"]) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      const path = join(entry.parentPath, entry.name);
      const file = relative(root, path);
      if (file === join("src", "core", "refusals.ts") || file.startsWith(join("src", "words"))) continue;
      const text = readFileSync(path, "utf8");
      const named = [
        ...text.matchAll(/reason: "([a-z_]+)"/g),
        ...text.matchAll(/\? "([a-z_]+)" : "([a-z_]+)"/g),
      ].flatMap(([, ...names]) => names);
      for (const reason of named) {
        if (!reason || !Object.hasOwn(REFUSAL_CODE, reason)) continue;
        const code = REFUSAL_CODE[reason as RefusalReason];
        const files = found.get(code) ?? new Set();
        files.add(file);
        found.set(code, files);
      }
    }
  }
  return found;
};

describe("the codes Slack never shows are unreachable from it for the reason given", () => {
  const unreachable = ERROR_CODES.filter((code) => "unreachable" in REFUSALS[code]);
  it.each(unreachable)("%s is raised only where the reason says", (code) => {
    const row = REFUSALS[code] as Extract<Row, { unreachable: unknown }>;
    expect(row.unreachable.length).toBeGreaterThan(20);
    expect([...(raisedIn().get(code) ?? [])].sort()).toEqual([...row.raisedOnlyIn].sort());
  });

  it("every code raised anywhere is in the table (and so is driven or explained)", () => {
    for (const code of raisedIn().keys()) expect(ERROR_CODES).toContain(code);
  });
});

describe("Ask an Owner says exactly what it will ask", () => {
  it("the refusal shows the request in words beside the button, and the filed request says the same", async () => {
    await start();
    await slash("owner", "settings approvals <#C0APPROVE|approvals>");
    await slash("owner", "perms grant admin team_settings");
    const refused = await slash("admin", "role tm@acme.test admin");
    const [, offer] = (refused.blocks ?? []) as { text?: { text: string }; accessory?: unknown }[];
    expect(offer?.text?.text).toContain("Ask an Owner to make tm@acme.test an Admin?");
    const ask = buttonsOf(refused).find((b) => b.action_id === IDS.actions.requestAsk);
    expect(offer?.accessory).toEqual(ask);
    expect(ask?.text.text).toBe("Ask an Owner");

    const filed = await click("admin", IDS.actions.requestAsk, ask?.value ?? "");
    expect(messageText(filed)).toMatch(
      /Your request \*R[A-Z0-9]{6}\* to make tm@acme\.test an Admin was sent to the Owners/,
    );
    expect(messageText(filed)).not.toMatch(ERROR_CODE_PATTERN);
    expect(
      h.fake
        .callsTo("chat.postMessage")
        .some((c) => messageText(c.args).includes("tm@acme.test: Teammate → Admin.")),
    ).toBe(true);
  });

  it("a change asked for with a mention names the member by mention", async () => {
    await start();
    const refused = await slash("teammate", "remove <@U0ADMIN|admin>");
    const [, offer] = (refused.blocks ?? []) as { text?: { text: string } }[];
    expect(offer?.text?.text).toContain("Ask an Owner to remove <@U0ADMIN> from the team?");
  });

  it("is not offered when no Owner could grant it: your own role", async () => {
    await start();
    const refused = await slash("owner", "role owner@acme.test admin");
    expect(refused.text).toContain("Nobody can change their own role. Ask another Owner to change yours.");
    expect(buttonsOf(refused)).toEqual([]);
  });
});
