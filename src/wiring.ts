import { intentOf } from "../commands/index.js";
import type { Config } from "./config.js";
import { AccessCore } from "./core/access-core.js";
import { CoreError, TEMPORARY_CODES } from "./core/errors.js";
import { parseIntent } from "./core/intents.js";
import { type Clock, systemClock } from "./core/ports.js";
import type { Logger } from "./log.js";
import { type OpenedStore, openStore, type RolecallStore } from "./store/open-store.js";
import { refusalWords } from "./words/en/refusals.js";
import { plainDoor } from "./words/format.js";

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
  });
  try {
    await carryOverWordRequests(store.requests, core);
  } catch (error) {
    await opened.close();
    throw error;
  }
  return { ...opened, core };
};

/**
 * Requests filed before they stored their typed change (schema version 8) hold the `/team` words
 * they were filed with. Each pending one is read once with the grammar of that time — the same as
 * today's for these words — and keeps its change from then on; one that no longer reads is closed,
 * and its requester is told why in Slack.
 */
const carryOverWordRequests = async (
  requests: RolecallStore["requests"],
  core: AccessCore,
): Promise<void> => {
  for (const { request, words } of await requests.legacyRequests()) {
    try {
      await requests.setIntent(request.accountId, request.id, parseIntent(intentOf(words)));
    } catch (error) {
      if (!(error instanceof CoreError) || TEMPORARY_CODES.has(error.code)) throw error;
      await core.requests.close(
        request,
        `Rolecall could not carry this request over to its new version (${refusalWords(error.refusal, plainDoor)}). Please file it again.`,
      );
    }
  }
};
