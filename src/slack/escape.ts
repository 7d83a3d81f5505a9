const ZWSP = "\u200b";

/**
 * Makes user-typed text safe to put in mrkdwn: `&`, `<`, `>` become entities (so `<!channel>` or
 * `<@U…>` never notify anyone) and a zero-width space after `*`, `_`, `~` and backticks keeps
 * a name like `*bold*` from turning into formatting.
 */
export const esc = (text: string): string =>
  text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replace(/[*_~`]/g, (c) => `${c}${ZWSP}`);

/** Keeps a text within Slack's limit for one text object. */
export const clip = (text: string, max = 3000): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;
