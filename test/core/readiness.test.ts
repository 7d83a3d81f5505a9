import { describe, expect, it } from "vitest";
import { LATEST_SCHEMA_VERSION } from "../../src/store/migrations/index.js";
import { tempDatabase } from "../helpers/cli.js";
import { setSchemaVersion } from "../helpers/sql.js";
import { openCore } from "../helpers/team.js";

describe("/readyz: the core says whether the database answers with the schema this code knows", () => {
  it("is ready while the database is open, and not once it is closed", async () => {
    const wired = await openCore();
    expect(await wired.core.ready()).toBe(true);
    await wired.close();
    expect(await wired.core.ready()).toBe(false);
  });

  it("is not ready once a newer Rolecall migrated the database (a rolling upgrade)", async () => {
    const db = await tempDatabase();
    const wired = await openCore(db.db);
    expect(await wired.core.ready()).toBe(true);
    await setSchemaVersion(db.db, LATEST_SCHEMA_VERSION + 1);
    expect(await wired.core.ready()).toBe(false);
    await wired.close();
    await db.cleanup();
  });
});
