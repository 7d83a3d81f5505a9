import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { blockProblems, viewProblems } from "./block-kit-limits.js";
import { type Answer, FakeSlackAuth, type FakeToken, fail } from "./fake-slack-auth.js";

export type {
  AuthorizationCodeOptions,
  FakeToken,
  FakeUser,
  FakeWorkspace,
  Installation,
} from "./fake-slack-auth.js";
export { CODE_TTL_MS, DEFAULT_BOT_SCOPES } from "./fake-slack-auth.js";

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** The token the call carried (Authorization header or `token` argument), if any. */
  token?: string;
  /** Set once the fake has sent its answer. */
  answered: boolean;
  /** What the fake answered: ok, and Slack's error code when not. */
  ok?: boolean;
  error?: string;
  /** Failures a test asked for (behaviours, expectFailure) are not reported by the after-each check. */
  expected?: boolean;
}

export interface RecordedResponse {
  id: string;
  body: Record<string, unknown>;
}

/** How the fake answers one Web API method: slowly, with an HTTP error, or held until released. */
export interface Behaviour {
  delayMs?: number;
  status?: number;
  retryAfterSeconds?: number;
  hold?: Promise<void>;
}

/** The bot token of the test workspace, unless a test names another. */
export const BOT_TOKEN = "xoxb-test-token";

/** Slack's trigger ids are good for three seconds and one use. */
export const TRIGGER_TTL_MS = 3_000;

/** A response_url takes at most five messages (within 30 minutes of its interaction). */
export const RESPONSE_URL_USES = 5;

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      data += chunk;
    });
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });

/** Web API arguments arrive form-encoded with JSON inside (views, blocks); decode both. */
const parseArgs = (raw: string, contentType: string | undefined): Record<string, unknown> => {
  if (contentType?.includes("application/json"))
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    try {
      args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      args[key] = value;
    }
  }
  return args;
};

/** The scope each method needs of the token (Slack answers `missing_scope` without it). */
const SCOPE_OF: Record<string, string> = {
  "users.info": "users:read",
  "users.lookupByEmail": "users:read.email",
  "conversations.open": "im:write",
  "chat.postMessage": "chat:write",
  "chat.update": "chat:write",
};

/** Every fake started in this test file, for the shared after-each check (test/helpers/setup.ts). */
export const liveFakes = new Set<FakeSlack>();

/**
 * A loopback stand-in for Slack's Web API and response_url endpoints, as strict as Slack where a
 * kind fake would hide bugs: every call needs a bot token Slack issued (and that is still good), with
 * the scope the method needs; a token sees only the users and channels of its workspace (or of its
 * enterprise, for an org-wide install); channels, users, message timestamps and trigger ids must
 * exist; Block Kit limits are enforced. It plays Slack's side of OAuth v2 too (FakeSlackAuth). Every
 * call is recorded with its answer, and a test fails when a call it did not expect to fail answered
 * `ok: false`.
 */
export class FakeSlack extends FakeSlackAuth {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly behaviours = new Map<string, Behaviour>();
  /** Public and private channels the bot can post in (of the default workspace unless `addChannel` said). */
  readonly channels = new Set<string>(["C0GENERAL", "C0APPROVE"]);
  /** Channels archived since: Slack refuses to post in them (`is_archived`). */
  readonly archived = new Set<string>();
  /** Channel → workspace, for channels outside the default workspace. */
  private readonly channelTeams = new Map<string, string>();
  /** Messages posted, by channel, by ts: what chat.update and thread replies refer to. */
  readonly messages = new Map<string, Map<string, Record<string, unknown>>>();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private readonly responseUrlUses = new Map<string, number>();
  private readonly expectedFailures: { method: string; error?: string }[] = [];
  private checked = 0;
  private server: Server | null = null;
  private clock = 0;
  port = 0;

  constructor(botToken = BOT_TOKEN, teamId = "T0ACME") {
    super(botToken, teamId);
  }

