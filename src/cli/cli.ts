import { graceHours } from "../../commands/apikey.js";
import { runCommand } from "../../commands/index.js";
import { splitFlags } from "../../commands/lib/tokens.js";
import { type Config, ConfigError, loadConfig } from "../config.js";
import { CoreError } from "../core/errors.js";
import type { AccessCore } from "../core/index.js";
import { parseInput } from "../core/input.js";
import { type Clock, systemClock } from "../core/ports.js";
import { createLogger } from "../log.js";
import { createMailer } from "../mailer.js";
import { DatabaseTooNewError } from "../shared/database-too-new.js";
import { reencryptInstallations } from "../shared/reencrypt.js";
import { TokenCipher } from "../shared/token-cipher.js";
import { type Wired, wireCore } from "../wiring.js";
import { plural } from "../words/en/common.js";
import { outcomeJson } from "../words/en/outcomes.js";
import { refusalWords } from "../words/en/refusals.js";
import { runDemo } from "./demo.js";
import { EXIT_BAD_INPUT, EXIT_CODE, EXIT_REFUSED } from "./exit-codes.js";
import {
  accountDeletedText,
  accountToDeleteText,
  auditCsv,
  auditJson,
  auditLine,
  cliDoor,
  renderJson,
  renderText,
} from "./render.js";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Asks a person at a terminal and resolves to what they typed; absent when no one is (a script, a pipe). */
  ask?(question: string): Promise<string>;
  /** The time everything the CLI builds reads (the core, the mail worker, a grant's end); a test's own clock. */
  clock?: Clock;
}

interface Globals {
  team?: string;
  as?: string;
  json: boolean;
  words: string[];
}

/** A refusal of the CLI's own words (its usage, its operator verbs), said as the CLI writes them. */
const cliRefusal = (issue: string): CoreError => new CoreError({ reason: "input_issue", issue });

const USAGE = `Usage:
  rolecall init --slack-team <TEAM_ID> --account <name> --owner <email> [--owner-slack-user <U…>]
  rolecall [--team <TEAM_ID>] --as <email> <subcommand…>      (rolecall --as <email> help lists them)
  rolecall activate <email>                                 mark an invited member active
  rolecall audit [--format text|json|csv] [--verify]        the whole audit log, or check its chain
  rolecall backup <file>                                    an online, consistent copy of a SQLite database
  rolecall migrate                                          bring the database's schema up to date
  rolecall account delete <TEAM_ID> [--yes]                 delete an account and all it holds (keeps a digest)
  rolecall reencrypt                                        seal every installation's Slack tokens under ROLECALL_ENCRYPTION_KEY
  rolecall mail send | mail list                            send due invite mail now / show the mail queue
  rolecall apikey rotate [--grace 24h]                      a new organisation API key (shown once)
  rolecall demo                                             a try-out account with a few members
Options: --json for machine-readable output; DATABASE_URL picks the database: a SQLite file
(default data/rolecall.db) or postgres://… for PostgreSQL.`;

const parseGlobals = (argv: readonly string[]): Globals => {
  const globals: Globals = { json: false, words: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--json") globals.json = true;
    else if (arg === "--team" || arg === "--as") {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--")) throw cliRefusal(`${arg} needs a value.`);
      if (arg === "--team") globals.team = value;
      else globals.as = value;
    } else break;
  }
  globals.words = argv.slice(i).filter((w) => {
    if (w !== "--json") return true;
    globals.json = true;
    return false;
  });
  return globals;
};

/** Takes `--name value` options out of a verb's words for the operator verbs. */
const takeOptions = (
  words: string[],
  names: readonly string[],
): { rest: string[]; options: Map<string, string> } => {
  const { positionals, flags } = splitFlags(words);
  const unknown = [...flags.keys()].filter((f) => !names.includes(f));
  if (unknown.length > 0) throw cliRefusal(`Unknown option --${unknown[0]}.\n${USAGE}`);
  return { rest: positionals, options: flags };
};

const requireOption = (options: Map<string, string>, name: string): string => {
  const value = options.get(name);
  if (!value) throw cliRefusal(`--${name} is required.\n${USAGE}`);
  return value;
};

