import { describe, expect, it } from "vitest";
import type { Member } from "../../src/core/model.js";
import { PermissionCache } from "../../src/core/permission-cache.js";
import { defaultMatrix } from "../../src/core/permissions.js";
import type { StorePort } from "../../src/core/ports.js";

/** The permission check on every request is answered from memory, and never from a stale one. */

/** Just what the cache reads, counting each question. */
const countingStore = () => {
  const asked = { version: 0, matrix: 0, grants: 0, member: 0 };
  let version = 1;
  const store = {
    outside: <T>(fn: () => T) => fn(),
    dataVersion: () => {
      asked.version++;
      return version;
    },
    loadMatrix: () => {
      asked.matrix++;
      return defaultMatrix();
    },
    openGrants: () => {
      asked.grants++;
      return [];
    },
    findMember: (_accountId: string, ref: { email: string }): Member | null => {
      asked.member++;
      return ref.email === "a@x.test"
        ? ({ email: "a@x.test", role: "admin", status: "active" } as Member)
        : null;
    },
  };
  return { asked, bump: () => version++, store: store as unknown as StorePort };
};

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("the hot permission check is answered from memory", () => {
  it("a burst of checks in one turn asks the store once for the version, the matrix, the grants and the member", async () => {
    const { asked, store } = countingStore();
    const cache = new PermissionCache(store);
    for (let n = 0; n < 50; n++) {
      expect(await cache.can("acc", "a@x.test", "billing")).toBe(true);
      expect(await cache.can("acc", "a@x.test", "team_settings")).toBe(false);
    }
    expect(asked).toEqual({ version: 1, matrix: 1, grants: 1, member: 1 });
  });

  it("the next turn asks for the version again, and reads again only when another connection wrote", async () => {
    const { asked, bump, store } = countingStore();
    const cache = new PermissionCache(store);
    await cache.can("acc", "a@x.test", "billing");
    await cache.can("other", "a@x.test", "billing");
    await nextTurn();
    await cache.can("acc", "a@x.test", "billing");
    await cache.can("other", "a@x.test", "billing");
    expect(asked).toEqual({ version: 2, matrix: 2, grants: 2, member: 2 });
    bump();
    await nextTurn();
    await cache.can("acc", "a@x.test", "billing");
    expect(asked).toEqual({ version: 3, matrix: 3, grants: 3, member: 3 });
  });

  it("an email as typed (case, spaces) is the same member, read once", async () => {
    const { asked, store } = countingStore();
    const cache = new PermissionCache(store);
    expect(await cache.can("acc", " A@X.test ", "billing")).toBe(true);
    expect(await cache.can("acc", "a@x.test", "billing")).toBe(true);
    expect(await cache.member("acc", "A@x.TEST")).toMatchObject({ role: "admin", status: "active" });
    expect(asked.member).toBe(1);
  });

  it("other reads are remembered until the next write", async () => {
    const { store } = countingStore();
    const cache = new PermissionCache(store);
    let computed = 0;
    const read = () => cache.memo("count", async () => ++computed);
    expect([await read(), await read(), await read()]).toEqual([1, 1, 1]);
    cache.invalidate();
    expect(await read()).toBe(2);
  });
});
