// Preloaded into an app process by memory tests (NODE_OPTIONS=--require): on SIGUSR2 it runs a full
// garbage collection and says so on stderr, so the test reads a resident size that holds only what
// is still referenced, not garbage that V8 has merely not collected yet.
const { setFlagsFromString } = require("node:v8");
const { runInNewContext } = require("node:vm");

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");

process.on("SIGUSR2", () => {
  gc();
  gc();
  process.stderr.write("gc-probe: collected\n");
});