  /** A channel of that workspace the bot can post in. */
  addChannel(channelId: string, teamId: string = this.defaultTeamId): void {
    this.channels.add(channelId);
    this.channelTeams.set(channelId, teamId);
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** The origin Slack's response_url values live on (hooks.slack.com for the real Slack). */
  get hooksUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.port}/respond/${id}`;
  }

  /** A trigger id as Slack hands one out with an interaction: valid for 3 seconds, once. */
  triggerId(issuedAt = Date.now()): string {
    const id = `${Math.floor(issuedAt / 1000)}.${randomBytes(6).toString("hex")}`;
    this.triggers.set(id, { issuedAt, used: false });
    return id;
  }

  /** The DM channel Slack opens between the bot and a user. */
  dmOf(userId: string): string {
    return `D${userId.slice(1)}`;
  }

  /** Lets the next failure of `method` (with `error`, if given) pass the after-each check. */
  expectFailure(method: string, error?: string): void {
    this.expectedFailures.push(error === undefined ? { method } : { method, error });
  }

  async start(): Promise<void> {
    const server = createServer(async (req, res) => {
      const raw = await readBody(req);
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const respond = /^\/respond\/(.+)$/.exec(path);
      if (respond?.[1]) return this.respondUrl(respond[1], raw, res);
      const method = path.replace(/^\/api\//, "");
      const args = parseArgs(raw, req.headers["content-type"]);
      const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ""))?.[1];
      const token = bearer ?? (typeof args.token === "string" ? args.token : undefined);
      const authorization = req.headers.authorization;
      const call: RecordedCall = { method, args, answered: false, ...(token ? { token } : {}) };
      this.calls.push(call);
      res.on("finish", () => {
        call.answered = true;
      });
      // Slack checks a call when it arrives, however long its answer then takes.
      const receivedAt = Date.now();
      const behaviour = this.behaviours.get(method);
      if (behaviour?.hold) await behaviour.hold;
      if (behaviour?.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
      if (behaviour?.status) {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (behaviour.retryAfterSeconds !== undefined)
          headers["retry-after"] = String(behaviour.retryAfterSeconds);
        const error = behaviour.status === 429 ? "ratelimited" : "internal_error";
        Object.assign(call, { ok: false, error, expected: true });
        res.writeHead(behaviour.status, headers);
        res.end(JSON.stringify({ ok: false, error }));
        return;
      }
      const answer =
        method === "oauth.v2.access"
          ? this.oauthAccess(args, authorization)
          : this.answer(method, args, token, receivedAt);
      call.ok = answer.ok;
      if (!answer.ok) {
        call.error = answer.error;
        call.expected = this.consumeExpectation(method, answer.error);
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    this.port = (server.address() as AddressInfo).port;
    liveFakes.add(this);
  }

  /**
   * response_url: Slack takes a message (blocks within a message's limits, some text unless it only
   * deletes the original, `ephemeral` or `in_channel`) up to five times, and answers 200 "ok".
   */
  private respondUrl(id: string, raw: string, res: import("node:http").ServerResponse): void {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw || "{}") as Record<string, unknown>;
    } catch {
      body = {};
    }
    const uses = (this.responseUrlUses.get(id) ?? 0) + 1;
    this.responseUrlUses.set(id, uses);
    const problems = blockProblems("message", body.blocks);
    const empty = !body.text && !(Array.isArray(body.blocks) && body.blocks.length > 0);
    const type = body.response_type;
    const error =
      uses > RESPONSE_URL_USES
        ? { status: 404, code: "used_url" }
        : problems.length > 0
          ? { status: 400, code: "invalid_blocks", detail: problems.join("; ") }
          : empty && body.delete_original !== true
            ? { status: 400, code: "no_text" }
            : type !== undefined && type !== "ephemeral" && type !== "in_channel"
              ? { status: 400, code: "invalid_response_type" }
              : null;
    const call: RecordedCall = { method: "response_url", args: body, answered: true, ok: error === null };
    this.calls.push(call);
    if (error) {
      call.error = error.detail ? `${error.code}: ${error.detail}` : error.code;
      call.expected = this.consumeExpectation("response_url", error.code);
      res.writeHead(error.status, { "content-type": "text/plain" });
      res.end(error.code);
      return;
    }
    this.responses.push({ id, body });
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok");
  }

  private consumeExpectation(method: string, error: string | undefined): boolean {
    const i = this.expectedFailures.findIndex(
      (e) => e.method === method && (e.error === undefined || error?.startsWith(e.error)),
    );
    if (i < 0) return false;
    this.expectedFailures.splice(i, 1);
    return true;
  }

  /** A channel of a workspace the token reaches (channels belong to the default workspace unless `addChannel` said). */
  private channelReached(token: FakeToken, channel: string): boolean {
    return this.reaches(token, this.channelTeams.get(channel) ?? this.defaultTeamId);
  }

  private userOfDm(dm: string): string | undefined {
    return [...this.users.keys()].find((u) => this.dmOf(u) === dm);
  }

  /**
   * A user id, or a channel the bot may post in (a public/private channel, or an opened DM), as the
   * token sees them: users and channels of another workspace do not exist for it.
   */
  private resolveChannel(token: FakeToken, channel: unknown): string | null {
    const id = String(channel ?? "");
    if (this.channels.has(id)) return this.channelReached(token, id) ? id : null;
    if (/^[UW]/.test(id) && this.canSee(token, id)) return this.dmOf(id);
    const user = /^D/.test(id) ? this.userOfDm(id) : undefined;
    return user && this.canSee(token, user) ? id : null;
  }

  /** A channel the token reaches, or a DM with a user it sees (or one who has left since). */
  private isConversationOf(token: FakeToken, id: string): boolean {
    if (this.channels.has(id)) return this.channelReached(token, id);
    if (!/^D/.test(id)) return false;
    const user = this.userOfDm(id);
    return user === undefined || this.canSee(token, user);
  }

  private nextTs(): string {
    this.clock = Math.max(this.clock + 1, Date.now() * 1000);
    return `${Math.floor(this.clock / 1e6)}.${String(this.clock % 1e6).padStart(6, "0")}`;
  }

  private messageProblems(args: Record<string, unknown>): Answer | null {
    const problems = blockProblems("message", args.blocks);
    if (problems.length > 0) return fail("invalid_blocks", { response_metadata: { messages: problems } });
    const text = typeof args.text === "string" ? args.text : "";
    if (!text && !Array.isArray(args.blocks)) return fail("no_text");
    if (text.length > 40_000) return fail("msg_too_long");
    return null;
  }

  private answer(
    method: string,
    args: Record<string, unknown>,
    token: string | undefined,
    receivedAt: number,
  ): Answer {
    const refused = this.tokenProblem(token);
    const grant = token === undefined ? undefined : this.tokens.get(token);
    if (refused || !grant) return refused ?? fail("invalid_auth");
    const needed = SCOPE_OF[method];
    if (needed && !grant.scopes.includes(needed))
      return fail("missing_scope", { needed, provided: grant.scopes.join(",") });
    switch (method) {
      case "auth.test":
        return this.authTest(grant);
      // The token gives itself back: from now on it answers token_revoked.
      case "auth.revoke":
        grant.state = "revoked";
        return { ok: true, revoked: true };
      case "users.info": {
        const id = String(args.user);
        const user = this.users.get(id);
        // Slack shares the email only with a token that has users:read.email.
        const email = grant.scopes.includes("users:read.email") ? user?.email : undefined;
        return user && this.canSee(grant, id)
          ? { ok: true, user: { id, team_id: this.teamOf(id), profile: email ? { email } : {} } }
          : fail("user_not_found");
      }
      case "users.lookupByEmail": {
        const found = [...this.users].find(([id, u]) => u.email === args.email && this.canSee(grant, id));
        return found
          ? {
              ok: true,
              user: { id: found[0], team_id: this.teamOf(found[0]), profile: { email: args.email } },
            }
          : fail("users_not_found");
      }
      case "conversations.open": {
        const ids = String(args.users ?? "").split(",");
        if (ids.length !== 1 || !this.canSee(grant, ids[0] ?? "")) return fail("user_not_found");
        return { ok: true, channel: { id: this.dmOf(ids[0] ?? "") } };
      }
      case "chat.postMessage":
        return this.postMessage(grant, args);
      case "chat.update":
        return this.update(grant, args);
      case "views.open":
        return this.viewsOpen(args, receivedAt);
      case "views.publish": {
        if (!this.canSee(grant, String(args.user_id))) return fail("user_not_found");
        const problems = viewProblems(args.view);
        if (problems.length > 0)
          return fail("invalid_arguments", { response_metadata: { messages: problems } });
        return { ok: true, view: { id: `V${randomBytes(4).toString("hex")}`, ...(args.view as object) } };
      }
      case "views.update":
        return { ok: true, view: { id: String(args.view_id ?? "V123"), ...(args.view as object) } };
      default:
        return fail("unknown_method");
    }
  }

  private postMessage(token: FakeToken, args: Record<string, unknown>): Answer {
    const channel = this.resolveChannel(token, args.channel);
    if (!channel) return fail("channel_not_found");
    if (this.archived.has(channel)) return fail("is_archived");
    const problem = this.messageProblems(args);
    if (problem) return problem;
    const posted = this.messages.get(channel) ?? new Map<string, Record<string, unknown>>();
    this.messages.set(channel, posted);
    if (args.thread_ts !== undefined && !posted.has(String(args.thread_ts))) return fail("thread_not_found");
    const ts = this.nextTs();
    posted.set(ts, args);
    return { ok: true, channel, ts, message: { ...args, ts } };
  }

  private update(token: FakeToken, args: Record<string, unknown>): Answer {
    const channel = String(args.channel ?? "");
    // chat.update needs the conversation id itself; a user id is not one.
    if (!this.isConversationOf(token, channel)) return fail("channel_not_found");
    const posted = this.messages.get(channel);
    const ts = String(args.ts ?? "");
    if (!posted?.has(ts)) return fail("message_not_found");
    const problem = this.messageProblems(args);
    if (problem) return problem;
    posted.set(ts, args);
    return { ok: true, channel, ts, text: args.text };
  }

  private viewsOpen(args: Record<string, unknown>, receivedAt: number): Answer {
    const trigger = this.triggers.get(String(args.trigger_id ?? ""));
    if (!trigger) return fail("invalid_trigger_id");
    if (receivedAt - trigger.issuedAt > TRIGGER_TTL_MS) return fail("expired_trigger_id");
    if (trigger.used) return fail("exchanged_trigger_id");
    const problems = viewProblems(args.view);
    if (problems.length > 0) return fail("invalid_arguments", { response_metadata: { messages: problems } });
    trigger.used = true;
    return { ok: true, view: { id: `V${randomBytes(4).toString("hex")}`, ...(args.view as object) } };
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Calls answered `ok: false` that no test asked for, since the last check. */
  takeUnexpectedFailures(): RecordedCall[] {
    const fresh = this.calls.slice(this.checked);
    this.checked = this.calls.length;
    return fresh.filter((c) => c.ok === false && !c.expected);
  }

  /** Waits (bounded) until `find` returns something. */
  async waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
