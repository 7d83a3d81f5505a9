import { shownDatabaseUrl } from "../config.js";
import type { AccessCore, ActorContext } from "../core/index.js";

export const DEMO_TEAM = "T0DEMO";
export const DEMO_OWNER = "owner@acme.test";

/** The tour README shows, command by command; a refusal's comment starts with its code. */
const TOUR: readonly (readonly [command: string, comment?: string])[] = [
  ["--as owner@acme.test whoami", "your role and your permissions"],
  ["--as owner@acme.test list", "the team, with invite state"],
  ["--as owner@acme.test perms", "the permission matrix"],
  ["--as owner@acme.test add bob@acme.test admin Bob Stone"],
  ["--as ada@acme.test list", "FORBIDDEN: Admins lack Team Settings by default"],
  ["--as owner@acme.test perms grant admin team_settings"],
  ["--as ada@acme.test role tom@acme.test admin", "RANK_TOO_LOW: Admins only hand out lower roles"],
  ["--as ada@acme.test remove tom@acme.test", "allowed now: Tom ranks below Ada"],
  ["--as owner@acme.test role owner@acme.test admin", "OWN_ROLE: nobody changes their own role"],
  ["activate bob@acme.test", "operator verb: skip the email round trip"],
  ["--as owner@acme.test edit bob@acme.test --phone +447700900123 --role owner"],
  ["--as owner@acme.test audit 10", "the last 10 audit entries"],
  ["audit --format csv", "the whole log (json|csv|text)"],
  ["audit --verify", "check the hash chain"],
  ["backup data/backup.db", "an online, consistent copy"],
];

const tourLines = (team: string | null): string[] => {
  const lines = TOUR.map(([command, comment]) => ({
    line: `npx rolecall ${team ? `--team ${team} ` : ""}${command}`,
    comment,
  }));
  const width = Math.max(...lines.filter((l) => l.comment).map((l) => l.line.length));
  return lines.map(({ line, comment }) => `  ${comment ? `${line.padEnd(width)}  # ${comment}` : line}`);
};

/** The try-out as seeded: the tour's text, the account (null when the database holds others only) and its new key. */
export interface TryOut {
  text: string;
  accountId: string | null;
  /** The organisation API key, when this run created the account (it is shown only then). */
  apiKey: string | null;
}

/**
 * Seeds a try-out account on an empty database (once), and shows the tour. A database that holds
 * someone's own accounts is left alone: the try-out would make every command there need --team.
 */
export const runDemo = async (core: AccessCore, url: string): Promise<string> =>
  (await seedTryOut(core, url)).text;

export const seedTryOut = async (core: AccessCore, url: string): Promise<TryOut> => {
  const databaseUrl = shownDatabaseUrl(url);
  const accounts = await core.operator.listAccounts();
  if (accounts.length > 0 && !accounts.some((a) => a.slackTeamId === DEMO_TEAM)) {
    const text = [
      `${databaseUrl} holds other accounts (${accounts.map((a) => a.slackTeamId).join(", ")}), so no try-out account was added to it.`,
      "For the try-out, use a database of its own, e.g.:",
      "  DATABASE_URL=data/try-out.db npx rolecall demo",
    ].join("\n");
    return { text, accountId: null, apiKey: null };
  }
  const lines: string[] = [];
  let accountId = accounts.find((a) => a.slackTeamId === DEMO_TEAM)?.id ?? null;
  let apiKey: string | null = null;
  if (accounts.length === 0) {
    const created = await core.createAccount({
      slackTeamId: DEMO_TEAM,
      name: "Acme Messaging",
      ownerEmail: DEMO_OWNER,
    });
    const owner: ActorContext = {
      accountId: created.account.id,
      actor: { email: DEMO_OWNER },
      source: "cli",
    };
    accountId = created.account.id;
    apiKey = created.apiKey;
    await core.editMember(owner, { email: DEMO_OWNER }, { name: "Olivia Owner" });
    await core.addMember(owner, { email: "ada@acme.test", role: "admin", name: "Ada Admin" });
    await core.activate(created.account.id, "ada@acme.test");
    await core.addMember(owner, { email: "tom@acme.test", role: "teammate", name: "Tom Teammate" });
    await core.activate(created.account.id, "tom@acme.test");
    await core.addMember(owner, { email: "ivy@acme.test", role: "teammate", name: "Ivy Invited" });
    lines.push(
      `Created the try-out account "Acme Messaging" (${DEMO_TEAM}) in ${databaseUrl}:`,
      "  Olivia Owner <owner@acme.test> (Owner), Ada Admin <ada@acme.test> (Admin),",
      "  Tom Teammate <tom@acme.test> (Teammate), and a pending invite for ivy@acme.test.",
      `  Its organisation API key, shown only now: ${created.apiKey}`,
    );
  } else {
    lines.push(`${databaseUrl} already holds the try-out account; nothing was created.`);
  }
  const several = accounts.length > 1;
  lines.push(
    "",
    several
      ? `The tour (this database holds other accounts too, so each command names the try-out's with --team ${DEMO_TEAM}):`
      : "The tour: act as the owner and as the others with --as.",
    ...tourLines(several ? DEMO_TEAM : null),
  );
  return { text: lines.join("\n"), accountId, apiKey };
};
