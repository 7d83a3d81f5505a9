import { afterEach, expect } from "vitest";
import { liveFakes } from "./fake-slack.js";

/**
 * One check after every test: no Web API call (or response_url reply) that the test did not expect
 * to fail answered `ok: false`. A kind fake once hid that background posts went out without a token.
 */
afterEach(() => {
  const failures = [...liveFakes].flatMap((fake) => fake.takeUnexpectedFailures());
  expect(
    failures.map((c) => `${c.method} → ${c.error}`),
    "Slack Web API calls that failed unexpectedly",
  ).toEqual([]);
});
