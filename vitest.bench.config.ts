import { defineConfig } from "vitest/config";

/** `npm run bench`: the benchmarks against the peers (not part of `npm test`). */
export default defineConfig({
  test: {
    include: ["bench/**/*.bench.ts"],
    testTimeout: 180_000,
    fileParallelism: false,
  },
});
