const ZWSP = "\u200b";

/** Slack's own escaping: `<!channel>` or `<https://…|…>` typed by a user shows as text and links nothing. */
export const entities = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

// Addresses are shown exactly: someone copying one must get the address, not one with a
// zero-width space inside it.
const EMAIL = /[\w.%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/gu;
// A mark that could open or close *bold*, _italic_ or ~strike~. Slack leaves marks inside a word
// alone (snake_case, first_last), so those stay as typed; backticks always could start code.
const MARK = /(?<![\p{L}\p{N}])[*_~]|[*_~](?![\p{L}\p{N}])|`/gu;

const prose = (text: string): string => entities(text).replace(MARK, (c) => `${c}${ZWSP}`);

/**
 * Makes user-typed text safe to put in mrkdwn — blocks and a message's top-level `text` alike:
 * entities (so nothing notifies or links), and a zero-width space after a formatting mark (so a
 * name like `*bold*` does not format). Email addresses inside it are kept exact.
 */
export const esc = (text: string): string => {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(EMAIL)) {
    out += prose(text.slice(last, match.index)) + entities(match[0]);
    last = match.index + match[0].length;
  }
  return out + prose(text.slice(last));
};

/**
 * Text shown as code (usage lines, a request's words): Slack formats nothing inside a code span, so
 * only entities are needed and the text copies exactly. A backtick inside would end the span early.
 */
export const code = (text: string): string => (text.includes("`") ? esc(text) : `\`${entities(text)}\``);

/** Keeps a text within Slack's limit for one text object. */
export const clip = (text: string, max = 3000): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;
