import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/http/rate-limit.js";
import { createHttpServer } from "../../src/http/server.js";
import { createLogger } from "../../src/log.js";
import { startHarness } from "../helpers/slack-harness.js";
import { eventually } from "../helpers/smtp.js";
import { openCore, seedTeam } from "../helpers/team.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A well-formed key that opens nothing: what a flood of guesses sends. */
const madeUpKey = () => `rc_${randomBytes(32).toString("base64url")}`;

/**
 * Every call the core makes on `store` from now on, by method name, with the state of the data it
 * was made for (`epoch`). Left out: the cache's once-per-turn freshness check (`dataVersion`) and
 * `outside` (which only says where a read runs).
 */
const countStoreCalls = (store: object, epoch: () => number): { name: string; epoch: number }[] => {
  const calls: { name: string; epoch: number }[] = [];
  const target = store as Record<string, unknown>;
  // The store's methods, from its own class up to the shared SQL store it extends.
  const names = new Set<string>();
  for (
    let proto = Object.getPrototypeOf(store);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  )
    for (const name of Object.getOwnPropertyNames(proto)) names.add(name);
  for (const name of names) {
    const method = target[name];
    if (["constructor", "dataVersion", "outside"].includes(name) || typeof method !== "function") continue;
    target[name] = (...args: unknown[]) => {
      calls.push({ name, epoch: epoch() });
      return (method as (...a: unknown[]) => unknown).apply(store, args);
    };
  }
  return calls;
};

/** The methods called, in order. */
const names = (calls: { name: string }[]) => calls.map((c) => c.name);

/**
 * The one lookup a limited address may cost: the list of prefixes in use, read at most once for each
 * state of the data (on PostgreSQL, the set-up's own changes may be heard a moment later).
 */
const onlyPrefixLists = (calls: { name: string; epoch: number }[]) => {
  expect(names(calls).filter((name) => name !== "apiKeyPrefixes")).toEqual([]);
  const epochs = calls.map((c) => c.epoch);
  expect(new Set(epochs).size).toBe(epochs.length);
};

/**
 * The HTTP server on a real core and store (the suite's engine), behind a trusted proxy at
 * 127.0.0.1: the client address is the one the test puts in X-Forwarded-For. At most `limit` wrong
 * keys per address, and `everywhere` from all addresses together.
 */
