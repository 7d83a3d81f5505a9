import { describe, expect, it } from "vitest";
import { plainWords } from "../helpers/refusals.js";
import { openCore, seedTeam } from "../helpers/team.js";

/**
 * PostgreSQL refuses NUL in text (22021): test/http/hostile-input.test.ts, where a NUL once reached
 * it through the API and Slack, runs here on PostgreSQL too.
 */
import "../http/hostile-input.test.js";

describe("the PostgreSQL store's belt behind the doors", () => {
  it("text the database cannot store is INVALID_INPUT, in a read and in a transaction", async () => {
    const { core, store, close } = await openCore();
    try {
      const seeded = await seedTeam(core);
      const refused = await store
        .findMember(seeded.accountId, { email: "a\u0000@acme.test" })
        .catch((e) => e);
      expect(refused).toMatchObject({ code: "INVALID_INPUT" });
      expect(plainWords(refused)).toMatch(/cannot store/);
      await expect(core.slackAccount("T0\u0000")).rejects.toMatchObject({ code: "INVALID_INPUT" });
      await expect(store.deleteAccount("acc\u0000", new Date())).rejects.toMatchObject({
        code: "INVALID_INPUT",
      });
      // The store still answers.
      expect(await store.findMember(seeded.accountId, { email: "owner@acme.test" })).toMatchObject({
        role: "owner",
      });
    } finally {
      await close();
    }
  });
});
