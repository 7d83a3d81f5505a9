import { defineConfig } from "vitest/config";

/**
 * `npm run test:postgres`: the suites that hold for both engines, on the PostgreSQL server at
 * TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), each test in a schema of its
 * own that is dropped after it. `npm test` runs the same files on SQLite.
 */
export default defineConfig({
  test: {
    include: [
      "test/store/contract.test.ts",
      "test/core/rules.test.ts",
      "test/core/authz.test.ts",
      "test/core/roles.test.ts",
      "test/core/refusals.test.ts",
      "test/core/requests-core.test.ts",
      "test/core/apikey.test.ts",
      "test/core/accounts.test.ts",
      "test/core/team-list.test.ts",
      "test/core/matrix-visibility.test.ts",
      "test/core/forms.test.ts",
      "test/core/api-reads.test.ts",
      "test/core/readiness.test.ts",
      "test/core/settings.test.ts",
      "test/core/audit-log.test.ts",
      "test/core/input-checks.test.ts",
      "test/core/adding-members.test.ts",
      "test/core/installs.test.ts",
      "test/core/grants.test.ts",
      // Not test/cli/newcomer.test.ts: a fresh clone's SQLite file on disk, with no DATABASE_URL.
      "test/cli/cli.test.ts",
      "test/cli/race.test.ts",
      "test/cli/reencrypt.test.ts",
      "test/shared/reencrypt.test.ts",
      "test/slack/requests-once.test.ts",
      "test/slack/grants-once.test.ts",
      // Many writers to one account queue on its row lock (and across two instances).
      "test/slack/busy-account.test.ts",
      "test/commands/grants.test.ts",
      "test/slack/install.test.ts",
      "test/e2e/instances.test.ts",
      // /metrics reads the outbox and pending requests from the store on each scrape.
      "test/http/metrics.test.ts",
      // Wrong API keys: the lookups they cost (none past the limit), counted on the store.
      "test/http/wrong-api-keys.test.ts",
      // PostgreSQL only: the database going away and coming back.
      "test/postgres/*.pg-test.ts",
    ],
    setupFiles: ["test/helpers/setup.ts"],
    env: { ROLECALL_TEST_ENGINE: "postgres" },
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
