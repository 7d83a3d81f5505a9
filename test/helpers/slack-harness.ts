import { randomUUID } from "node:crypto";
import { loadConfig } from "../../src/config.js";
import type { ActorContext } from "../../src/core/access-core.js";
import type { Clock } from "../../src/core/ports.js";
import { createLogger, type Logger } from "../../src/log.js";
import { type Running, type StartOptions, startRolecall } from "../../src/server.js";
import { tempDatabase } from "./cli.js";
import { removeMember, setPermission } from "./core.js";
import { FakeSlack } from "./fake-slack.js";
import {
  type HttpReply,
  interactiveBody,
  postSigned,
  SIGNING_SECRET,
  type SignedOptions,
  slashCommandBody,
} from "./slack-requests.js";
import { openCore } from "./team.js";

export const TEAM_ID = "T0ACME";

/** The people of the test workspace: Slack user id → email and place on the team. */
export const PEOPLE = {
  owner: { id: "U0OWNER", email: "owner@acme.test" },
  owner2: { id: "U0OWNER2", email: "owner2@acme.test" },
  admin: { id: "U0ADMIN", email: "admin@acme.test" },
  teammate: { id: "U0TEAM", email: "tm@acme.test" },
  invited: { id: "U0INVITED", email: "invited@acme.test" },
  removed: { id: "U0REMOVED", email: "removed@acme.test" },
  stranger: { id: "U0STRANGER", email: "stranger@elsewhere.test" },
} as const;
export type Person = keyof typeof PEOPLE;
/** One of the test workspace's people, or any other Slack user id the fake knows. */
export type SlackUserRef = Person | `U${string}`;
const userIdOf = (who: SlackUserRef): string => (who in PEOPLE ? PEOPLE[who as Person].id : who);

export interface SlashReply {
  http: HttpReply;
  /** The message the user sees: from the acknowledgement itself, or posted to the response_url. */
  message: { text?: string; blocks?: unknown[]; response_type?: string; replace_original?: boolean } | null;
  responseId: string;
  triggerId: string;
}

