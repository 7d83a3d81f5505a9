import { timingSafeEqual } from "node:crypto";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AccessCore } from "./core/index.js";
import type { Clock } from "./core/ports.js";

/** What `/metrics` reads of the database on each scrape: a few counts, on indexes. */
export interface StoreGauges {
  /** Mail waiting to be sent (queued, due or retrying). */
  outboxQueued: number;
  /** When the oldest of them was queued; null when none waits. */
  oldestQueuedAt: Date | null;
  /** Change requests waiting for an Owner's decision, across accounts. */
  pendingRequests: number;
}

/** Request durations, seconds: Rolecall answers in microseconds to a few seconds (Slack's deadline is 3). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Rolecall's Prometheus metrics: one registry per running app (never prom-client's global one, so
 * several apps in one process — tests — keep theirs apart). Counters the core keeps as plain numbers
 * (cache hits, version-guard retries) and the database's gauges are read when Prometheus scrapes.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<"route" | "method" | "status">;
  readonly httpDuration: Histogram<"route" | "method" | "status">;
  readonly slackRequests: Counter<"kind" | "outcome">;
  readonly slackDuration: Histogram<"kind" | "outcome">;
  readonly slackApiCalls: Counter<"method" | "result">;
  readonly slackApiDuration: Histogram<"method">;
  readonly mailSent: Counter<"kind">;
  readonly mailFailures: Counter<"kind" | "permanent">;

  constructor(sources: { core: AccessCore; gauges: () => Promise<StoreGauges>; clock: Clock }) {
    const registers = [this.registry];
    this.httpRequests = new Counter({
      name: "rolecall_http_requests_total",
      help: "HTTP requests answered, by route pattern, method and status.",
      labelNames: ["route", "method", "status"],
      registers,
    });
    this.httpDuration = new Histogram({
      name: "rolecall_http_request_duration_seconds",
      help: "Time from an HTTP request's arrival to its response's end.",
      labelNames: ["route", "method", "status"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.slackRequests = new Counter({
      name: "rolecall_slack_requests_total",
      help: "Slack requests handled, by kind (command, action, view, event, options) and outcome (ok, an error code, error).",
      labelNames: ["kind", "outcome"],
      registers,
    });
    this.slackDuration = new Histogram({
      name: "rolecall_slack_request_duration_seconds",
      help: "Time to handle a Slack request, its work after the acknowledgement included.",
      labelNames: ["kind", "outcome"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.slackApiCalls = new Counter({
      name: "rolecall_slack_api_calls_total",
      help: "Slack Web API calls (each attempt), by method and result (ok, Slack's error code, http_<status>, network).",
      labelNames: ["method", "result"],
      registers,
    });
    this.slackApiDuration = new Histogram({
      name: "rolecall_slack_api_call_duration_seconds",
      help: "Time of a Slack Web API call (one attempt).",
      labelNames: ["method"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.mailSent = new Counter({
      name: "rolecall_mail_sent_total",
      help: "Mails the SMTP server (or the .eml folder) accepted, by kind.",
      labelNames: ["kind"],
      registers,
    });
    this.mailFailures = new Counter({
      name: "rolecall_mail_failures_total",
      help: "Mail sends that failed, by kind; permanent=true when the mail will not be tried again.",
      labelNames: ["kind", "permanent"],
      registers,
    });
    const transactions = new Histogram({
      name: "rolecall_db_transaction_duration_seconds",
      help: "Time of each change's database transaction (the version-guarded write).",
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    sources.core.observeTransactions((seconds) => transactions.observe(seconds));
    // The core counts with plain numbers (its warm paths allocate nothing); a scrape reads them.
    const fromCore = (name: string, help: string, read: () => number) => {
      let reported = 0;
      new Counter({
        name,
        help,
        registers,
        collect() {
          const now = read();
          this.inc(now - reported);
          reported = now;
        },
      });
    };
    fromCore(
      "rolecall_permission_cache_hits_total",
      "Permission checks answered from memory.",
      () => sources.core.counters().cacheHits,
    );
    fromCore(
      "rolecall_permission_cache_misses_total",
      "Permission checks that read the database.",
      () => sources.core.counters().cacheMisses,
    );
    fromCore(
      "rolecall_version_guard_retries_total",
      "Changes decided again because another writer changed the account first.",
      () => sources.core.counters().versionRetries,
    );
    // The database's gauges: one query per scrape, shared by the three.
    let reading: Promise<StoreGauges> | null = null;
    const gauges = () => {
      reading ??= sources.gauges().finally(() => {
        reading = null;
      });
      return reading;
    };
    const fromStore = (name: string, help: string, read: (g: StoreGauges) => number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(read(await gauges()));
        },
      });
    fromStore("rolecall_outbox_queued", "Mails waiting in the outbox.", (g) => g.outboxQueued);
    fromStore(
      "rolecall_outbox_oldest_queued_age_seconds",
      "Age of the oldest mail waiting in the outbox (0 when none).",
      (g) =>
        g.oldestQueuedAt
          ? Math.max(0, (sources.clock.now().getTime() - g.oldestQueuedAt.getTime()) / 1000)
          : 0,
    );
    fromStore(
      "rolecall_change_requests_pending",
      "Change requests waiting for an Owner's decision.",
      (g) => g.pendingRequests,
    );
    collectDefaultMetrics({ register: this.registry });
  }
}

/** Whether an Authorization header carries `Bearer <token>`, compared in constant time. */
export const bearerMatches = (header: string | undefined, token: string): boolean => {
  const given = Buffer.from(/^Bearer (\S+)$/.exec(header ?? "")?.[1] ?? "");
  const wanted = Buffer.from(token);
  // Compared at the wanted length either way, so the time says nothing about the given token.
  const same = timingSafeEqual(
    Buffer.concat([given, Buffer.alloc(wanted.length)]).subarray(0, wanted.length),
    wanted,
  );
  return same && given.length === wanted.length;
};
