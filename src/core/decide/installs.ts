import type { Decision } from "../decision.js";
import { nothingToDo } from "../decision.js";
import type { AuditTarget, DecisionState, Installation } from "../model.js";

/** Why Slack says an installation ended: the app was removed, or its tokens were revoked. */
export type UninstallReason = "app_uninstalled" | "tokens_revoked";

/** What the audit keeps of an installation: who installed it and what it may do, never a token. */
const described = (i: Installation) => ({
  installer: i.installerUserId,
  scopes: i.scopes,
  orgWide: i.isEnterpriseInstall,
});

const target = (key: string): AuditTarget => ({ type: "installation", key });

/** Stores a new or updated installation; a reinstall replaces the old one and keeps the account. */
export const decideInstall = (before: Installation | null, installation: Installation): Decision<void> => {
  return {
    changes: [{ kind: "saveInstallation", installation }],
    audit: [
      {
        action: "app.installed",
        target: target(installation.key),
        before: before ? described(before) : null,
        after: { ...described(installation), reinstall: before !== null },
      },
    ],
    mails: [],
    result: undefined,
  };
};

/**
 * Removes the installation that Slack says ended at `at`. An event about an older installation —
 * late, or delivered again after a reinstall — finds a newer one and removes nothing: only an
 * installation stored before the event happened can be the one it is about.
 */
export const decideUninstall = (
  state: DecisionState,
  at: Date,
  reason: UninstallReason,
): Decision<{ removed: boolean }> => {
  const current = state.installation ?? null;
  if (!current || Date.parse(current.installedAt) >= at.getTime()) return nothingToDo({ removed: false });
  return {
    changes: [{ kind: "deleteInstallation", key: current.key }],
    audit: [
      {
        action: "app.uninstalled",
        target: target(current.key),
        before: described(current),
        after: { reason },
      },
    ],
    mails: [],
    result: { removed: true },
  };
};