export interface Harness {
  fake: FakeSlack;
  running: Running;
  base: string;
  db: string;
  accountId: string;
  as(person: Person): ActorContext;
  slash(person: SlackUserRef, text: string, options?: { triggerId?: string }): Promise<SlashReply>;
  interact(person: SlackUserRef, payload: Record<string, unknown>): Promise<HttpReply>;
  event(body: Record<string, unknown>): Promise<HttpReply>;
  responseTo(id: string): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * Starts the real Rolecall (real Bolt app, HTTP mode) against a loopback fake of Slack's Web API,
 * on a temp database holding one account: two owners, an admin, a teammate, an invited and a
 * removed member. Only the first owner is linked to Slack; the others are found by email.
 */
export const startHarness = async (
  env: Record<string, string> = {},
  { fake = new FakeSlack(), ...options }: StartOptions & { logger?: Logger; fake?: FakeSlack } = {},
): Promise<Harness> => {
  // A test may hand in its own (not yet started) fake, to set how Slack answers from the first call.
  await fake.start();
  for (const p of Object.values(PEOPLE)) fake.users.set(p.id, { email: p.email });
  const { db, cleanup } = await tempDatabase();
  const seed = await openCore(db);
  const { account } = await seed.core.createAccount({
    slackTeamId: TEAM_ID,
    name: "Acme",
    ownerEmail: PEOPLE.owner.email,
    ownerSlackUserId: PEOPLE.owner.id,
  });
  const as = (person: Person): ActorContext => ({
    accountId: account.id,
    actor: { email: PEOPLE[person].email },
    source: "cli",
  });
  const add = (person: Person, role: string) =>
    seed.core.addMember(as("owner"), { email: PEOPLE[person].email, role });
  await add("owner2", "owner");
  await add("admin", "admin");
  await add("teammate", "teammate");
  await add("invited", "teammate");
  await add("removed", "admin");
  for (const p of ["owner2", "admin", "teammate", "removed"] as const)
    await seed.core.activate(account.id, PEOPLE[p].email);
  await removeMember(seed.core, as("owner"), { email: PEOPLE.removed.email });
  await seed.close();

  const config = loadConfig({
    PORT: "0",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: "xoxb-test-token",
    SLACK_API_URL: fake.apiUrl,
    SLACK_HOOKS_URL: fake.responseUrl(""),
    DATABASE_URL: db,
    LOG_LEVEL: "silent",
    ...env,
  });
  const running = await startRolecall(config, options.logger ?? createLogger(config.LOG_LEVEL), {
    worker: { pollMs: 25 },
    ...options,
  });
  const base = `http://127.0.0.1:${running.port}`;

  const responseTo = (id: string) =>
    fake.waitFor(() => fake.responses.find((r) => r.id === id)?.body, `a reply on response_url ${id}`);

  const slash = async (
    person: SlackUserRef,
    text: string,
    options: { triggerId?: string } = {},
  ): Promise<SlashReply> => {
    const responseId = randomUUID();
    const triggerId = options.triggerId ?? fake.triggerId();
    const body = slashCommandBody({
      text,
      userId: userIdOf(person),
      teamId: TEAM_ID,
      responseUrl: fake.responseUrl(responseId),
      triggerId,
    });
    const http = await postSigned(base, body, "application/x-www-form-urlencoded");
    return {
      http,
      message: http.text ? (JSON.parse(http.text) as SlashReply["message"]) : null,
      responseId,
      triggerId,
    };
  };

  return {
    fake,
    running,
    base,
    db,
    accountId: account.id,
    as,
    slash,
    responseTo,
    interact: (person, payload) =>
      postSigned(
        base,
        interactiveBody({
          team: { id: TEAM_ID, domain: "acme" },
          user: { id: userIdOf(person), team_id: TEAM_ID },
          api_app_id: "A0ROLECALL",
          token: "deprecated",
          ...payload,
        }),
        "application/x-www-form-urlencoded",
      ),
    event: (body) =>
      postSigned(
        base,
        JSON.stringify({
          token: "deprecated",
          team_id: TEAM_ID,
          api_app_id: "A0ROLECALL",
          type: "event_callback",
          event_id: `Ev${randomUUID().slice(0, 8)}`,
          event_time: Math.floor(Date.now() / 1000),
          authorizations: [{ team_id: TEAM_ID, user_id: "UBOT", is_bot: true }],
          ...body,
        }),
        "application/json",
      ),
    stop: async () => {
      await running.stop({ restMs: 0 });
      await fake.stop();
      await cleanup();
    },
  };
};

/** The whole text of a Slack message, blocks included, for assertions. */
export const messageText = (message: unknown): string => JSON.stringify(message ?? null);

/**
 * `/team <text>` from `userId` in `teamId`, sent to a Rolecall process (spawnApp's signing secret,
 * its SLACK_HOOKS_URL the fake's): the whole reply the user sees, from the acknowledgement or the
 * response_url.
 */
export const slashToProcess = async (
  fake: FakeSlack,
  base: string,
  { userId, teamId, text }: { userId: string; teamId: string; text: string },
): Promise<string> => {
  const responseId = randomUUID();
  const body = slashCommandBody({
    text,
    userId,
    teamId,
    responseUrl: fake.responseUrl(responseId),
    triggerId: fake.triggerId(),
  });
  const http = await postSigned(base, body, "application/x-www-form-urlencoded", { secret: "secret" });
  if (http.status !== 200) throw new Error(`/team ${text} answered ${http.status}: ${http.text}`);
  if (http.text) return messageText(JSON.parse(http.text));
  return messageText(
    await fake.waitFor(() => fake.responses.find((r) => r.id === responseId)?.body, `the reply to ${text}`),
  );
};

export interface ShownButton {
  action_id: string;
  value: string;
  text: { text: string };
  style?: string;
  confirm?: {
    title?: { text: string };
    text?: { text: string };
    confirm?: { text: string };
    deny?: { text: string };
  };
}

/** Every button on a message: in actions blocks and beside a section's text (its accessory). */
export const buttonsOf = (message: unknown): ShownButton[] =>
  ((message as { blocks?: { elements?: ShownButton[]; accessory?: ShownButton }[] } | null)?.blocks ?? [])
    .flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])])
    .filter((e) => typeof e?.action_id === "string");

/** A stable error code (`RANK_TOO_LOW`): Slack shows none; they stay with the CLI's --json and the API. */
export const ERROR_CODE_PATTERN = /[A-Z]+_[A-Z_]+/;

export type { SignedOptions };

/**
 * Teammates lose Billing, and the teammate holds it by a 60-minute grant instead: set up from
 * another connection on the harness's database, as the CLI or another instance would.
 */
export const grantTeammateBilling = async (h: Harness, clock?: Clock): Promise<void> => {
  const side = await openCore(h.db, clock);
  await setPermission(side.core, h.as("owner"), { role: "teammate", permission: "billing", allowed: false });
  await side.core.change(h.as("owner"), {
    kind: "grant.start",
    member: { email: PEOPLE.teammate.email },
    permission: "billing",
    minutes: 60,
  });
  await side.close();
};