const setup = async (limit = 3, everywhere = 1_000) => {
  const wired = await openCore();
  cleanups.push(() => wired.close());
  const seeded = await seedTeam(wired.core);
  const key = (await wired.core.rotateApiKey({ accountId: seeded.accountId }, 0)).apiKey;
  const logger = createLogger("silent");
  const trustedProxies = new Set(["127.0.0.1"]);
  const server = createHttpServer({
    core: wired.core,
    logger,
    slackEvents: null,
    invites: { core: wired.core, logger, limiter: new RateLimiter(30, 60_000), trustedProxies },
    apiKeyAttempts: {
      limiter: new RateLimiter(limit, 10 * 60_000),
      everywhere: new RateLimiter(everywhere, 10 * 60_000),
      trustedProxies,
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const calls = countStoreCalls(wired.store, () => wired.core.replyEpoch());
  /** GET /api/v1/members from `from` (the forwarded client address) with `bearer` as the key. */
  const members = async (bearer: string | null, from = "203.0.113.7") => {
    const headers: Record<string, string> = { "x-forwarded-for": from };
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    const res = await fetch(`${base}/api/v1/members`, { headers });
    return {
      status: res.status,
      retryAfter: res.headers.get("retry-after"),
      body: (await res.json()) as { error?: { code: string; message: string } },
    };
  };
  const statuses = async (n: number, from?: string) => {
    const seen: number[] = [];
    for (let i = 0; i < n; i++) seen.push((await members(madeUpKey(), from)).status);
    return seen;
  };
  return { wired, seeded, key, calls, members, statuses };
};

describe("wrong API keys are limited per client address before they cost the database (PRODUCT §8)", () => {
  it("past the limit, a made-up key is answered 429 with Retry-After and no lookup of it", async () => {
    const { calls, members, statuses } = await setup(3);
    expect(await statuses(3)).toEqual([401, 401, 401]);
    expect(names(calls).filter((name) => name === "apiKeyCandidates")).toHaveLength(3);
    calls.length = 0;

    const limited = await members(madeUpKey());
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(600);
    expect(limited.body.error?.code).toBe("RATE_LIMITED");
    expect(await statuses(50)).toEqual(Array(50).fill(429));
    // 51 made-up keys: not one looked up. What costs a lookup is the one list of the prefixes in use,
    // read once for all of them (and again only after the data changes).
    expect(names(calls)).toContain("apiKeyPrefixes");
    onlyPrefixLists(calls);
    calls.length = 0;
    expect((await members("rc_short")).status).toBe(429); // malformed keys too
    expect((await members("not-a-key-at-all")).status).toBe(429);
    onlyPrefixLists(calls);
  });

  it("50 wrong keys at once from one address: only as many are looked up as the limit allows, the rest 429", async () => {
    const { wired, key, calls, members } = await setup(3);
    // The database answers the key lookups only once every request is in: each is under way at once.
    const store = wired.store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const lookup = store.apiKeyCandidates as (...args: unknown[]) => Promise<unknown>;
    let held = 0;
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    store.apiKeyCandidates = async (...args: unknown[]) => {
      const found = lookup(...args);
      held++;
      await gate;
      return found;
    };
    let answered = 0;
    const sent = Promise.all(
      Array.from({ length: 50 }, () =>
        members(madeUpKey()).then((r) => {
          answered++;
          return r;
        }),
      ),
    );
    await eventually(() => answered + held === 50, "every request to be answered or looked up");
    release();
    store.apiKeyCandidates = lookup;
    const statuses = (await sent).map((r) => r.status);
    // The lookups still under way counted toward the limit: not one more than 3 reached the database.
    expect(names(calls).filter((name) => name === "apiKeyCandidates")).toHaveLength(3);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(47);
    // A valid key, at once with wrong ones from that address, is served; and it does not count.
    const mixed = await Promise.all([members(key), members(madeUpKey()), members(key)]);
    expect(mixed.map((r) => r.status)).toEqual([200, 429, 200]);
  });

  it("a valid key from the limited address is always served, remembered or not", async () => {
    const { wired, seeded, key, calls, members, statuses } = await setup(3);
    await statuses(10);
    expect((await members(madeUpKey())).status).toBe(429);
    expect((await members(key)).status).toBe(200);
    // A change anywhere: the cache forgets the key it had verified, and the key of a rotation with grace
    // is one this process has never seen. Both are still served to the limited address.
    const rotated = await wired.core.rotateApiKey({ accountId: seeded.accountId }, 2);
    expect((await members(key)).status).toBe(200);
    expect((await members(rotated.apiKey)).status).toBe(200);
    // A key whose prefix is in use but whose rest is wrong is looked up (from memory) and refused.
    expect((await members(`${key.slice(0, 10)}${"A".repeat(36)}`)).status).toBe(429);
    calls.length = 0;
    expect(await statuses(20)).toEqual(Array(20).fill(429));
    onlyPrefixLists(calls);
  });

  it("only the address that failed is limited; behind the trusted proxy it is the forwarded one", async () => {
    const { members, statuses } = await setup(3);
    await statuses(3, "203.0.113.7");
    expect((await members(madeUpKey(), "203.0.113.7")).status).toBe(429);
    expect(await statuses(3, "198.51.100.2")).toEqual([401, 401, 401]);
    // The right-most address that is not a trusted proxy is the client; what it put further left is not.
    expect((await members(madeUpKey(), "198.51.100.9, 203.0.113.7")).status).toBe(429);
    expect((await members(madeUpKey(), "203.0.113.7, 198.51.100.3")).status).toBe(401);
  });

  it("only wrong keys count: valid keys and requests without a key never bring an address closer", async () => {
    const { key, calls, members, statuses } = await setup(3);
    for (let i = 0; i < 10; i++) expect((await members(key)).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await members(null)).status).toBe(401);
    calls.length = 0;
    expect((await members("rc_short")).status).toBe(401); // malformed: refused without a lookup
    expect(calls).toEqual([]);
    expect(await statuses(2)).toEqual([401, 401]);
    expect((await members(madeUpKey())).status).toBe(429);
  });
});

describe("a flood of wrong keys spread over many addresses", () => {
  it("past the limit of all addresses together, made-up keys are refused 401 without a lookup", async () => {
    const { key, calls, members } = await setup(3, 10);
    const from = (i: number) => `198.51.100.${i}`;
    for (let i = 0; i < 10; i++) expect((await members(madeUpKey(), from(i))).status).toBe(401);
    calls.length = 0;
    for (let i = 10; i < 60; i++) expect((await members(madeUpKey(), from(i))).status).toBe(401);
    onlyPrefixLists(calls);
    expect((await members(key, from(99))).status).toBe(200);
    // Each address still counts its own: the one that goes on is limited as ever.
    for (let i = 0; i < 2; i++) await members(madeUpKey(), from(1));
    expect((await members(madeUpKey(), from(1))).status).toBe(429);
  });
});

describe("in the running app", () => {
  it("wrong keys are limited per address, TRUSTED_PROXIES naming whose address counts", async () => {
    const h = await startHarness(
      { TRUSTED_PROXIES: "127.0.0.1" },
      { apiKeyLimiter: new RateLimiter(2, 10 * 60_000) },
    );
    cleanups.push(() => h.stop());
    const call = (key: string, from: string) =>
      fetch(`${h.base}/api/v1/members`, {
        headers: { authorization: `Bearer ${key}`, "x-forwarded-for": from },
      }).then((res) => res.status);
    const tried = [];
    for (let i = 0; i < 4; i++) tried.push(await call(madeUpKey(), "203.0.113.7"));
    expect(tried).toEqual([401, 401, 429, 429]);
    expect(await call(madeUpKey(), "198.51.100.2")).toBe(401);
  });
});
