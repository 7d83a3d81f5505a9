import { describe, expect, it } from "vitest";
import type { Member } from "../../src/core/model.js";
import { PermissionCache } from "../../src/core/permission-cache.js";
import { defaultMatrix } from "../../src/core/permissions.js";
import type { StorePort } from "../../src/core/ports.js";

/** Just what the cache reads, counting how often it had to ask for each account and email. */
const countingStore = () => {
  const asked = new Map<string, number>();
  const ask = (key: string) => asked.set(key, (asked.get(key) ?? 0) + 1);
  const store = {
    outside: <T>(fn: () => T) => fn(),
    dataVersion: () => 1,
    loadMatrix: async (accountId: string) => {
      ask(accountId);
      return defaultMatrix();
    },
    openGrants: async () => [],
    findMember: async (_accountId: string, ref: { email: string }): Promise<Member | null> => {
      ask(ref.email);
      return ref.email === "a@x.test"
        ? ({ email: "a@x.test", role: "admin", status: "active" } as Member)
        : null;
    },
  };
  return { asked: (key: string) => asked.get(key) ?? 0, store: store as unknown as StorePort };
};

describe("the permission cache is bounded: its keys come from requests", () => {
  const limits = { accounts: 4, membersPerAccount: 10, memos: 10 };

  it("emails: a member checked all along stays cached; one not checked for a while is dropped", async () => {
    const { asked, store } = countingStore();
    const cache = new PermissionCache(store, limits);
    for (let n = 0; n < 1_000; n++) {
      await cache.can("acc", `made-up-${n}@x.test`, "billing");
      expect(await cache.can("acc", "a@x.test", "billing")).toBe(true);
    }
    expect(asked("a@x.test")).toBe(1);
    for (let n = 1_000; n < 1_020; n++) await cache.can("acc", `made-up-${n}@x.test`, "billing");
    await cache.can("acc", "a@x.test", "billing");
    expect(asked("a@x.test")).toBe(2);
    await cache.can("acc", "made-up-0@x.test", "billing");
    expect(asked("made-up-0@x.test")).toBe(2);
  });

  it("accounts and other reads (API key prefixes, Slack teams, …) are bounded the same way", async () => {
    const { asked, store } = countingStore();
    const cache = new PermissionCache(store, limits);
    for (let n = 0; n < 100; n++) await cache.matrix(`acc-${n}`);
    await cache.matrix("acc-0");
    expect(asked("acc-0")).toBe(2);
    const computed = new Map<string, number>();
    const memo = (key: string) =>
      cache.memo(key, async () => computed.set(key, (computed.get(key) ?? 0) + 1).get(key));
    for (let n = 0; n < 100; n++) await memo(`apikey:rc_${n}`);
    await memo("apikey:rc_0");
    expect(computed.get("apikey:rc_0")).toBe(2);
  });

  it("warm, can() answers a plain boolean (no promise, no store); cold, a promise that loads once", async () => {
    const { asked, store } = countingStore();
    const cache = new PermissionCache(store, limits);
    const cold = cache.can("acc", "a@x.test", "billing");
    expect(cold).toBeInstanceOf(Promise);
    expect(await cold).toBe(true);
    expect(cache.can("acc", "a@x.test", "billing")).toBe(true);
    expect(cache.can("acc", "a@x.test", "team_settings")).toBe(false);
    expect(asked("a@x.test")).toBe(1);
  });

  it("a load that a write overtook answers its caller but is not kept", async () => {
    const { asked, store } = countingStore();
    const cache = new PermissionCache(store, limits);
    const loading = cache.can("acc", "a@x.test", "billing");
    cache.invalidate();
    expect(await loading).toBe(true);
    const again = cache.can("acc", "a@x.test", "billing");
    expect(again).toBeInstanceOf(Promise);
    await again;
    expect(asked("a@x.test")).toBe(2);
  });
});

describe("replies kept until the next write", () => {
  const limits = { accounts: 4, membersPerAccount: 10, memos: 10 };

  it("keeps a reply built from the data as it is, forgets it at a write, and never keeps one a write overtook", () => {
    const { store } = countingStore();
    const cache = new PermissionCache(store, limits);
    const before = cache.epoch();
    cache.keep("whoami:a", "You are Admin", before);
    expect(cache.kept("whoami:a")).toBe("You are Admin");

    // A reply built while a write came in: built from data that is no longer so.
    const building = cache.epoch();
    cache.invalidate();
    cache.keep("whoami:a", "You are Admin", building);
    expect(cache.kept("whoami:a")).toBeUndefined();

    cache.keep("whoami:a", "You are Teammate", cache.epoch());
    expect(cache.kept("whoami:a")).toBe("You are Teammate");
    cache.invalidate();
    expect(cache.kept("whoami:a")).toBeUndefined();
  });
});
