import { describeIntent } from "../commands/lib/grammar.js";
import type { Config } from "./config.js";
import { AccessCore } from "./core/index.js";
import type { IntentWords } from "./core/intents.js";
import { type Clock, systemClock } from "./core/ports.js";
import type { Logger } from "./log.js";
import { type OpenedStore, openStore } from "./store/open-store.js";
import { describeEffect } from "./words/en/intents.js";

/** The words a request is filed with: its change in the command grammar, its effect in English. */
export const intentWords: IntentWords = { summary: describeIntent, effect: describeEffect };

export interface Wired extends OpenedStore {
  core: AccessCore;
}

/** Opens the database (SQLite, or PostgreSQL for a postgres:// URL) and builds the access core on it. */
export const wireCore = async (
  config: Pick<Config, "DATABASE_URL" | "INVITE_TTL_HOURS"> &
    Partial<
      Pick<Config, "REQUEST_TTL_HOURS" | "GRANT_MAX_HOURS" | "CACHE_MAX_ACCOUNTS" | "DATABASE_POOL_MAX">
    >,
  clock: Clock = systemClock,
  logger?: Pick<Logger, "warn">,
): Promise<Wired> => {
  const opened = await openStore(config, logger);
  const { store } = opened;
  const core = new AccessCore({
    store,
    clock,
    inviteTtlHours: config.INVITE_TTL_HOURS,
    requestStore: store.requests,
    requestTtlHours: config.REQUEST_TTL_HOURS ?? 168,
    grantStore: store.grants,
    grantMaxHours: config.GRANT_MAX_HOURS ?? 72,
    ...(config.CACHE_MAX_ACCOUNTS ? { cacheMaxAccounts: config.CACHE_MAX_ACCOUNTS } : {}),
    words: intentWords,
  });
  return { ...opened, core };
};
