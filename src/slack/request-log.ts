import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import { CoreError } from "../core/errors.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { type HttpRequestNote, httpRequestNote } from "../shared/http-request-log.js";
import { SlackUnavailableError } from "./actor.js";

/** What one Slack request came to: `ok`, a refusal's code, `SLACK_UNAVAILABLE`, or `error`. */
interface Handling {
  outcome: string;
}

/** Where a request's context keeps how it is going (Bolt hands the same context to every listener). */
const HANDLING = "rolecallHandling";

/**
 * Records how the Slack request whose context this is ended, for its log line: listeners call it
 * where they catch (see `logIfUnexpected`). The first outcome noted stands.
 */
export const noteOutcome = (context: object, error: unknown): void => {
  const current = (context as { [HANDLING]?: Handling })[HANDLING];
  if (current && current.outcome === "ok") current.outcome = outcomeOf(error);
};

const outcomeOf = (error: unknown): string =>
  error instanceof CoreError
    ? error.code
    : error instanceof SlackUnavailableError
      ? "SLACK_UNAVAILABLE"
      : "error";

type Body = Record<string, unknown> & {
  type?: string;
  command?: string;
  team_id?: string;
  user_id?: string;
  team?: { id?: string } | null;
  user?: { id?: string; team_id?: string } | string;
  event?: { type?: string; user?: unknown };
};

/** Which of Slack's kinds of request a body is. */
export const slackKindOf = (body: Body): string => {
  if (typeof body.command === "string") return "command";
  switch (body.type) {
    case "block_actions":
    case "interactive_message":
      return "action";
    case "view_submission":
    case "view_closed":
      return "view";
    case "event_callback":
      return "event";
    case "block_suggestion":
      return "options";
    case "shortcut":
    case "message_action":
      return "shortcut";
    default:
      return "other";
  }
};

const userOf = (body: Body): string | undefined => {
  if (typeof body.user_id === "string") return body.user_id;
  if (typeof body.user === "object" && body.user) return body.user.id;
  if (typeof body.user === "string") return body.user;
  const eventUser = body.event?.user;
  return typeof eventUser === "string" ? eventUser : undefined;
};

/** A promise for every Slack request still being handled, so a shutdown can wait for them. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.then(
      () => this.running.delete(work),
      () => this.running.delete(work),
    );
    return work;
  }

  /** Resolves once every request handled now has ended (whatever came of it). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

/** For Bolt's HTTP receiver: puts the HTTP request's note in each Slack request's context. */
export const httpRequestProperties = (req: IncomingMessage): { httpRequest?: HttpRequestNote } => {
  const note = httpRequestNote(req);
  return note ? { httpRequest: note } : {};
};

/**
 * Bolt's first global middleware: one log line (and the metrics) per Slack request once its
 * listener has finished (work after the acknowledgement included) — request id, kind, team, user,
 * outcome and duration; ids only, never a payload's text.
 */
export const slackRequestLog =
  (logger: Logger, metrics: Metrics | null, inFlight: InFlight): Middleware<AnyMiddlewareArgs> =>
  async ({ body, context, next }) => {
    const started = performance.now();
    const state: Handling = { outcome: "ok" };
    (context as { [HANDLING]?: Handling })[HANDLING] = state;
    const b = body as Body;
    // Over HTTP, this line stands for the request's HTTP line, with its id; over a socket, one is made.
    const http = (context as { httpRequest?: HttpRequestNote }).httpRequest;
    if (http) http.loggedAsSlackRequest = true;
    try {
      await inFlight.track(next());
    } catch (error) {
      if (state.outcome === "ok") state.outcome = outcomeOf(error);
      throw error;
    } finally {
      const ms = performance.now() - started;
      const kind = slackKindOf(b);
      if (metrics) {
        const labels = { kind, outcome: state.outcome };
        metrics.slackRequests.inc(labels);
        metrics.slackDuration.observe(labels, ms / 1000);
      }
      logger.info(
        {
          requestId: http?.requestId ?? randomUUID(),
          kind,
          team: context.teamId ?? context.enterpriseId ?? b.team_id ?? b.team?.id,
          user: userOf(b),
          outcome: state.outcome,
          durationMs: Math.round(ms * 100) / 100,
        },
        "slack request",
      );
    }
  };
