import { describe, expect, it } from "vitest";
import { AccountQueue } from "../../src/core/account-queue.js";
import type { CoreError } from "../../src/core/errors.js";

/** A promise the test settles by hand. */
const deferred = () => {
  let resolve = () => {};
  let reject = (_: Error) => {};
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

describe("changes to one account take turns", () => {
  it("in arrival order, one at a time; other accounts do not wait", async () => {
    const queue = new AccountQueue(60_000);
    const order: string[] = [];
    const first = deferred();
    const a1 = queue.run("acc-1", async () => {
      order.push("a1 starts");
      await first.promise;
      order.push("a1 ends");
    });
    const a2 = queue.run("acc-1", async () => {
      order.push("a2 runs");
    });
    await queue.run("acc-2", async () => {
      order.push("b runs");
    });
    expect(order).toEqual(["a1 starts", "b runs"]);
    first.resolve();
    await Promise.all([a1, a2]);
    expect(order).toEqual(["a1 starts", "b runs", "a1 ends", "a2 runs"]);
    expect(queue.size).toBe(0);
  });

  it("a change that failed hands on its turn", async () => {
    const queue = new AccountQueue(60_000);
    const failing = queue.run("acc-1", async () => {
      throw new Error("refused");
    });
    const next = queue.run("acc-1", async () => "made");
    await expect(failing).rejects.toThrow("refused");
    await expect(next).resolves.toBe("made");
  });

  it("a change that cannot get its turn in time is BUSY and never runs; the queue goes on", async () => {
    const queue = new AccountQueue(20);
    const held = deferred();
    const holder = queue.run("acc-1", () => held.promise);
    let ran = false;
    const waiting = queue.run("acc-1", async () => {
      ran = true;
    });
    await expect(waiting).rejects.toMatchObject({ code: "BUSY" } satisfies Partial<CoreError>);
    expect(ran).toBe(false);
    held.resolve();
    await holder;
    await expect(queue.run("acc-1", async () => "after")).resolves.toBe("after");
    expect(queue.size).toBe(0);
  });
});
