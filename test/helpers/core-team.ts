import { runCommand } from "../../commands/index.js";
import { refusalOf, type Said } from "./refusals.js";
import { manualClock, openCore, seedTeam } from "./team.js";

/**
 * A team on a fresh core and store with a hand-moved clock, for the suites that drive the core as its
 * members do (by `/team` words or by its calls); `closeTeams` after each test closes them all.
 */

export const OWNER = "owner@acme.test";

const closers: (() => void)[] = [];

/** Closes every team opened since the last call (each suite's afterEach). */
export const closeTeams = (): void => {
  for (const close of closers.splice(0)) close();
};

type Status = "active" | "invited" | "removed";

type Role = "owner" | "admin" | "teammate";

export const team = async (members: { email: string; role: Role; status?: Status }[] = []) => {
  const clock = manualClock();
  const wired = await openCore(undefined, clock);
  closers.push(wired.close);
  const seeded = await seedTeam(wired.core, members);
  const run = (email: string, ...words: string[]) =>
    runCommand({ core: wired.core, actor: seeded.as(email) }, words);
  return { ...wired, clock, seeded, run, owner: seeded.as(OWNER) };
};

/** The error code a call throws ("ok" when it returns). */
export const codeOf = async (fn: () => unknown): Promise<string> => {
  try {
    await fn();
    return "ok";
  } catch (error) {
    if (error && typeof error === "object" && "code" in error) return String(error.code);
    throw error;
  }
};

/** What a call's refusal says (it must refuse). */
export const errorOf = (fn: () => unknown): Promise<Said> => refusalOf(fn);

/** The raw token of the newest invite mailed to `email` (only the outbox ever holds it). */
export const tokenFor = async (
  wired: { store: { listMail(): Promise<{ recipient: string; mail: unknown }[]> } },
  email: string,
) => {
  const invites = (await wired.store.listMail())
    .map((row) => row.mail as { kind: string; to: string; token?: string })
    .filter((mail) => mail.kind === "invite" && mail.to === email);
  const token = invites.at(-1)?.token;
  if (!token) throw new Error(`no invite mailed to ${email}`);
  return token;
};
