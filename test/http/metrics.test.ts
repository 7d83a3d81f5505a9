import { afterEach, describe, expect, it } from "vitest";
import { bearerMatches } from "../../src/metrics.js";
import { newKey } from "../helpers/api-keys.js";
import { type Harness, startHarness } from "../helpers/slack-harness.js";

const TOKEN = "metrics-token-0123456789";

/** Prometheus' text format, read strictly enough: each sample `name{labels} value`, HELP and TYPE lines. */
const parse = (text: string): Map<string, number> => {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const match =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?) (\S+)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) throw new Error(`not Prometheus text: ${line}`);
    const value = Number(match[2]);
    if (Number.isNaN(value) && match[2].toLowerCase() !== "nan") throw new Error(`not a number: ${line}`);
    samples.set(match[1], value);
  }
  return samples;
};

const sum = (samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number =>
  [...samples]
    .filter(
      ([key]) =>
        (key === name || key.startsWith(`${name}{`)) &&
        Object.entries(labels).every(([k, v]) => key.includes(`${k}="${v}"`)),
    )
    .reduce((total, [, value]) => total + value, 0);

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe("GET /metrics", () => {
  it("is off (404) without METRICS_TOKEN", async () => {
    h = await startHarness();
    const res = await fetch(`${h.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(404);
  });

  it("refuses a missing or wrong token with 401", async () => {
    h = await startHarness({ METRICS_TOKEN: TOKEN });
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN]) {
      const res = await fetch(`${h.base}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(res.status, String(authorization)).toBe(401);
      expect(await res.text()).not.toContain("rolecall_");
    }
  });

  it("answers Prometheus text with the token, and its counters move with traffic", async () => {
    h = await startHarness({ METRICS_TOKEN: TOKEN });
    const scrape = async () => {
      const res = await fetch(`${h?.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/plain");
      return parse(await res.text());
    };
    const before = await scrape();
    for (const name of [
      "rolecall_outbox_queued",
      "rolecall_outbox_oldest_queued_age_seconds",
      "rolecall_change_requests_pending",
      "rolecall_permission_cache_hits_total",
      "rolecall_permission_cache_misses_total",
      "rolecall_version_guard_retries_total",
      "process_cpu_user_seconds_total",
      "nodejs_heap_size_used_bytes",
    ])
      expect(before.has(name), name).toBe(true);

    // Traffic: a Slack command, an add (a transaction and a queued mail), API calls (cache hits).
    await h.slash("owner", "whoami");
    await h.slash("teammate", "list");
    await h.slash("owner", "add zed@acme.test");
    const key = (await newKey(h.running.core.rotateApiKey(h.as("owner"), 0))).apiKey;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${h.base}/api/v1/authorize`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ email: "tm@acme.test", permission: "billing" }),
      });
      expect(res.status).toBe(200);
    }
    // Each Slack request is counted when its work after the acknowledgement is done.
    await h.running.slack?.drain();
    const after = await scrape();
    expect(sum(after, "rolecall_http_requests_total", { route: "/slack/events", status: "200" })).toBe(3);
    expect(sum(after, "rolecall_http_requests_total", { route: "/api/v1/authorize", method: "POST" })).toBe(
      3,
    );
    expect(sum(after, "rolecall_http_requests_total", { route: "/metrics", status: "200" })).toBe(1);
    expect(sum(after, "rolecall_http_request_duration_seconds_count", { route: "/api/v1/authorize" })).toBe(
      3,
    );
    expect(sum(after, "rolecall_slack_requests_total", { kind: "command", outcome: "ok" })).toBe(2);
    expect(sum(after, "rolecall_slack_requests_total", { kind: "command", outcome: "FORBIDDEN" })).toBe(1);
    expect(sum(after, "rolecall_slack_request_duration_seconds_count", { kind: "command" })).toBe(3);
    expect(sum(after, "rolecall_permission_cache_hits_total")).toBeGreaterThan(
      sum(before, "rolecall_permission_cache_hits_total"),
    );
    expect(sum(after, "rolecall_db_transaction_duration_seconds_count")).toBeGreaterThan(
      sum(before, "rolecall_db_transaction_duration_seconds_count"),
    );
    expect(
      sum(after, "rolecall_mail_sent_total") + sum(after, "rolecall_outbox_queued"),
    ).toBeGreaterThanOrEqual(1);
    expect(sum(after, "rolecall_slack_api_calls_total")).toBe(h.fake.calls.length);
  });

  it("keeps two running apps' metrics apart (one registry each)", async () => {
    h = await startHarness({ METRICS_TOKEN: TOKEN });
    const other = await startHarness({ METRICS_TOKEN: TOKEN });
    try {
      await fetch(`${other.base}/healthz`);
      const res = await fetch(`${h.base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(sum(parse(await res.text()), "rolecall_http_requests_total", { route: "/healthz" })).toBe(0);
    } finally {
      await other.stop();
    }
  });
});

describe("the metrics token check", () => {
  it("takes exactly `Bearer <token>`", () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    for (const wrong of [
      undefined,
      "",
      TOKEN,
      `bearer ${TOKEN}`,
      `Bearer ${TOKEN} `,
      `Bearer ${TOKEN}0`,
      "Bearer x",
    ])
      expect(bearerMatches(wrong, TOKEN), String(wrong)).toBe(false);
  });
});
