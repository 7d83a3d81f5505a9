import type { Config } from "./config.js";
import { createMailTransport, type MailTransport } from "./mail/transport.js";
import { OutboxWorker, type WorkerOptions } from "./mail/worker.js";

type MailConfig = Pick<
  Config,
  "SMTP_URL" | "DATABASE_URL" | "APP_BASE_URL" | "MAIL_FROM" | "MAIL_RETRY_SECONDS" | "MAIL_LEASE_SECONDS"
>;

/**
 * The mail worker and its transport, built from the configuration (composition, like wiring.ts):
 * server.ts runs the worker on a beat, `rolecall mail send` once. The caller closes the transport.
 */
export const createMailer = (
  config: MailConfig,
  deps: Pick<WorkerOptions, "store" | "clock" | "logger"> & Partial<WorkerOptions>,
): { worker: OutboxWorker; transport: MailTransport } => {
  const transport = createMailTransport(config, deps.logger);
  const worker = new OutboxWorker({
    transport,
    baseUrl: config.APP_BASE_URL,
    from: config.MAIL_FROM,
    backoffMs: config.MAIL_RETRY_SECONDS * 1000,
    leaseMs: config.MAIL_LEASE_SECONDS * 1000,
    ...deps,
  });
  return { worker, transport };
};
