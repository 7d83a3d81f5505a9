import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { EXIT_CODE, EXIT_REFUSED } from "../../src/cli/exit-codes.js";
import type { ErrorCode } from "../../src/core/errors.js";
import type { PermissionKey } from "../../src/core/permissions.js";
import { TokenCipher } from "../../src/slack/token-cipher.js";
import { LATEST_SCHEMA_VERSION } from "../../src/store/migrations/index.js";
import { json, rolecall, tempDatabase } from "../helpers/cli.js";
import { TEST_ENGINE } from "../helpers/database.js";
import { HIDDEN_SAMPLES } from "../helpers/hidden-characters.js";
import { install } from "../helpers/installations.js";
import { allowAuditTampering, setSchemaVersion, sql, sqlValue } from "../helpers/sql.js";
import { openCore, seedTeam } from "../helpers/team.js";

let db = "";
let dir = "";
let cleanup = async () => {};
beforeEach(async () => {
  ({ db, dir, cleanup } = await tempDatabase());
});
afterEach(() => cleanup());

const OWNER = "owner@acme.test";
const init = () => {
  const run = rolecall(db, [
    "init",
    "--slack-team",
    "T0ACME",
    "--account",
    "Acme",
    "Inc",
    "--owner",
    OWNER,
    "--json",
  ]);
  expect(run.code).toBe(0);
  return json<{ ok: boolean; apiKey: string }>(run);
};
const as = (email: string, ...words: string[]) => rolecall(db, ["--as", email, ...words, "--json"]);
const errorOf = (run: ReturnType<typeof rolecall>) =>
  json<{ error: { code: string; message: string } }>(run).error;
const auditCount = () => sqlValue<number>(db, "SELECT CAST(count(*) AS INTEGER) AS n FROM audit_log");

/** Seeds the file in this process (the same core the binary runs), so each test spawns only what it tests. */
const seedFile = async (members: Parameters<typeof seedTeam>[1], adminGrants: PermissionKey[] = []) => {
  const wired = await openCore(db);
  const seeded = await seedTeam(wired.core, members, OWNER);
  for (const permission of adminGrants) {
    await wired.core.setPermission(seeded.as(OWNER), { role: "admin", permission, allowed: true });
  }
  await wired.close();
};

