/** What Rolecall asks of each workspace (manifest.yml lists the same; a test holds them together). */
export const BOT_SCOPES = ["commands", "chat:write", "users:read", "users:read.email", "im:write"] as const;
