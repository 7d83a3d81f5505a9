import type { PersonRef } from "../core/model.js";

export type { PersonRef };

/** "5 December 2026 at 09:17 UTC": a time as a page, a mail or a terminal writes it. */
export const humanDate = (iso: string): string =>
  `${new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", dateStyle: "long", timeStyle: "short" }).format(new Date(iso))} UTC`;

/**
 * How a surface shows user-typed text, channels, people and times (Slack escapes, links, mentions
 * and shows a time in the reader's own zone; a terminal prints them plainly, in UTC).
 */
export interface Formatter {
  text(value: string): string;
  channel(id: string): string;
  person(who: PersonRef): string;
  date(iso: string): string;
}

export const plainFormatter: Formatter = {
  text: (v) => v,
  channel: (id) => id,
  person: (who) => who.email,
  date: humanDate,
};

/**
 * A door: where a person reads Rolecall's words, with how it writes things (`fmt`) and how its
 * reader types a command there — null where nobody types one (the API, read by programs).
 */
export interface Door {
  name: "slack" | "cli" | "api";
  fmt: Formatter;
  /** A team command (`access team_settings for 2h`) as typed here: `/team …`, `rolecall --as <email> …`. */
  teamCommand(words: string): string | null;
  /** An operator command (`init …`), where this reader can run one. */
  operatorCommand(words: string): string | null;
}

/**
 * Where nobody types a command and text is plain: the HTTP API's `message`, the invite pages, and
 * words stored to be read later on any door (a request's outcome).
 */
export const plainDoor: Door = {
  name: "api",
  fmt: plainFormatter,
  teamCommand: () => null,
  operatorCommand: () => null,
};
