/**
 * With several instances, one at a time brings a request's Slack copies up to date: it leases the
 * request until `slack_lease_until`, so a post, an update or an announcement goes out once; a lease
 * left by an instance that died runs out and another takes the work over.
 */
export const sqlite = /* sql */ `
ALTER TABLE change_requests ADD COLUMN slack_lease_until TEXT;
`;

export const postgres = sqlite;
