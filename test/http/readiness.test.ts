import { afterEach, describe, expect, it } from "vitest";
import { LATEST_SCHEMA_VERSION } from "../../src/store/migrations/index.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { listeningServer } from "../helpers/http-server.js";
import { openRaw } from "../helpers/raw-http.js";
import { startHarness } from "../helpers/slack-harness.js";
import { setSchemaVersion } from "../helpers/sql.js";
import { openCore } from "../helpers/team.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const readyz = async (base: string) => {
  const res = await fetch(`${base}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** Asks again until `ok` holds of the answer (the state it waits for comes from the background). */
const eventually = async <T>(ask: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await ask();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Retries of auth.test come quickly in these tests. */
const QUICK_RETRY = { authTestRetry: { firstMs: 20, maxMs: 50 } };

describe("/readyz (PRODUCT §8): ready only when the instance can serve", () => {
  it("is 503 while the database is unreachable, naming the database; /healthz stays 200", async () => {
    const wired = await openCore();
    const { server, base } = await listeningServer(wired.core);
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    expect(await readyz(base)).toEqual({ status: 200, body: { ok: true, database: "ready" } });
    await wired.close();
    const down = await readyz(base);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      ok: false,
      database: expect.stringMatching(/^not ready: the database/),
    });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("is 503 at once when the shutdown begins, saying so, while /healthz and the rest are still served; every answer then closes its connection", async () => {
    const wired = await openCore();
    cleanups.push(() => wired.close());
    const { server, port } = await listeningServer(wired.core);
    cleanups.push(() => server.drain());
    const ask = async (path: string) => {
      const conn = await openRaw(port);
      conn.send(`GET ${path} HTTP/1.1\r\nhost: rolecall.test\r\n\r\n`);
      const answer = await conn.answer();
      conn.socket.destroy();
      return { status: answer.status, connection: answer.headers.connection, body: JSON.parse(answer.body) };
    };
    expect(await ask("/readyz")).toMatchObject({ status: 200, connection: "keep-alive" });

    server.beginShutdown();
    expect(await ask("/readyz")).toEqual({
      status: 503,
      connection: "close",
      body: { ok: false, shutdown: expect.stringMatching(/^not ready: this instance is shutting down/) },
    });
    expect(await ask("/healthz")).toEqual({ status: 200, connection: "close", body: { ok: true } });
    expect(await ask("/api/v1/openapi.json")).toMatchObject({ status: 200, connection: "close" });
  });

  it("is 503 once a newer Rolecall migrated the database, in the real app", async () => {
    const h = await startHarness();
    cleanups.push(() => h.stop());
    await eventually(
      () => readyz(h.base),
      (r) => r.status === 200,
      "ready at start",
    );
    await setSchemaVersion(h.db, LATEST_SCHEMA_VERSION + 1);
    expect(await readyz(h.base)).toMatchObject({
      status: 503,
      body: { ok: false, database: expect.stringMatching(/^not ready/), slack: "ready" },
    });
  });

  it("single-workspace mode: 503 until Slack's auth.test has succeeded once, retried in the background; 200 after", async () => {
    const fake = new FakeSlack();
    fake.behaviours.set("auth.test", { status: 500 });
    const h = await startHarness({}, { fake, ...QUICK_RETRY });
    cleanups.push(() => h.stop());
    await fake.waitFor(() => fake.callsTo("auth.test").find((c) => c.answered), "a failed auth.test");
    expect(await readyz(h.base)).toEqual({
      status: 503,
      body: {
        ok: false,
        database: "ready",
        slack: expect.stringMatching(/^not ready: Slack has not accepted SLACK_BOT_TOKEN/),
      },
    });
    const failed = fake.callsTo("auth.test").length;
    fake.behaviours.delete("auth.test");
    const ready = await eventually(
      () => readyz(h.base),
      (r) => r.status === 200,
      "ready after auth.test",
    );
    expect(ready.body).toEqual({ ok: true, database: "ready", slack: "ready" });
    expect(fake.callsTo("auth.test").length).toBeGreaterThan(failed);
    expect(fake.callsTo("auth.test").at(-1)).toMatchObject({ ok: true });
  });

  it("a bot token Slack does not know is refused (invalid_auth, as Slack does) and the app is never ready", async () => {
    const fake = new FakeSlack();
    // One try only in this test: the next would be a minute later.
    fake.expectFailure("auth.test", "invalid_auth");
    const h = await startHarness(
      { SLACK_BOT_TOKEN: "xoxb-not-a-token-slack-issued" },
      { fake, authTestRetry: { firstMs: 60_000, maxMs: 60_000 } },
    );
    cleanups.push(() => h.stop());
    const refused = await fake.waitFor(
      () => fake.callsTo("auth.test").find((c) => c.answered),
      "auth.test with the unknown token",
    );
    expect(refused).toMatchObject({ ok: false, error: "invalid_auth" });
    expect(await readyz(h.base)).toMatchObject({ status: 503, body: { ok: false, database: "ready" } });
  });
});
