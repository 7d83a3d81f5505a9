import { createInterface } from "node:readline/promises";
import { runCli } from "./cli.js";

/** A question on stderr (stdout stays the answer's, --json included), answered on a terminal's stdin. */
const ask = async (question: string): Promise<string> => {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await prompt.question(question);
  } catch {
    return ""; // Ctrl+D or Ctrl+C: no answer, so nothing is confirmed.
  } finally {
    prompt.close();
  }
};

const code = await runCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  ...(process.stdin.isTTY ? { ask } : {}),
});
process.exitCode = code;
