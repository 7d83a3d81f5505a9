import { isIP } from "node:net";
import { z } from "zod";
import { normalizeAddress } from "./shared/client-address.js";
import { parseEncryptionKey } from "./shared/token-cipher.js";

/** REQUEST_BODY_TIMEOUT_MS's default (PRODUCT §9). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

const hours = (fallback: number) =>
  z.coerce
    .number({ message: "must be a number of hours" })
    .int("must be a whole number of hours")
    .min(1, "must be at least 1 hour")
    .max(24 * 365, "must be at most a year")
    .default(fallback);

const seconds = (fallback: number) =>
  z.coerce
    .number({ message: "must be a number of seconds" })
    .min(0.01, "must be more than 0")
    .max(86_400, "must be at most a day")
    .default(fallback);

const milliseconds = (fallback: number, least: number, most: number, mostInWords: string) =>
  z.coerce
    .number({ message: "must be a number of milliseconds" })
    .int("must be a whole number of milliseconds")
    .min(least, `must be at least ${least}`)
    .max(most, `must be at most ${most} (${mostInWords})`)
    .default(fallback);

const optionalText = z
  .string()
  .trim()
  .transform((s) => (s === "" ? undefined : s))
  .optional();

/** A key that seals Slack tokens at rest; the value itself is never repeated in a message. */
const encryptionKey = optionalText.refine(
  (v) => v === undefined || parseEncryptionKey(v) !== null,
  "must be 32 random bytes in base64, e.g. the output of: openssl rand -base64 32",
);

/** Comma-separated IP addresses of the proxies whose X-Forwarded-For is believed. */
const trustedProxies = z
  .string()
  .default("")
  .transform((raw, ctx) => {
    const listed = raw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = listed.filter((a) => isIP(a) === 0);
    if (bad.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `must be comma-separated IP addresses (e.g. 10.0.0.5,10.0.0.6); not an address: ${bad.map((b) => JSON.stringify(b)).join(", ")}`,
      });
      return z.NEVER;
    }
    return listed.map(normalizeAddress);
  });

/** An address links are built on: http(s), with no query or fragment to break the paths put after it. */
const isBaseUrl = (value: string): boolean => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    (url.protocol === "https:" || url.protocol === "http:") &&
    !url.search &&
    !url.hash &&
    !value.includes("#")
  );
};

/** Whether an address is this machine's, where browsers treat plain http as secure. */
export const isLoopback = (url: string): boolean =>
  ["localhost", "127.0.0.1", "[::1]"].includes(new URL(url).hostname);

/** Whether DATABASE_URL names a PostgreSQL server (`postgres://` or `postgresql://`); else it is a SQLite file. */
export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url.trim());

/** DATABASE_URL as it may be shown to a person: a PostgreSQL URL without its password. */
export const shownDatabaseUrl = (url: string): string => {
  if (!isPostgresUrl(url) || !URL.canParse(url)) return url;
  const shown = new URL(url);
  if (shown.password) shown.password = "***";
  return shown.toString();
};

const schema = z
  .object({
    PORT: z.coerce.number({ message: "must be a port number" }).int().min(0).max(65535).default(3000),
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_BOT_TOKEN: optionalText.refine(
      (v) => v === undefined || v.startsWith("xoxb-"),
      "must start with xoxb-",
    ),
    SLACK_APP_TOKEN: optionalText.refine(
      (v) => v === undefined || v.startsWith("xapp-"),
      "must start with xapp-",
    ),
    // OAuth mode (many workspaces install Rolecall): see slackMode for what each mode needs.
    SLACK_CLIENT_ID: optionalText,
    SLACK_CLIENT_SECRET: optionalText,
    SLACK_STATE_SECRET: optionalText,
    ROLECALL_ENCRYPTION_KEY: encryptionKey,
    // The key being rotated out: it still opens tokens sealed before the rotation (rolecall reencrypt).
    ROLECALL_ENCRYPTION_KEY_PREVIOUS: encryptionKey,
    SLACK_API_URL: z.url({ message: "must be a URL" }).default("https://slack.com/api/"),
    // Where Slack's response_urls live; a response_url anywhere else is refused (proxies, tests).
    SLACK_HOOKS_URL: z.url({ message: "must be a URL" }).default("https://hooks.slack.com/"),
    DATABASE_URL: z.string().trim().min(1, "must not be empty").default("data/rolecall.db"),
    // PostgreSQL only: connections each instance may hold.
    DATABASE_POOL_MAX: z.coerce
      .number({ message: "must be a number of connections" })
      .int("must be a whole number of connections")
      .min(1, "must be at least 1")
      .max(1_000, "must be at most 1,000")
      .default(10),
    CACHE_MAX_ACCOUNTS: z.coerce
      .number({ message: "must be a number of accounts" })
      .int("must be a whole number of accounts")
      .min(1, "must be at least 1")
      .max(10_000_000, "must be at most 10,000,000")
      .default(10_000),
    SMTP_URL: optionalText.refine(
      (v) => v === undefined || /^smtps?:\/\//.test(v),
      "must start with smtp:// or smtps://",
    ),
    MAIL_FROM: z.string().trim().min(3).default("Rolecall <no-reply@localhost>"),
    TRUSTED_PROXIES: trustedProxies,
    APP_BASE_URL: optionalText.refine(
      (v) => v === undefined || isBaseUrl(v),
      "must be an http(s) address with no query or fragment, e.g. https://rolecall.example.com",
    ),
    INVITE_TTL_HOURS: hours(168),
    REQUEST_TTL_HOURS: hours(168),
    GRANT_MAX_HOURS: hours(72),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    // `npm start` without Slack settings: print the try-out tour and exit instead of serving it (scripts).
    ROLECALL_ONCE: z.stringbool({ message: "must be 1 or 0 (true/false)" }).default(false),
    LOG_FORMAT: z
      .string()
      .trim()
      .toLowerCase()
      .default("json")
      .pipe(
        z.enum(["json", "pretty"], {
          message: "must be json (one JSON object a line, for log collectors) or pretty (for a terminal)",
        }),
      ),
    // Turns GET /metrics on, behind `Authorization: Bearer <METRICS_TOKEN>`.
    METRICS_TOKEN: optionalText.refine(
      (v) => v === undefined || v.length >= 16,
      "must be at least 16 characters (e.g. the output of: openssl rand -hex 24)",
    ),
    // A request (its headers and body) must arrive within this, or it gets 408 and its connection closes.
    REQUEST_BODY_TIMEOUT_MS: milliseconds(DEFAULT_REQUEST_TIMEOUT_MS, 100, 600_000, "ten minutes"),
    // On SIGTERM, how long requests are still served after /readyz turns 503 (SIGINT: none).
    SHUTDOWN_DRAIN_MS: milliseconds(5_000, 0, 300_000, "five minutes"),
    // Tuning for the mail outbox (not in the contract; defaults suit production).
    MAIL_RETRY_SECONDS: seconds(30),
    MAIL_LEASE_SECONDS: seconds(120),
  })
  .transform((env) => ({
    ...env,
    APP_BASE_URL: (env.APP_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ""),
  }));

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(
      `Rolecall cannot start; fix these environment variables:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

/** Reads the environment once; every problem is named together. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join(".")} ${i.message}`));
};
