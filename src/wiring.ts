import type { Config } from "./config.js";
import { AccessCore } from "./core/access-core.js";
import { type Clock, systemClock } from "./core/ports.js";
import { type Db, openDatabase } from "./store/open.js";
import { SqliteRequestStore } from "./store/requests.js";
import { SqliteStore } from "./store/sqlite-store.js";

export interface Wired {
  db: Db;
  store: SqliteStore;
  core: AccessCore;
  close(): void;
}

/** Opens the database and builds the access core on it. */
export const wireCore = (
  config: Pick<Config, "DATABASE_URL" | "INVITE_TTL_HOURS"> &
    Partial<Pick<Config, "REQUEST_TTL_HOURS" | "CACHE_MAX_ACCOUNTS">>,
  clock: Clock = systemClock,
): Wired => {
  const db = openDatabase(config.DATABASE_URL);
  const store = new SqliteStore(db);
  const core = new AccessCore({
    store,
    clock,
    inviteTtlHours: config.INVITE_TTL_HOURS,
    requestStore: new SqliteRequestStore(db),
    requestTtlHours: config.REQUEST_TTL_HOURS ?? 168,
    ...(config.CACHE_MAX_ACCOUNTS ? { cacheMaxAccounts: config.CACHE_MAX_ACCOUNTS } : {}),
  });
  return { db, store, core, close: () => db.close() };
};
