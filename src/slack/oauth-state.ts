import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { InstallURLOptions, StateStore } from "@slack/bolt";
import type { Clock, InstallationStore } from "../core/ports.js";

/** How long an Add-to-Slack click may take from Rolecall's page to Slack's redirect back. */
export const STATE_TTL_MS = 10 * 60_000;

/** Bolt's InstallProvider shows the failure page for errors with this code (the state is not good). */
export class InvalidStateError extends Error {
  override readonly name = "InvalidStateError";
  readonly code = "slack_oauth_invalid_state";
}

/**
 * The OAuth `state`: a random nonce and its time, signed with SLACK_STATE_SECRET, good for ten
 * minutes and once. Bolt checks it against the browser's cookie (so it is this browser's install);
 * this store checks the signature and age, then spends the nonce in the database, so a replayed
 * redirect is refused on every instance.
 */
export class SingleUseStateStore implements StateStore {
  constructor(
    private readonly secret: string,
    private readonly installations: Pick<InstallationStore, "consumeOAuthState">,
    private readonly clock: Clock,
    private readonly installOptions: InstallURLOptions,
  ) {}

  private sign(payload: string): Buffer {
    return createHmac("sha256", this.secret).update(payload).digest();
  }

  async generateStateParam(_options: InstallURLOptions, now: Date): Promise<string> {
    const payload = `${randomBytes(18).toString("base64url")}.${now.getTime()}`;
    return `${payload}.${this.sign(payload).toString("base64url")}`;
  }

  async verifyStateParam(_now: Date, state: string): Promise<InstallURLOptions> {
    const parts = state.split(".");
    const [nonce, issued, signature] = parts.length === 3 ? parts : [];
    const payload = `${nonce}.${issued}`;
    const given = Buffer.from(signature ?? "", "base64url");
    const expected = this.sign(payload);
    if (!nonce || !issued || given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new InvalidStateError("The install link is not one Rolecall made.");
    const issuedAt = Number(issued);
    const now = this.clock.now().getTime();
    if (!Number.isSafeInteger(issuedAt) || now - issuedAt > STATE_TTL_MS || issuedAt - now > 60_000)
      throw new InvalidStateError("The install link has expired.");
    if (
      !(await this.installations.consumeOAuthState(nonce, new Date(issuedAt + STATE_TTL_MS), new Date(now)))
    )
      throw new InvalidStateError("The install link was already used.");
    return this.installOptions;
  }
}
