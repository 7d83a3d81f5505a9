#!/usr/bin/env node
// The compiled CLI; `npm ci` builds it (the prepare script), or run `npm run build`.
import("../dist/src/cli/main.js").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/src/cli/main.js")) {
    console.error("Rolecall is not built yet: run `npm run build` (npm ci does it for you).");
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
