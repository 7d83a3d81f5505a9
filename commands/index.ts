import type { Action } from "../src/core/authz.js";
import { CoreError } from "../src/core/errors.js";
import access from "./access.js";
import add from "./add.js";
import apikey from "./apikey.js";
import audit from "./audit.js";
import { approveCommand, cancelCommand, rejectCommand } from "./decide.js";
import edit from "./edit.js";
import grant from "./grant.js";
import grants from "./grants.js";
import { HELP_PLACES, helpCommand } from "./help.js";
import {
  type Command,
  type CommandContext,
  type CommandResult,
  type HelpEntry,
  parseCommandInput,
} from "./lib/command.js";
import list from "./list.js";
import perms from "./perms.js";
import remove from "./remove.js";
import { intentOfWords, requestableIntent, requestCommand } from "./request.js";
import requests from "./requests.js";
import resend from "./resend.js";
import revoke from "./revoke.js";
import role from "./role.js";
import settings from "./settings.js";
import ungrant from "./ungrant.js";
import whoami from "./whoami.js";

/** Every command's help entry, or only those a reader may run (`may`: member? which actions?). */
const usages = (may?: { member: boolean; allowed: ReadonlySet<Action> }): HelpEntry[] =>
  COMMANDS.flatMap(({ name, usage, summary }) => {
    const place = HELP_PLACES[name];
    if (!place) throw new Error(`The command ${name} has no place in help.`);
    const listed =
      !may ||
      place.needs === undefined ||
      (place.needs === "member" ? may.member : may.allowed.has(place.needs));
    return listed ? [{ usage, summary, group: place.group }] : [];
  });
const help = helpCommand(() => usages());

/**
 * Usage needs no actor: anyone may read it. With what the reader may do (null: not a member), it
 * lists only the commands they can run.
 */
export const helpResult = (allowed?: ReadonlySet<Action> | null): CommandResult =>
  allowed === undefined
    ? { type: "help", commands: usages(), forReader: false }
    : {
        type: "help",
        commands: usages({ member: allowed !== null, allowed: allowed ?? new Set() }),
        forReader: true,
      };

/** Every `/team` subcommand, in the order help lists them. */
export const COMMANDS: readonly Command[] = [
  help,
  whoami,
  list,
  add,
  edit,
  role,
  remove,
  resend,
  revoke,
  perms,
  audit,
  settings,
  grant,
  ungrant,
  grants,
  access,
  apikey,
  requestCommand(() => COMMANDS),
  requests,
  approveCommand,
  rejectCommand,
  cancelCommand,
];

export const findCommand = (name: string): Command | undefined =>
  COMMANDS.find((command) => command.name === name.toLowerCase());

/** Runs `/team <words…>` (or `rolecall --as … <words…>`) for one actor. */
export const runCommand = async (ctx: CommandContext, words: readonly string[]): Promise<CommandResult> => {
  const [name = "help", ...rest] = words;
  const command = findCommand(name);
  if (!command) {
    throw new CoreError({ reason: "no_such_command", name });
  }
  return command.run(ctx, parseCommandInput(command, rest));
};

/** The change a refusal of `/team <words…>` could ask the Owners for instead, if any. */
export const changeToAskFor = (ctx: CommandContext, words: readonly string[], refusal: unknown) =>
  requestableIntent(() => COMMANDS, ctx, words, refusal);

/** The typed change `/team <words…>` asks for (a change subcommand's words). */
export const intentOf = (words: readonly string[]) => intentOfWords(() => COMMANDS, words);

export type { CommandContext, CommandResult };