export const runCli = async (argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> => {
  let json = argv.includes("--json");
  const print = (text: unknown, value: unknown) =>
    io.out(json ? JSON.stringify(value, null, 2) : String(text));
  try {
    const globals = parseGlobals(argv);
    json = globals.json;
    const [verb, ...rest] = globals.words;
    if (verb === undefined || verb === "--help" || (verb === "help" && !globals.as)) {
      io.out(USAGE);
      return 0;
    }
    const config = loadConfig(env);
    const clock = io.clock ?? systemClock;
    const wired = await wireCore(config, clock);
    try {
      const core = wired.core;
      if (verb === "init") {
        const { rest: extra, options } = takeOptions(rest, [
          "slack-team",
          "account",
          "owner",
          "owner-slack-user",
        ]);
        if (extra.length > 0) throw cliRefusal(`Unexpected words: ${extra.join(" ")}.\n${USAGE}`);
        const created = await core.createAccount({
          slackTeamId: requireOption(options, "slack-team"),
          name: requireOption(options, "account"),
          ownerEmail: requireOption(options, "owner"),
          ownerSlackUserId: options.get("owner-slack-user") ?? null,
        });
        const team = created.account.slackTeamId;
        const others = (await core.operator.listAccounts()).length - 1;
        print(
          `Created account ${created.account.name} (${team}) with Owner ${created.owner.email}.\n` +
            `Organisation API key — shown only now, keep it somewhere safe:\n  ${created.apiKey}\n` +
            (others > 0
              ? `This database holds ${others} other account${others === 1 ? "" : "s"} too, so name yours with --team ${team}, e.g.:\n` +
                `  npx rolecall --team ${team} --as ${created.owner.email} whoami`
              : `Next, try:\n  npx rolecall --as ${created.owner.email} whoami`),
          {
            ok: true,
            account: { name: created.account.name, slackTeamId: created.account.slackTeamId },
            owner: created.owner,
            apiKey: created.apiKey,
          },
        );
        return 0;
      }
      if (verb === "demo" && !globals.as) {
        io.out(await runDemo(core, config.DATABASE_URL));
        return 0;
      }
      if (verb === "migrate" && !globals.as) {
        const { from, to } = wired.schema;
        const applied = to - from;
        print(
          applied === 0
            ? `The ${wired.engine === "postgres" ? "PostgreSQL" : "SQLite"} database is at schema version ${to}, the latest; nothing to do.`
            : `Migrated the ${wired.engine === "postgres" ? "PostgreSQL" : "SQLite"} database from schema version ${from} to ${to} (${applied} migration${applied === 1 ? "" : "s"}).`,
          { ok: true, engine: wired.engine, from, to, applied },
        );
        return 0;
      }
      // Names its account by the team id it deletes, so --team and the one-account default never pick it.
      if (verb === "account" && !globals.as) return await accountVerb(core, rest, print, io);
      if (verb === "reencrypt" && !globals.as) return await reencryptVerb(config, wired, rest, print);
      const accountId = (await core.resolveAccount(globals.team)).id;
      if (verb === "audit") return await auditVerb(core, accountId, globals, rest, print, io);
      if (globals.as) {
        const result = await runCommand(
          { core, actor: { accountId, actor: { email: globals.as }, source: "cli" } },
          globals.words,
        );
        if (result.type === "form") {
          throw cliRefusal(
            result.form === "add"
              ? "Name the member to invite. Usage: add <email> [role] [full name…]"
              : "Say what to change: --name, --phone or --role.",
          );
        }
        print(renderText(result, clock.now()), renderJson(result));
        return 0;
      }
      if (verb === "activate") {
        const { rest: words } = takeOptions(rest, []);
        if (words.length !== 1) throw cliRefusal("Usage: rolecall activate <email>");
        const change = await core.activate(accountId, words[0]);
        print(`${change.member.email} is now active.`, outcomeJson(change));
        return 0;
      }
      if (verb === "mail") return await mailVerb(config, wired, clock, rest, print);
      if (verb === "apikey") {
        // Operator rotation (no --as): recovery when no member with the api_key permission can.
        const { rest: words, options } = takeOptions(rest, ["grace"]);
        if (words.length !== 1 || words[0] !== "rotate") {
          throw cliRefusal("Usage: rolecall apikey rotate [--grace 24h]");
        }
        const grace = options.get("grace");
        const hours = grace === undefined ? undefined : parseInput(graceHours, grace, "grace");
        const result = {
          type: "apikey_rotated" as const,
          rotated: await core.rotateApiKey({ accountId }, hours),
        };
        print(renderText(result, clock.now()), renderJson(result));
        return 0;
      }
      if (verb === "backup") {
        const { rest: words } = takeOptions(rest, []);
        if (words.length !== 1 || !words[0]) throw cliRefusal("Usage: rolecall backup <file>");
        await wired.backup(words[0]);
        print(`Backed up to ${words[0]}.`, { ok: true, file: words[0] });
        return 0;
      }
      throw cliRefusal(
        `"${verb}" is a team command: say who you are, e.g. rolecall --as you@example.com ${verb}.\n${USAGE}`,
      );
    } finally {
      await wired.close();
    }
  } catch (error) {
    return reportError(error, json, io);
  }
};

const auditVerb = async (
  core: AccessCore,
  accountId: string,
  globals: Globals,
  words: string[],
  print: (text: unknown, value: unknown) => void,
  io: Io,
): Promise<number> => {
  const { rest, options } = takeOptions(words, ["format", "verify"]);
  if (options.has("verify")) {
    if (options.get("verify")) throw cliRefusal("--verify takes no value.");
    const check = await core.verifyAudit(accountId);
    if (check.ok) {
      print(`The audit chain is intact (${check.entries} entries).`, check);
      return 0;
    }
    print(`The audit chain is broken at entry #${check.brokenAt}: ${check.reason}.`, check);
    return 3;
  }
  const format = options.get("format") ?? (globals.json ? "json" : "text");
  if (!["text", "json", "csv"].includes(format)) {
    throw cliRefusal("--format is one of text, json, csv.");
  }
  let entries: Awaited<ReturnType<AccessCore["fullAuditLog"]>>;
  if (globals.as) {
    const result = await runCommand(
      { core, actor: { accountId, actor: { email: globals.as }, source: "cli" } },
      ["audit", ...rest],
    );
    entries = result.type === "audit" ? result.entries : [];
  } else {
    if (rest.length > 0) throw cliRefusal("Usage: rolecall audit [--format text|json|csv] [--verify]");
    entries = await core.fullAuditLog(accountId);
  }
  if (format === "json") io.out(JSON.stringify(entries.map(auditJson), null, 2));
  else if (format === "csv") io.out(auditCsv(entries));
  else io.out(entries.length === 0 ? "The audit log is empty." : entries.map(auditLine).join("\n"));
  return 0;
};

const ACCOUNT_USAGE = "Usage: rolecall account delete <TEAM_ID> [--yes]";

/**
 * `account delete`: says what goes, then asks the person at the terminal to type the team id. A
 * script has no one to ask, so it must say --yes; without it nothing is deleted.
 */
const accountVerb = async (
  core: AccessCore,
  words: string[],
  print: (text: unknown, value: unknown) => void,
  io: Io,
): Promise<number> => {
  const { rest, options } = takeOptions(words, ["yes"]);
  const [action, team, ...extra] = rest;
  if (action !== "delete" || team === undefined || extra.length > 0) throw cliRefusal(ACCOUNT_USAGE);
  if (options.get("yes")) throw cliRefusal(`--yes takes no value. ${ACCOUNT_USAGE}`);
  const doomed = await core.operator.accountToDelete(team);
  if (!options.has("yes")) {
    if (!io.ask)
      throw cliRefusal(
        `${accountToDeleteText(doomed)}\nNothing was deleted: there is no terminal to confirm at. In a script, add --yes.`,
      );
    io.err(accountToDeleteText(doomed));
    const typed = await io.ask(`Type ${doomed.account.slackTeamId} to delete it: `);
    if (typed.trim() !== doomed.account.slackTeamId) {
      io.err("Not confirmed (the team id was not typed); nothing was deleted.");
      return EXIT_REFUSED;
    }
  }
  const digest = await core.deleteAccount(team, doomed.account.id);
  const slackToo = doomed.installed
    ? " It was still installed in Slack: remove Rolecall from that workspace there too."
    : "";
  print(`${accountDeletedText(digest)}${slackToo}`, {
    ok: true,
    deleted: digest,
    stillInstalledInSlack: doomed.installed,
  });
  return 0;
};

const mailVerb = async (
  config: Config,
  wired: Wired,
  clock: Clock,
  words: string[],
  print: (text: unknown, value: unknown) => void,
): Promise<number> => {
  const { rest } = takeOptions(words, []);
  if (rest[0] === "list" && rest.length === 1) {
    const rows = (await wired.store.listMail()).map((m) => ({
      id: m.id,
      kind: m.mail.kind,
      to: m.recipient,
      status: m.status,
      attempts: m.attempts,
      nextAttemptAt: m.status === "queued" ? m.nextAttemptAt : null,
      sentAt: m.sentAt,
      lastError: m.lastError,
    }));
    const text =
      rows.length === 0
        ? "The mail queue is empty."
        : rows
            .map(
              (r) =>
                `${r.status.padEnd(7)}  ${r.kind.padEnd(12)}  ${r.to}  attempts ${r.attempts}${r.lastError ? `  (${r.lastError})` : ""}`,
            )
            .join("\n");
    print(text, { mail: rows });
    return 0;
  }
  if (rest[0] === "send" && rest.length === 1) {
    const logger = createLogger(config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL);
    const { worker, transport } = createMailer(config, { store: wired.store, clock, logger });
    try {
      const report = await worker.sendDue();
      print(
        `Sent ${report.sent}, to retry ${report.retried}, failed ${report.failed}, skipped ${report.skipped} (via ${transport.describe}).`,
        report,
      );
      return report.failed > 0 ? 1 : 0;
    } finally {
      transport.close();
    }
  }
  throw cliRefusal("Usage: rolecall mail send | rolecall mail list");
};

/** The last step of a key rotation: every installation's tokens sealed under the current key. */
const reencryptVerb = async (
  config: Config,
  wired: Wired,
  words: string[],
  print: (text: unknown, value: unknown) => void,
): Promise<number> => {
  if (takeOptions(words, []).rest.length > 0) throw cliRefusal("Usage: rolecall reencrypt");
  // The configuration has checked both keys' form; here the current one must be there.
  if (!config.ROLECALL_ENCRYPTION_KEY) {
    throw cliRefusal(
      "ROLECALL_ENCRYPTION_KEY is not set: rolecall reencrypt seals every installation's Slack tokens under it. " +
        "Set it to the new key, and ROLECALL_ENCRYPTION_KEY_PREVIOUS to the key they were sealed under.",
    );
  }
  const cipher = TokenCipher.fromBase64(
    config.ROLECALL_ENCRYPTION_KEY,
    config.ROLECALL_ENCRYPTION_KEY_PREVIOUS,
  );
  const { reencrypted, current, failures } = await reencryptInstallations(wired.store, cipher);
  const done = `Re-encrypted ${plural(reencrypted, "installation")} under the current key; ${current} already ${current === 1 ? "was" : "were"}.`;
  if (failures.length > 0) {
    throw cliRefusal(
      `${plural(failures.length, "installation")} could not be re-encrypted:\n` +
        failures.map((f) => `  ${f.key}: ${f.reason}`).join("\n") +
        `\n${done} Keep ROLECALL_ENCRYPTION_KEY_PREVIOUS, fix the above and run rolecall reencrypt again.`,
    );
  }
  print(
    `${done}${config.ROLECALL_ENCRYPTION_KEY_PREVIOUS ? " ROLECALL_ENCRYPTION_KEY_PREVIOUS can now be removed." : ""}`,
    { ok: true, reencrypted, current },
  );
  return 0;
};

const reportError = (error: unknown, json: boolean, io: Io): number => {
  let code = "INTERNAL";
  let message = error instanceof Error ? error.message : String(error);
  let exit = 70;
  if (error instanceof CoreError) {
    code = error.code;
    message = refusalWords(error.refusal, cliDoor);
    exit = EXIT_CODE[error.code];
  } else if (error instanceof ConfigError) {
    code = "INVALID_INPUT";
    exit = EXIT_BAD_INPUT;
  } else if (error instanceof DatabaseTooNewError) {
    code = "DATABASE_TOO_NEW";
    exit = EXIT_REFUSED;
  } else if (error instanceof Error && "code" in error && String(error.code).startsWith("SQLITE_")) {
    code = String(error.code);
    message = `The database could not be used: ${message}`;
    exit = EXIT_REFUSED;
  }
  if (json) io.out(JSON.stringify({ error: { code, message } }, null, 2));
  else io.err(`${code === "INTERNAL" ? "Unexpected error" : code}: ${message}`);
  return exit;
};
