import type { Installation } from "../core/model.js";
import type { InstallationStore, StoreReads } from "../core/ports.js";
import { openTokens, sealTokens, type TokenCipher, TokenCipherError } from "./token-cipher.js";

export interface ReencryptReport {
  /** Installations whose tokens were resealed under the current key. */
  reencrypted: number;
  /** Installations whose tokens the current key had sealed already. */
  current: number;
  /** Installations left as they were, with why (never token material). */
  failures: { key: string; reason: string }[];
}

/** What resealing needs of a store (the app's store is one). */
export interface ResealableStore {
  installations: Pick<InstallationStore, "listInstallations" | "resealTokens">;
  findInstallation: StoreReads["findInstallation"];
}

/** A refresh between our read and our write costs one more try; this many in a row is not chance. */
const ATTEMPTS = 5;

/**
 * Seals every installation's tokens under the cipher's current key (a key rotation's last step), so
 * the previous key can go. Every installation is opened, including those already current, so a
 * clean report means every token opens with the current key alone. One that does not open is
 * reported, and the others are still resealed.
 */
export const reencryptInstallations = async (
  store: ResealableStore,
  cipher: TokenCipher,
): Promise<ReencryptReport> => {
  const report: ReencryptReport = { reencrypted: 0, current: 0, failures: [] };
  for (const installation of await store.installations.listInstallations()) {
    const outcome = await reseal(store, cipher, installation);
    if (outcome === "reencrypted") report.reencrypted++;
    else if (outcome === "current") report.current++;
    else if (outcome !== "uninstalled")
      report.failures.push({ key: installation.key, reason: outcome.failed });
  }
  return report;
};

type Outcome = "reencrypted" | "current" | "uninstalled" | { failed: string };

const reseal = async (
  store: ResealableStore,
  cipher: TokenCipher,
  listed: Installation,
): Promise<Outcome> => {
  let installation: Installation | null = listed;
  for (let attempt = 0; attempt < ATTEMPTS && installation; attempt++) {
    const { key, tokens } = installation;
    let plain: ReturnType<typeof openTokens>;
    try {
      plain = openTokens(cipher, key, tokens);
    } catch (error) {
      if (error instanceof TokenCipherError) return { failed: error.message };
      throw error;
    }
    const sealed = [tokens.botToken, tokens.refreshToken].filter((t) => t !== null);
    if (sealed.every((t) => cipher.isCurrent(t))) return "current";
    // Compare-and-set: false when a token refresh replaced them meanwhile; read those and go again.
    if (await store.installations.resealTokens(key, tokens, sealTokens(cipher, key, plain)))
      return "reencrypted";
    installation = await store.findInstallation(key);
  }
  return installation
    ? { failed: `its tokens changed ${ATTEMPTS} times while being resealed; run rolecall reencrypt again.` }
    : "uninstalled";
};
