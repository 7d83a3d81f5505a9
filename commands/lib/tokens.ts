import type { MemberRef } from "../../src/core/model.js";

/**
 * Splits command text into words. Double quotes (straight or curly, as Slack clients type them)
 * group words, so `--name "Bob Stone"` and `--name Bob Stone` both work.
 */
export const tokenize = (text: string): string[] => {
  const tokens: string[] = [];
  const pattern = /"([^"]*)"|“([^”]*)”|(\S+)/g;
  for (const match of text.matchAll(pattern)) tokens.push(match[1] ?? match[2] ?? match[3] ?? "");
  return tokens;
};

const SLACK_ESCAPES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">" };

/**
 * The words of a `/team` command as Slack sends them: what the user typed arrives with `&`, `<`, `>`
 * escaped (`&amp;`, `&lt;`, `&gt;`), Slack's own syntax (`<@U…>`, `<mailto:…>`) as it is. Decoding
 * those three gives back what was typed, once. The CLI's words arrive as typed and are never decoded.
 */
export const slackCommandWords = (text: string): string[] =>
  tokenize(text.replace(/&(?:amp|lt|gt);/g, (entity) => SLACK_ESCAPES[entity] ?? entity));

/** `<mailto:a@b.com|a@b.com>` → `a@b.com`; anything else unchanged. */
export const unescapeEmail = (token: string): string => {
  const mailto = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/.exec(token);
  return mailto?.[1] ?? token;
};

/** A member named by email (plain or escaped) or by Slack mention (`<@U123|name>`, `<@U123>`). */
export const memberRefOf = (token: string): MemberRef => {
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(token);
  if (mention?.[1]) return { slackUserId: mention[1] };
  return { email: unescapeEmail(token) };
};

/** `<#C123|name>` or `<#C123>` → `C123`; a bare id is taken as it is. */
export const channelIdOf = (token: string): string => {
  const channel = /^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(token);
  return channel?.[1] ?? token;
};

export interface SplitArgs {
  positionals: string[];
  flags: Map<string, string>;
}

/** `a b --name Bob Stone --phone +44…` → positionals [a, b], flags {name: "Bob Stone", phone: "+44…"}. */
export const splitFlags = (tokens: readonly string[]): SplitArgs => {
  const positionals: string[] = [];
  const flags = new Map<string, string>();
  let current: string | null = null;
  const words: string[] = [];
  const flush = () => {
    if (current !== null) flags.set(current, words.join(" "));
    words.length = 0;
  };
  for (const token of tokens) {
    const flag = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(token);
    if (flag?.[1]) {
      flush();
      current = flag[1];
      if (flag[2] !== undefined) words.push(flag[2]);
    } else if (current !== null) {
      words.push(token);
    } else {
      positionals.push(token);
    }
  }
  flush();
  return { positionals, flags };
};
