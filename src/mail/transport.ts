import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer/index.js";
import { type Config, isPostgresUrl } from "../config.js";
import type { Logger } from "../log.js";

export interface MailTransport {
  /** Sends one message; rejects with nodemailer's error (with `responseCode` for SMTP replies). */
  send(message: Mail.Options): Promise<void>;
  close(): void;
  describe: string;
}

/** Where mail goes without SMTP_URL: `mail/` beside the SQLite file (data/mail/ by default, and for PostgreSQL). */
export const mailDirectory = (databaseUrl: string): string =>
  databaseUrl === ":memory:" || isPostgresUrl(databaseUrl)
    ? join("data", "mail")
    : join(dirname(databaseUrl), "mail");

/**
 * One pooled SMTP transport with sane timeouts when SMTP_URL is set; otherwise each message is
 * written as an .eml file, and the log says where.
 */
export const createMailTransport = (
  config: Pick<Config, "SMTP_URL" | "DATABASE_URL">,
  logger: Logger,
): MailTransport => {
  if (config.SMTP_URL) {
    const transport = nodemailer.createTransport(config.SMTP_URL, {
      pool: true,
      maxConnections: 2,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as Parameters<typeof nodemailer.createTransport>[1]);
    const where = new URL(config.SMTP_URL);
    return {
      describe: `SMTP ${where.hostname}:${where.port || "25"}`,
      send: async (message) => {
        await transport.sendMail(message);
      },
      close: () => transport.close(),
    };
  }
  const dir = mailDirectory(config.DATABASE_URL);
  logger.info(`No SMTP_URL is set: mail is written as .eml files under ${dir}/`);
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    describe: `files in ${dir}/`,
    send: async (message) => {
      const info = await stream.sendMail(message);
      mkdirSync(dir, { recursive: true });
      const safeId = String(message.messageId ?? Date.now()).replace(/[^A-Za-z0-9.-]/g, "_");
      writeFileSync(
        join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${safeId}.eml`),
        info.message as Buffer,
      );
    },
    close: () => {},
  };
};

/** 5xx replies are final; connection errors, timeouts and 4xx replies are worth another try. */
export const isPermanentFailure = (error: unknown): boolean => {
  const code = (error as { responseCode?: unknown })?.responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
};
