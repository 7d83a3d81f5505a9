import { defineConfig } from "vitest/config";

/** `npm run test:browser`: tests that need Debian's Chromium (installed by .ci/run). */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.browser.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
