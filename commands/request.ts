import { z } from "zod";
import { CoreError, type ErrorCode } from "../src/core/errors.js";
import { type Command, type CommandContext, defineCommand, parseCommandInput } from "./lib/command.js";
import { nothingToAskFor } from "./lib/describe.js";
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

/** Refusals that an Owner could overrule by approving the same change. */
const OVERRULABLE: readonly ErrorCode[] = ["FORBIDDEN", "RANK_TOO_LOW"];

type Find = (name: string) => Command | undefined;

/** Checks that `words` are a change someone could make, exactly as if they ran it; returns it parsed. */
const requestedChange = (find: Find, words: readonly string[]) => {
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
  return { command, input };
};

/**
 * Refuses a request no Owner could grant as things stand: the change as an Owner would make it
 * now (written nowhere) must do something. A change that is already so is refused in plain words,
 * and anything an Owner would be refused too (no such member, an invite already accepted…) as that.
 */
const checkRequest = (find: Find, ctx: CommandContext, words: readonly string[]): void => {
  const { command, input } = requestedChange(find, words);
  const preview = command.run({ ...ctx, actor: { ...ctx.actor, preview: true } }, input);
  if (preview.type === "change" && !preview.change.changed)
    throw new CoreError("INVALID_INPUT", nothingToAskFor(preview.change));
};

/** Whether a refusal of `words` should offer to ask the Owners instead ("Ask an Owner" in Slack). */
export const offersRequest = (
  find: Find,
  ctx: CommandContext,
  words: readonly string[],
  refusal: unknown,
): boolean => {
  if (!(refusal instanceof CoreError) || !OVERRULABLE.includes(refusal.code)) return false;
  // Whatever would stop the request from being filed means no button; the refusal itself still shows.
  try {
    checkRequest(find, ctx, words);
    return true;
  } catch {
    return false;
  }
};

/** Built by the registry, which knows every command. */
export const requestCommand = (find: Find) =>
  defineCommand({
    name: "request",
    usage: "request <change…>  (e.g. request role bob@acme.test admin)",
    summary: "Ask the Owners for a change you may not make yourself",
    toInput: (args) => ({
      words: [...args.positionals, ...[...args.flags].flatMap(([k, v]) => [`--${k}`, v])],
    }),
    schema: z.object({ words: z.array(z.string()).min(1, "Say which change to ask for.") }),
    run: (ctx, { words }) => {
      checkRequest(find, ctx, words);
      const { core, actor } = ctx;
      const request = core.requests.file(actor, {
        words,
        summary: words.join(" "),
        effect: describeEffect(core, actor.accountId, words),
      });
      return { type: "request_filed", request };
    },
  });
