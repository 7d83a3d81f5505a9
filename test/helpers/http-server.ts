import type { AccessCore } from "../../src/core/access-core.js";
import { RateLimiter } from "../../src/http/rate-limit.js";
import { createHttpServer, type HttpDeps, type RolecallServer } from "../../src/http/server.js";
import { createLogger } from "../../src/log.js";

/**
 * Rolecall's HTTP server alone (no Slack app, no mail worker) on `core`, listening on a free
 * loopback port: for what the server itself promises (timeouts, shutdown, readiness, pages).
 */
export const listeningServer = async (
  core: AccessCore,
  options: Partial<Pick<HttpDeps, "slackEvents" | "requestTimeoutMs" | "apiKeyAttempts">> = {},
): Promise<{ server: RolecallServer; port: number; base: string }> => {
  const logger = createLogger("silent");
  const server = createHttpServer({
    core,
    logger,
    slackEvents: null,
    invites: { core, logger, limiter: new RateLimiter(30, 60_000), trustedProxies: new Set() },
    ...options,
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return { server, port, base: `http://127.0.0.1:${port}` };
};
