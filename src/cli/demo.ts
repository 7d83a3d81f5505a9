import type { AccessCore, ActorContext } from "../core/access-core.js";

export const DEMO_TEAM = "T0DEMO";
export const DEMO_OWNER = "owner@acme.test";

/** Seeds a try-out account on an empty database (once), and says what to try next. */
export const runDemo = (core: AccessCore, databaseUrl: string): string => {
  const lines: string[] = [];
  if (core.store.listAccounts().length === 0) {
    const created = core.createAccount({
      slackTeamId: DEMO_TEAM,
      name: "Acme Messaging",
      ownerEmail: DEMO_OWNER,
    });
    const owner: ActorContext = {
      accountId: created.account.id,
      actor: { email: DEMO_OWNER },
      source: "cli",
    };
    core.editMember(owner, { email: DEMO_OWNER }, { name: "Olivia Owner" });
    core.addMember(owner, { email: "ada@acme.test", role: "admin", name: "Ada Admin" });
    core.activate(created.account.id, "ada@acme.test");
    core.addMember(owner, { email: "tom@acme.test", role: "teammate", name: "Tom Teammate" });
    core.activate(created.account.id, "tom@acme.test");
    core.addMember(owner, { email: "ivy@acme.test", role: "teammate", name: "Ivy Invited" });
    lines.push(
      `Created the try-out account "Acme Messaging" in ${databaseUrl}:`,
      "  Olivia Owner <owner@acme.test> (Owner), Ada Admin <ada@acme.test> (Admin),",
      "  Tom Teammate <tom@acme.test> (Teammate), and a pending invite for ivy@acme.test.",
      `  Its organisation API key, shown only now: ${created.apiKey}`,
    );
  } else {
    lines.push(`${databaseUrl} already holds an account; nothing was created.`);
  }
  lines.push(
    "",
    "Try, as the owner and as the others:",
    "  npx rolecall --as owner@acme.test list",
    "  npx rolecall --as owner@acme.test perms",
    "  npx rolecall --as owner@acme.test add bob@acme.test admin Bob Stone",
    "  npx rolecall --as ada@acme.test role tom@acme.test admin        # refused: Admins lack Team Settings",
    "  npx rolecall --as owner@acme.test perms grant admin team_settings",
    "  npx rolecall --as ada@acme.test role owner@acme.test teammate  # refused: only Owners change an Owner",
    "  npx rolecall audit --verify",
  );
  return lines.join("\n");
};
