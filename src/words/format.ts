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
