import { z } from "zod";
import { CoreError, type ErrorCode } from "../src/core/errors.js";
import type { RawChangeIntent } from "../src/core/intents.js";
import { type Command, type CommandContext, defineCommand, parseCommandInput } from "./lib/command.js";

/** Refusals that an Owner could overrule by approving the same change. */
const OVERRULABLE: readonly ErrorCode[] = ["FORBIDDEN", "RANK_TOO_LOW"];

type Commands = () => readonly Command[];

/**
 * The typed change that `words` ask for, exactly as if the asker ran them. Only commands that
 * change something have an intent (that is what makes them requestable).
 */
export const intentOfWords = (commands: Commands, words: readonly string[]): RawChangeIntent => {
  const [name = "", ...rest] = words;
  const requestable = commands().filter((c) => c.intent);
  const command = requestable.find((c) => c.name === name.toLowerCase());
  if (!command?.intent) {
    throw new CoreError({ reason: "request_what", commands: requestable.map((c) => c.name) });
  }
  const intent = command.intent(parseCommandInput(command, rest));
  if (!intent) throw new CoreError({ reason: "request_usage", usage: command.usage });
  return intent;
};

/**
 * The change a refusal of `words` could ask the Owners for instead ("Ask an Owner" in Slack): only a
 * change an Owner could overrule, and that filing would accept now. Null when there is none.
 */
export const requestableIntent = async (
  commands: Commands,
  ctx: CommandContext,
  words: readonly string[],
  refusal: unknown,
): Promise<RawChangeIntent | null> => {
  if (!(refusal instanceof CoreError) || !OVERRULABLE.includes(refusal.code)) return null;
  try {
    const intent = intentOfWords(commands, words);
    return (await ctx.core.requests.wouldFile(ctx.actor, intent)) ? intent : null;
  } catch (error) {
    // Words that do not make a change cannot be asked for; the refusal itself still shows.
    if (error instanceof CoreError) return null;
    throw error;
  }
};

/** Built by the registry, which knows every command. */
export const requestCommand = (commands: Commands) =>
  defineCommand({
    name: "request",
    usage: "request <change…>  (e.g. request role bob@acme.test admin)",
    summary: "Ask the Owners for a change you may not make yourself",
    toInput: (args) => ({
      words: [...args.positionals, ...[...args.flags].flatMap(([k, v]) => [`--${k}`, v])],
    }),
    schema: z.object({ words: z.array(z.string()).min(1, "Say which change to ask for.") }),
    run: async ({ core, actor }, { words }) => ({
      type: "request_filed",
      request: await core.requests.file(actor, intentOfWords(commands, words)),
    }),
  });
