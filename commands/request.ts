import { z } from "zod";
import { CoreError } from "../src/core/errors.js";
import { type Command, defineCommand, parseCommandInput } from "./lib/command.js";
import { describeEffect } from "./lib/effect.js";

/** Subcommands that change something, and so can be asked for. */
export const REQUESTABLE = [
  "add",
  "edit",
  "role",
  "remove",
  "resend",
  "revoke",
  "perms",
  "settings",
] as const;

/** Checks that `words` are a change someone could make, exactly as if they ran it. */
export const validateChange = (
  find: (name: string) => Command | undefined,
  words: readonly string[],
): void => {
  const [name = "", ...rest] = words;
  const command = find(name);
  if (!command || !(REQUESTABLE as readonly string[]).includes(command.name)) {
    throw new CoreError(
      "INVALID_INPUT",
      `Ask for a change: ${REQUESTABLE.join(", ")}. For example: request role bob@acme.test admin`,
    );
  }
  const input = parseCommandInput(command, rest) as Record<string, unknown>;
  const showsOnly =
    (command.name === "add" && input.email === undefined) ||
    (command.name === "edit" &&
      input.name === undefined &&
      input.phone === undefined &&
      input.role === undefined) ||
    ((command.name === "perms" || command.name === "settings") && rest.length === 0);
  if (showsOnly)
    throw new CoreError("INVALID_INPUT", `Say exactly what to change. Usage: request ${command.usage}`);
};

/** Built by the registry, which knows every command. */
export const requestCommand = (find: (name: string) => Command | undefined) =>
  defineCommand({
    name: "request",
    usage: "request <change…>  (e.g. request role bob@acme.test admin)",
    summary: "Ask the Owners for a change you may not make yourself",
    toInput: (args) => ({
      words: [...args.positionals, ...[...args.flags].flatMap(([k, v]) => [`--${k}`, v])],
    }),
    schema: z.object({ words: z.array(z.string()).min(1, "Say which change to ask for.") }),
    run: ({ core, actor }, { words }) => {
      validateChange(find, words);
      const request = core.requests.file(actor, {
        words,
        summary: words.join(" "),
        effect: describeEffect(core, actor.accountId, words),
      });
      return { type: "request_filed", request };
    },
  });
