import { afterEach, describe, expect, it } from "vitest";
import { type Harness, messageText, type Person, startHarness } from "../helpers/slack-harness.js";
import { manualClock, openSqliteCore } from "../helpers/team.js";

/**
 * `/team whoami` is answered from memory while nothing has changed: these show that the answer is
 * never stale — not after a change made elsewhere, not after a grant's end (which writes nothing).
 */
let h: Harness;
afterEach(() => h?.stop());

const whoami = async (person: Person): Promise<string> => {
  const reply = await h.slash(person, "whoami");
  expect(reply.http.status).toBe(200);
  return messageText(reply.message ?? (await h.responseTo(reply.responseId)));
};

describe("/team whoami, asked again", () => {
  it("says the same while nothing changed, and a role changed by another instance at the next ask", async () => {
    h = await startHarness();
    const first = await whoami("admin");
    expect(first).toContain("You are *Admin*");
    expect(await whoami("admin")).toBe(first);
    expect(await whoami("teammate")).toContain("You are *Teammate*");

    // Another instance (or the CLI) on the same database.
    const other = await openSqliteCore(h.db);
    await other.core.changeRole(h.as("owner"), { email: "admin@acme.test" }, "teammate");
    await other.close();
    expect(await whoami("admin")).toContain("You are *Teammate*");
  });

  it("shows a grant until its end, and not after, though its end wrote nothing", async () => {
    const clock = manualClock("2026-03-02T14:00:00.000Z");
    h = await startHarness({}, { clock });
    const granted = await h.slash("owner", "grant tm@acme.test team_settings for 30m quarterly review");
    expect(granted.http.status).toBe(200);
    const during = await whoami("teammate");
    expect(during).toContain("Temporary access");
    expect(await whoami("teammate")).toBe(during);
    clock.advance(31 * 60_000);
    const after = await whoami("teammate");
    expect(after).toContain("You are *Teammate*");
    expect(after).not.toContain("Temporary access");
  });
});
