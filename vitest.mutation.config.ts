import { defineConfig } from "vitest/config";

/**
 * `npm run test:mutation` (Stryker) runs these: only suites that work in-process — no spawned CLI,
 * no HTTP server, no SMTP — so each of the thousands of mutant runs takes milliseconds. Mutants of
 * src/core are judged by the core's own suites and the store's, which drive the core through SQLite.
 */
export default defineConfig({
  test: {
    include: ["test/core/**/*.test.ts", "test/store/**/*.test.ts", "test/http/rate-limit.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
