import { type Door, type Formatter, humanDate, plainFormatter } from "../words/format.js";
import { esc } from "./escape.js";

/**
 * A time as Slack shows it in the reader's own zone and locale (`<!date^…>`), with the UTC form as
 * the fallback for clients and notifications that cannot render it.
 * Tokens: https://api.slack.com/reference/surfaces/formatting#date-formatting
 */
export const slackDate = (iso: string, tokens = "{date_short_pretty} at {time}"): string => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return esc(iso);
  return `<!date^${Math.floor(ms / 1000)}^${tokens}|${humanDate(iso)}>`;
};

/** Slack's way of writing what a sentence names: escaped text, linked channels, mentions, local times. */
export const slackFormatter: Formatter = {
  text: esc,
  channel: (id) => `<#${id}>`,
  person: (who) => (who.slackUserId ? `<@${who.slackUserId}>` : esc(who.name || who.email)),
  date: (iso) => slackDate(iso),
};

/** Slack's messages and App Home (mrkdwn): people by mention, and the `/team` command. */
export const slackDoor: Door = {
  name: "slack",
  fmt: slackFormatter,
  teamCommand: (words) => `/team ${words}`,
  operatorCommand: () => null,
};

/** Slack where text is plain (a form's inline error): the same words and syntax, nothing escaped. */
export const slackTextDoor: Door = {
  ...slackDoor,
  fmt: {
    ...plainFormatter,
    person: (who) => (who.slackUserId ? `<@${who.slackUserId}>` : who.name || who.email),
  },
};