describe("rolecall init", () => {
  it("creates the account and its first active owner, and shows the API key once", async () => {
    const created = init();
    expect(created.apiKey).toMatch(/^rc_[A-Za-z0-9_-]{43}$/);
    expect(json(as(OWNER, "whoami"))).toMatchObject({ email: OWNER, role: "owner", status: "active" });
    expect(JSON.stringify(await sql(db, "SELECT * FROM accounts"))).not.toContain(created.apiKey);
    const text = rolecall(db, ["init", "--slack-team", "T0ACME", "--account", "Again", "--owner", OWNER]);
    expect(text.code).not.toBe(0);
    expect(text.stderr).toContain("already exists");
  });

  it("names what is missing", () => {
    const run = rolecall(db, ["init", "--account", "Acme", "--owner", OWNER]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--slack-team is required");
  });
});

describe("the README tour", () => {
  it("adds, lists, shows permissions, changes a role, removes, and audits", () => {
    init();
    expect(as(OWNER, "add", "bob@acme.test", "admin", "Bob", "Stone").code).toBe(0);
    expect(as(OWNER, "add", "<mailto:cy@acme.test|cy@acme.test>").code).toBe(0);
    const list = json<{ members: { email: string; name: string | null; role: string; status: string }[] }>(
      as(OWNER, "list"),
    );
    expect(list.members.map(({ email, name, role, status }) => ({ email, name, role, status }))).toEqual([
      { email: OWNER, name: null, role: "owner", status: "active" },
      { email: "bob@acme.test", name: "Bob Stone", role: "admin", status: "invited" },
      { email: "cy@acme.test", name: null, role: "teammate", status: "invited" },
    ]);
    expect(json(as(OWNER, "list", "admin", "invited")).members).toHaveLength(1);

    expect(rolecall(db, ["activate", "bob@acme.test", "--json"]).code).toBe(0);
    const whoami = json<{ role: string; permissions: string[] }>(as("bob@acme.test", "whoami"));
    expect(whoami).toMatchObject({
      email: "bob@acme.test",
      name: "Bob Stone",
      role: "admin",
      status: "active",
    });
    expect(whoami.permissions).not.toContain("team_settings");

    const perms = json<{ matrix: Record<string, string[]> }>(as(OWNER, "perms"));
    expect(Object.keys(perms.matrix)).toEqual(["owner", "admin", "teammate"]);
    expect(perms.matrix.owner).toHaveLength(8);
    expect(json(as(OWNER, "perms", "grant", "admin", "team_settings"))).toMatchObject({
      ok: true,
      changed: true,
    });
    expect(json(as(OWNER, "perms"))).toMatchObject({
      matrix: { admin: expect.arrayContaining(["team_settings"]) },
    });

    expect(json(as(OWNER, "role", "bob@acme.test", "owner"))).toMatchObject({
      ok: true,
      kind: "member.edited",
      member: { role: "owner" },
    });
    expect(json(as(OWNER, "edit", "bob@acme.test", "--phone", "+447700900123"))).toMatchObject({ ok: true });
    expect(json(as(OWNER, "remove", "cy@acme.test"))).toMatchObject({ ok: true });

    const audit = json<{ at: string; actor: string; source: string; action: string; target: string }[]>(
      rolecall(db, ["audit", "--format", "json"]),
    );
    expect(audit.map((e) => e.action)).toEqual([
      "account.created",
      "member.added",
      "member.added",
      "invite.sent",
      "member.added",
      "invite.sent",
      "member.activated",
      "permission.granted",
      "member.role_changed",
      "member.edited",
      "member.removed",
    ]);
    expect(audit.at(-1)).toMatchObject({ actor: OWNER, source: "cli", target: "cy@acme.test" });
    const csv = rolecall(db, ["audit", "--format", "csv"]).stdout.trim().split("\n");
    expect(csv[0]).toBe("seq,at,actor,source,action,target,before,after,request_id");
    expect(csv).toHaveLength(audit.length + 1);
    expect(json(as(OWNER, "audit", "3"))).toHaveLength(3);
    expect(rolecall(db, ["audit", "--verify"]).stdout).toContain(`intact (${audit.length} entries)`);
  });

  it("prints readable text without --json", () => {
    init();
    const run = rolecall(db, ["--as", OWNER, "whoami"]);
    expect(run.stdout).toContain("Owner (active) on Acme Inc");
    expect(rolecall(db, ["--as", OWNER, "help"]).stdout).toContain("role <member> <owner|admin|teammate>");
  });

  it("help is grouped as in Slack: Everyday, Managing the team, Requests", () => {
    init();
    const help = rolecall(db, ["--as", OWNER, "help"]).stdout;
    const at = ["Everyday:", "Managing the team:", "Requests:"].map((title) => help.indexOf(title));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(help.indexOf("  list [owner")).toBeGreaterThan(at[1] ?? 0);
  });
});

describe("a change says what changed, in the same words Slack uses", () => {
  it("an edit names each field before → after, a toggle its cell, a removal of the invited a cancelled invite", async () => {
    await seedFile([
      { email: "tm@acme.test", role: "teammate" },
      { email: "inv@acme.test", role: "teammate", status: "invited" },
    ]);
    const say = (...words: string[]) => {
      const run = rolecall(db, ["--as", OWNER, ...words]);
      expect(run.code).toBe(0);
      return run.stdout.trim();
    };
    expect(say("edit", "tm@acme.test", "--phone", "+447700900123")).toBe(
      "tm@acme.test's phone is now +447700900123.",
    );
    expect(say("edit", "tm@acme.test", "--name", "Tom", "--phone", "none")).toBe(
      "tm@acme.test's name is now Tom; phone cleared (was +447700900123).",
    );
    expect(say("role", "tm@acme.test", "admin")).toBe("tm@acme.test is now an Admin (was a Teammate).");
    expect(say("perms", "revoke", "teammate", "billing")).toBe("Teammates can no longer use Billing.");
    expect(say("remove", "inv@acme.test")).toBe(
      "Cancelled the invite for inv@acme.test; the link in their email no longer works.",
    );
    expect(say("remove", "tm@acme.test")).toBe("Removed tm@acme.test from the team.");
  });

  it("--json carries the same facts, typed", async () => {
    await seedFile([{ email: "tm@acme.test", role: "teammate" }]);
    expect(json(as(OWNER, "edit", "tm@acme.test", "--name", "Tom", "--role", "admin"))).toMatchObject({
      ok: true,
      kind: "member.edited",
      message: "tm@acme.test's name is now Tom; role is now Admin (was Teammate).",
      fields: { name: { before: null, after: "Tom" }, role: { before: "teammate", after: "admin" } },
    });
    expect(json(as(OWNER, "perms", "grant", "teammate", "team_settings"))).toMatchObject({
      cells: [{ role: "teammate", permission: "team_settings", allowed: true }],
    });
  });
});

describe("every rule through the CLI", () => {
  beforeEach(async () => {
    await seedFile(
      [
        { email: "admin@acme.test", role: "admin" },
        { email: "tm@acme.test", role: "teammate" },
        { email: "pending@acme.test", role: "teammate", status: "invited" },
      ],
      ["team_settings", "access_permissions"],
    );
  });

  it.each([
    ["a stranger", ["stranger@acme.test", "list"], "NOT_A_MEMBER", /not a member of this team/],
    ["an invited member", ["pending@acme.test", "whoami"], "NOT_ACTIVE", /not accepted your invite/],
    ["a teammate listing the team", ["tm@acme.test", "list"], "FORBIDDEN", /Team Settings permission/],
    [
      "an admin changing an owner",
      ["admin@acme.test", "role", OWNER, "teammate"],
      "RANK_TOO_LOW",
      /Only Owners can/,
    ],
    [
      "an admin making an admin",
      ["admin@acme.test", "role", "tm@acme.test", "admin"],
      "RANK_TOO_LOW",
      /only an Owner can make someone an Admin/,
    ],
    [
      "an admin changing admins' permissions",
      ["admin@acme.test", "perms", "grant", "admin", "billing"],
      "RANK_TOO_LOW",
      /ask an Owner to change what Admins may do/,
    ],
    [
      "anyone changing the owner column",
      [OWNER, "perms", "revoke", "owner", "billing"],
      "FORBIDDEN",
      /nobody can change what Owners may do/,
    ],
    ["an owner demoting themselves", [OWNER, "role", OWNER, "admin"], "OWN_ROLE", /own role/],
    ["an owner removing themselves", [OWNER, "remove", OWNER], "OWN_ROLE", /remove themselves/],
    ["inviting a member twice", [OWNER, "add", "TM@acme.test"], "ALREADY_MEMBER", /already a member/],
    ["acting on nobody", [OWNER, "role", "ghost@acme.test", "admin"], "NO_SUCH_MEMBER", /not a member/],
    [
      "an admin setting the approvals channel",
      ["admin@acme.test", "settings", "approvals", "C0APPROVE"],
      "FORBIDDEN",
      /Only Owners/,
    ],
  ])("%s → %s", async (_label, [email, ...words], code, message) => {
    const before = await auditCount();
    const run = as(email as string, ...(words as string[]));
    expect(run.code).toBe(EXIT_CODE[code as ErrorCode]);
    expect(errorOf(run).code).toBe(code);
    expect(errorOf(run).message).toMatch(message);
    expect(await auditCount()).toBe(before);
  });

  it("an admin holding team_settings manages teammates", () => {
    expect(as("admin@acme.test", "remove", "tm@acme.test").code).toBe(0);
    expect(as("admin@acme.test", "revoke", "pending@acme.test").code).toBe(0);
    expect(json<{ members: unknown[] }>(as(OWNER, "list")).members).toHaveLength(2);
  });

  it("a refusal without --json goes to stderr with its code", () => {
    const run = rolecall(db, ["--as", "tm@acme.test", "list"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^FORBIDDEN: /);
  });
});

describe("bad input is INVALID_INPUT, exits non-zero and writes nothing", () => {
  const TEN_KB = "x".repeat(10_240);
  it.each([
    ["a malformed email", ["add", "not-an-email"]],
    ["an email with spaces inside", ["add", "bob smith@acme.test"]],
    [
      "an unknown role",
      ["add", "bob@acme.test", "--phone", "+447700900123", "--name", "Bob", "--role", "boss"],
    ],
    ["an unknown role to assign", ["role", "tm@acme.test", "superuser"]],
    ["an unknown permission", ["perms", "grant", "admin", "launch_rockets"]],
    ["a 10 KB name", ["add", "bob@acme.test", "teammate", TEN_KB]],
    ["a name with control characters", ["add", "bob@acme.test", "teammate", "Bob\u0007\u001b[31mRed"]],
    ["a name with a newline", ["edit", OWNER, "--name", "Line\nBreak"]],
    ["a name with a bidi override", ["add", "bob@acme.test", "teammate", "Bob\u202enimda"]],
    ["a name with a bidi isolate", ["edit", OWNER, "--name", "Olivia\u2066Owner\u2069"]],
    ["a name with a zero-width space", ["add", "bob@acme.test", "teammate", "Bo\u200bb"]],
    ["a name with a zero-width joiner", ["edit", OWNER, "--name", "Oli\u200dvia"]],
    ["a name with a word joiner", ["add", "bob@acme.test", "teammate", "Bob\u2060Stone"]],
    ["a name with a byte-order mark inside", ["add", "bob@acme.test", "teammate", "Bob\ufeffStone"]],
    ["a name with a right-to-left mark", ["add", "bob@acme.test", "teammate", "Bob\u200fStone"]],
    ["a name with an Arabic letter mark", ["edit", OWNER, "--name", "Oli\u061cvia"]],
    ["a name that is a Hangul filler (looks blank)", ["add", "bob@acme.test", "teammate", "\u3164"]],
    ["a name with a soft hyphen", ["edit", OWNER, "--name", "Oli\u00advia"]],
    // PRODUCT §1 by category: what a fixed list let through (argv carries no NUL, and turns a lone
    // surrogate into U+FFFD; the API and Slack take those, test/http/hostile-input.test.ts).
    ...HIDDEN_SAMPLES.slice(0, 9).map(([label, c]): [string, string[]] => [
      `a name with ${label}`,
      ["add", "bob@acme.test", "teammate", `Bob${c}Stone`],
    ]),
    ["a name with a private-use character", ["edit", OWNER, "--name", "Oli\ue000via"]],
    ["a name with an unassigned code point", ["edit", OWNER, "--name", "Oli\u0378via"]],
    [
      "a grant's reason with a tag character",
      ["grant", "tm@acme.test", "billing", "for", "1h", "on\u{E0001}call"],
    ],
    ["a bad phone number", ["edit", OWNER, "--phone", "0123"]],
    ["an unknown subcommand", ["launch"]],
    ["extra words", ["whoami", "please"]],
    ["an unknown option", ["list", "--everything"]],
    ["an audit count that is not a number", ["audit", "lots"]],
    ["a settings value that is not a channel", ["settings", "approvals", "general"]],
  ])("%s", async (_label, words) => {
    await seedFile([{ email: "tm@acme.test", role: "teammate" }]);
    const before = await auditCount();
    const dump = async () => JSON.stringify(await sql(db, "SELECT * FROM members ORDER BY id"));
    const members = await dump();
    const run = as(OWNER, ...words);
    expect(run.code).toBe(2);
    expect(errorOf(run).code).toBe("INVALID_INPUT");
    expect(errorOf(run).message.length).toBeGreaterThan(10);
    expect(await dump()).toBe(members);
    expect(await auditCount()).toBe(before);
  });

  it("a bad environment variable is named", () => {
    const run = rolecall(db, ["--as", OWNER, "whoami"], { INVITE_TTL_HOURS: "soon" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("INVITE_TTL_HOURS");
  });
});

describe("operator verbs", () => {
  it("--team is needed once the database holds two accounts", () => {
    init();
    rolecall(db, ["init", "--slack-team", "T0OTHER", "--account", "Other", "--owner", "boss@other.test"]);
    expect(errorOf(as(OWNER, "whoami")).message).toContain("--team");
    expect(
      json(rolecall(db, ["--team", "T0OTHER", "--as", "boss@other.test", "whoami", "--json"])),
    ).toMatchObject({
      role: "owner",
    });
    expect(errorOf(rolecall(db, ["--team", "T0OTHER", "--as", OWNER, "whoami", "--json"])).code).toBe(
      "NOT_A_MEMBER",
    );
    // A --team with no account is the same fact Slack reports for an unknown workspace.
    expect(errorOf(rolecall(db, ["--team", "T0NOWHERE", "--as", OWNER, "whoami", "--json"]))).toMatchObject({
      code: "NOT_INSTALLED",
      message: expect.stringContaining("rolecall init --slack-team T0NOWHERE"),
    });
  });

  it("audit --verify exits non-zero and names the entry edited behind its back", async () => {
    init();
    as(OWNER, "add", "bob@acme.test", "admin");
    await allowAuditTampering(db);
    await sql(db, "UPDATE audit_log SET actor = 'someone-else@acme.test' WHERE seq = 3");
    const run = rolecall(db, ["audit", "--verify"]);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain("broken at entry #3");
  });

  it("backup writes a consistent SQLite copy that opens as a Rolecall database; on PostgreSQL it names pg_dump", () => {
    init();
    as(OWNER, "add", "bob@acme.test", "admin");
    const copy = join(dir, "copy.db");
    const run = rolecall(db, ["backup", copy]);
    if (TEST_ENGINE === "postgres") {
      expect(run.code).toBe(EXIT_CODE.INVALID_INPUT);
      expect(run.stderr).toContain("pg_dump");
      expect(existsSync(copy)).toBe(false);
      return;
    }
    expect(run.code).toBe(0);
    expect(existsSync(copy)).toBe(true);
    expect(json(rolecall(copy, ["--as", OWNER, "list", "--json"])).members).toHaveLength(2);
    expect(rolecall(copy, ["audit", "--verify"]).code).toBe(0);
  });

  it("a database from the future is refused with a clear message", async () => {
    init();
    await setSchemaVersion(db, 99);
    const run = rolecall(db, ["--as", OWNER, "whoami"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("newer Rolecall");
  });

  it("migrate brings an empty database to the latest schema, says from which version to which, then finds nothing to do", () => {
    const first = rolecall(db, ["migrate", "--json"]);
    expect(first.code).toBe(0);
    expect(json(first)).toEqual({
      ok: true,
      engine: TEST_ENGINE,
      from: 0,
      to: LATEST_SCHEMA_VERSION,
      applied: LATEST_SCHEMA_VERSION,
    });
    const again = rolecall(db, ["migrate"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `is at schema version ${LATEST_SCHEMA_VERSION}, the latest; nothing to do`,
    );
    init();
    expect(as(OWNER, "whoami").code).toBe(0);
  });

  it("a team command without --as says how to name yourself", () => {
    init();
    const run = rolecall(db, ["list"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--as");
  });
});

describe("rolecall account delete", () => {
  const lastHash = () => {
    const log = json<{ hash: string }[]>(rolecall(db, ["audit", "--format", "json"]));
    return { entries: log.length, head: log.at(-1)?.hash };
  };

  it("in a script refuses without --yes, saying what would go; with --yes deletes it and prints the digest", async () => {
    init();
    as(OWNER, "add", "bob@acme.test", "admin");
    const refused = rolecall(db, ["account", "delete", "T0ACME"]);
    expect(refused.code).toBe(EXIT_CODE.INVALID_INPUT);
    expect(refused.stderr).toContain("Acme Inc (Slack team T0ACME)");
    expect(refused.stderr).toContain("2 members");
    expect(refused.stderr).toContain("Nothing was deleted");
    expect(refused.stderr).toContain("--yes");
    expect(as(OWNER, "whoami").code).toBe(0);

    const { entries, head } = lastHash();
    const deleted = rolecall(db, ["account", "delete", "T0ACME", "--yes", "--json"]);
    expect(deleted.code).toBe(0);
    expect(json(deleted)).toEqual({
      ok: true,
      deleted: {
        accountId: expect.any(String),
        slackTeamId: "T0ACME",
        name: "Acme Inc",
        deletedAt: expect.any(String),
        auditEntries: entries,
        auditHead: head,
      },
      stillInstalledInSlack: false,
    });
    expect(await sqlValue(db, "SELECT CAST(count(*) AS INTEGER) AS n FROM members")).toBe(0);
    expect(await auditCount()).toBe(0);
    expect(errorOf(as(OWNER, "whoami")).message).toContain("No account exists yet");
  });

  it("an account still installed in Slack, or org-wide (E…), is deleted too, and the operator told to remove the app in Slack", async () => {
    const wired = await openCore(db);
    const cipher = new TokenCipher(randomBytes(32));
    await install(wired, "T0BETA", cipher);
    await install(wired, "E0GRID", cipher, {
      teamId: null,
      enterpriseId: "E0GRID",
      isEnterpriseInstall: true,
    });
    await wired.close();
    const beta = rolecall(db, ["account", "delete", "T0BETA", "--yes"]);
    expect(beta.code).toBe(0);
    expect(beta.stdout).toContain("still installed in Slack");
    const grid = rolecall(db, ["account", "delete", "E0GRID", "--yes", "--json"]);
    expect(json(grid)).toMatchObject({
      ok: true,
      deleted: { slackTeamId: "E0GRID" },
      stillInstalledInSlack: true,
    });
    expect(await sqlValue(db, "SELECT CAST(count(*) AS INTEGER) AS n FROM installations")).toBe(0);
  });

  it("names a team with no account, and says how it is used", () => {
    init();
    expect(errorOf(rolecall(db, ["account", "delete", "T0NOWHERE", "--yes", "--json"]))).toEqual({
      code: "INVALID_INPUT",
      message: "No account for Slack team T0NOWHERE.",
    });
    const usage = rolecall(db, ["account", "remove", "T0ACME"]);
    expect(usage.code).toBe(EXIT_CODE.INVALID_INPUT);
    expect(usage.stderr).toContain("Usage: rolecall account delete <TEAM_ID> [--yes]");
    expect(rolecall(db, ["--help"]).stdout).toContain("rolecall account delete <TEAM_ID> [--yes]");
    expect(as(OWNER, "whoami").code).toBe(0);
  });

  it("at a terminal asks for the team id, and deletes only when it is typed", async () => {
    init();
    const at = (answer: string) => {
      const io = { out: [] as string[], err: [] as string[], asked: [] as string[] };
      const run = runCli(
        ["account", "delete", "T0ACME"],
        { ...process.env, DATABASE_URL: db },
        {
          out: (text) => io.out.push(text),
          err: (text) => io.err.push(text),
          ask: async (question) => {
            io.asked.push(question);
            return answer;
          },
        },
      );
      return run.then((code) => ({ code, ...io }));
    };
    const wrong = await at("T0ACM");
    expect(wrong.code).toBe(EXIT_REFUSED);
    expect(wrong.err.join("\n")).toContain("1 member, 2 audit entries");
    expect(wrong.asked).toEqual(["Type T0ACME to delete it: "]);
    expect(wrong.err.at(-1)).toBe("Not confirmed (the team id was not typed); nothing was deleted.");
    expect(as(OWNER, "whoami").code).toBe(0);

    const typed = await at(" T0ACME\n");
    expect(typed.code).toBe(0);
    expect(typed.out.join("\n")).toMatch(
      /^Deleted the account Acme Inc \(Slack team T0ACME\)\. Kept its digest: 2 audit entries, last hash [0-9a-f]{64}\.$/,
    );
    expect(await sqlValue(db, "SELECT CAST(count(*) AS INTEGER) AS n FROM accounts")).toBe(0);
  });
});

describe("a request for a change that would change nothing is refused, and nothing is filed", () => {
  const ADMIN = "ada@acme.test";
  const team = () =>
    seedFile([
      { email: ADMIN, role: "admin" },
      { email: "tm@acme.test", role: "teammate" },
      { email: "gone@acme.test", role: "teammate", status: "removed" },
    ]);
  const filedCount = () => sqlValue<number>(db, "SELECT CAST(count(*) AS INTEGER) AS n FROM change_requests");

  it.each([
    [
      "a permission the role already has",
      ["perms", "grant", "admin", "export_users"],
      "INVALID_INPUT",
      "Nothing to ask for: Admins already have Export Users.",
    ],
    [
      "a permission the role already lacks",
      ["perms", "revoke", "teammate", "team_settings"],
      "INVALID_INPUT",
      "Nothing to ask for: Teammates already lack Team Settings.",
    ],
    [
      "the role they already have",
      ["role", "tm@acme.test", "teammate"],
      "INVALID_INPUT",
      "Nothing to ask for: tm@acme.test is already a Teammate.",
    ],
    [
      "an edit to what is already so",
      ["edit", "tm@acme.test", "--role", "teammate"],
      "INVALID_INPUT",
      "tm@acme.test is already a Teammate",
    ],
    [
      "clearing a name and phone that are not set",
      ["edit", "tm@acme.test", "--name", "none", "--phone", "none"],
      "INVALID_INPUT",
      "Nothing to ask for: tm@acme.test already has that name and phone.",
    ],
    [
      "the approvals setting as it is",
      ["settings", "approvals", "none"],
      "INVALID_INPUT",
      "change requests already go to the Owners by direct message",
    ],
    [
      "removing a removed member",
      ["remove", "gone@acme.test"],
      "NO_SUCH_MEMBER",
      "gone@acme.test is not a member",
    ],
    ["resending to someone who joined", ["resend", "tm@acme.test"], "INVALID_INPUT", "already joined"],
    ["inviting a member", ["add", "tm@acme.test"], "ALREADY_MEMBER", "already a member"],
  ])("%s", async (_label, change, code, message) => {
    await team();
    const run = as(ADMIN, "request", ...change);
    expect(errorOf(run).code).toBe(code);
    expect(errorOf(run).message).toContain(message);
    expect(await filedCount()).toBe(0);
  });

  it("a change that does something is still filed; a direct no-op by someone allowed still answers unchanged", async () => {
    await team();
    expect(json(as(ADMIN, "request", "perms", "grant", "admin", "team_settings"))).toMatchObject({
      ok: true,
    });
    expect(await filedCount()).toBe(1);
    const direct = as(OWNER, "perms", "grant", "admin", "export_users");
    expect(json(direct)).toMatchObject({ ok: true, changed: false });
    expect(rolecall(db, ["--as", OWNER, "role", "tm@acme.test", "teammate"]).stdout).toContain(
      "Nothing to change: tm@acme.test is already a Teammate.",
    );
  });

  it("someone who is not an active member learns that first, not what the team looks like", async () => {
    await team();
    expect(errorOf(as("stranger@acme.test", "request", "remove", "gone@acme.test")).code).toBe(
      "NOT_A_MEMBER",
    );
  });
});

describe("rolecall mail", () => {
  it("mail whose invite died before it went out is listed as skipped, not failed", () => {
    init();
    as(OWNER, "add", "replaced@acme.test");
    as(OWNER, "resend", "replaced@acme.test");
    as(OWNER, "add", "joined@acme.test");
    rolecall(db, ["activate", "joined@acme.test"]);
    as(OWNER, "add", "revoked@acme.test");
    as(OWNER, "revoke", "revoked@acme.test");
    const sent = rolecall(db, ["mail", "send", "--json"]);
    expect(json(sent)).toMatchObject({ sent: 1, failed: 0, skipped: 3 });
    expect(sent.code).toBe(0);
    const rows = json<{ mail: { to: string; status: string; lastError: string | null }[] }>(
      rolecall(db, ["mail", "list", "--json"]),
    ).mail;
    expect(rows.map((r) => [r.to, r.status])).toEqual([
      ["replaced@acme.test", "skipped"],
      ["replaced@acme.test", "sent"],
      ["joined@acme.test", "skipped"],
      ["revoked@acme.test", "skipped"],
    ]);
    const text = rolecall(db, ["mail", "list"]).stdout;
    expect(text).toMatch(/^skipped +invite +joined@acme\.test/m);
    expect(text).not.toMatch(/^failed/m);
  });
});
