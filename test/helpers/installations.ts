import type { Installation, SealedTokens } from "../../src/core/model.js";
import { sealTokens, type TokenCipher } from "../../src/slack/token-cipher.js";
import type { Wired } from "../../src/wiring.js";

/** The tokens a test workspace was given: readable, so a test can tell whose they are. */
export const tokensOf = (key: string, refresh = true) => ({
  botToken: `xoxb-${key}-bot`,
  refreshToken: refresh ? `xoxe-1-${key}-refresh` : null,
});

/** Rolecall installed in workspace `key`, holding `tokens` (sealed). */
export const installationOf = (key: string, accountId: string, tokens: SealedTokens): Installation => ({
  key,
  accountId,
  teamId: key,
  enterpriseId: null,
  isEnterpriseInstall: false,
  appId: "A0ROLECALL",
  botId: "B0BOT",
  botUserId: "U0BOT",
  scopes: ["commands", "chat:write"],
  installerUserId: "U0OWNER",
  installedAt: "2026-11-01T00:00:00.000Z",
  tokenExpiresAt: null,
  tokens,
});

/**
 * An account for workspace `key` with its installation, its tokens sealed by `cipher`, written the
 * way an install writes it (one saveInstallation change through the store's apply, audited).
 */
export const install = async (
  wired: Wired,
  key: string,
  cipher: TokenCipher,
  over: Partial<Installation> = {},
): Promise<Installation> => {
  const { account } = await wired.core.createAccount({
    slackTeamId: key,
    name: `Workspace ${key}`,
    ownerEmail: `owner@${key.toLowerCase()}.test`,
    ownerSlackUserId: null,
  });
  const installation = {
    ...installationOf(key, account.id, sealTokens(cipher, key, tokensOf(key))),
    ...over,
  };
  const version = (await wired.store.getAccount(account.id))?.version ?? 0;
  const ctx = {
    accountId: account.id,
    actor: "system",
    source: "slack",
    requestId: null,
    now: new Date(),
  } as const;
  const saved = await wired.store.apply(ctx, version, {
    changes: [{ kind: "saveInstallation", installation }],
    audit: [{ action: "app.installed", target: { type: "installation", key }, before: null, after: null }],
    mails: [],
    result: null,
  });
  if (!saved) throw new Error(`installing ${key} met a conflict`);
  return installation;
};
