import { CoreError } from "../src/core/errors.js";
import add from "./add.js";
import apikey from "./apikey.js";
import audit from "./audit.js";
import { approveCommand, cancelCommand, rejectCommand } from "./decide.js";
import edit from "./edit.js";
import { helpCommand } from "./help.js";
import { type Command, type CommandContext, type CommandResult, parseCommandInput } from "./lib/command.js";
import list from "./list.js";
import perms from "./perms.js";
import remove from "./remove.js";
import { intentOfWords, requestableIntent, requestCommand } from "./request.js";
import requests from "./requests.js";
import resend from "./resend.js";
import revoke from "./revoke.js";
import role from "./role.js";
import settings from "./settings.js";
import whoami from "./whoami.js";

const usages = () => COMMANDS.map(({ usage, summary }) => ({ usage, summary }));
const help = helpCommand(usages);

/** Usage needs no actor: anyone may read it, member or not. */
export const helpResult = (): CommandResult => ({ type: "help", commands: usages() });

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
export const runCommand = (ctx: CommandContext, words: readonly string[]): CommandResult => {
  const [name = "help", ...rest] = words;
  const command = findCommand(name);
  if (!command) {
    throw new CoreError("INVALID_INPUT", `There is no "${name}" command. Try "help" for the list.`);
  }
  return command.run(ctx, parseCommandInput(command, rest));
};

/** The change a refusal of `/team <words…>` could ask the Owners for instead, if any. */
export const changeToAskFor = (ctx: CommandContext, words: readonly string[], refusal: unknown) =>
  requestableIntent(() => COMMANDS, ctx, words, refusal);

/** The typed change `/team <words…>` asks for (a change subcommand's words). */
export const intentOf = (words: readonly string[]) => intentOfWords(() => COMMANDS, words);

export type { CommandContext, CommandResult };
