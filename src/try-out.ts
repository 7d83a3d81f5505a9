import { DEMO_OWNER, seedTryOut } from "./cli/demo.js";
import type { Config } from "./config.js";
import { CoreError } from "./core/errors.js";
import type { ActorContext } from "./core/index.js";
import { OPENAPI_PATH } from "./http/openapi.js";
import { mailDirectory } from "./mail/transport.js";
import type { Wired } from "./wiring.js";

/** The try-out's invitee: the tour prints a link to her invite page. */
const INVITEE = "ivy@acme.test";

/**
 * `npm start` without Slack settings, served (PRODUCT §9's PORT): seeds the try-out as `rolecall demo`
 * does, then makes sure what the tour prints works while the server runs — a pending invite whose
 * link is shown, and an API key for the `curl` line. Runs on the opened database before the mail
 * worker starts, so the invite's mail is still in the outbox (with its link) when it is read here.
 */
export const prepareLiveTryOut = async (wired: Wired, config: Config): Promise<string> => {
  const { core } = wired;
  const seeded = await seedTryOut(core, config.DATABASE_URL);
  const { accountId } = seeded;
  if (!accountId) return seeded.text;
  const base = config.APP_BASE_URL;
  // The key is shown only when the account is made; on later starts the try-out gets a new one, and
  // the old one keeps working for a day, like any rotation with grace.
  const apiKey = seeded.apiKey ?? (await core.rotateApiKey({ accountId }, 24)).apiKey;
  const invite = await pendingInviteLink(wired, accountId, base);
  const mailDir = config.SMTP_URL ? null : mailDirectory(config.DATABASE_URL);
  return [
    seeded.text,
    "",
    `Rolecall now serves the try-out at ${base} until Ctrl-C:`,
    invite
      ? `  ${INVITEE}'s invite, to open in a browser (Accept makes her active${mailDir ? `; mail is written as .eml files under ${mailDir}/` : ""}):\n    ${invite}`
      : `  ${INVITEE} has accepted her invite; invite someone (npx rolecall --as ${DEMO_OWNER} add …) and open the link in their mail.`,
    seeded.apiKey
      ? "  The API, as the rest of the product asks it:"
      : "  The API, as the rest of the product asks it (with a new key; the previous one works for 24 more hours):",
    `    curl -s ${base}/api/v1/members -H "Authorization: Bearer ${apiKey}"`,
    `  Its OpenAPI document: ${base}${OPENAPI_PATH}   Liveness: ${base}/healthz`,
    "(npm start -- --once, or ROLECALL_ONCE=1, prints the tour and exits.)",
  ].join("\n");
};

/**
 * A link to a pending invite of the try-out's invitee: the one still waiting in the outbox, or a new
 * one (resent, or invited again after a removal). None once she is active.
 */
const pendingInviteLink = async (wired: Wired, accountId: string, base: string): Promise<string | null> => {
  const { core, store } = wired;
  const owner: ActorContext = { accountId, actor: { email: DEMO_OWNER }, source: "cli" };
  const waiting = async () => {
    const now = new Date();
    for (const row of (await store.listMail()).reverse()) {
      const mail = row.mail;
      if (row.accountId !== accountId || row.status !== "queued" || mail.kind !== "invite") continue;
      if (mail.to === INVITEE && (await store.invitePending(mail.inviteId, now))) return mail.token;
    }
    return null;
  };
  let token = await waiting();
  if (token) return `${base}/invites/${token}`;
  let status: string | null = null;
  try {
    status = (await core.apiMember(accountId, INVITEE)).status;
  } catch (error) {
    if (!(error instanceof CoreError)) throw error;
  }
  if (status === "active") return null;
  if (status === "invited") await core.resendInvite(owner, { email: INVITEE });
  else await core.addMember(owner, { email: INVITEE, role: "teammate", name: "Ivy Invited" });
  token = await waiting();
  return token ? `${base}/invites/${token}` : null;
};
