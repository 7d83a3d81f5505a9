/**
 * The core's public face: what the doors (Slack, the CLI, HTTP, `commands/`) and the wiring import.
 * `AccessCore` is the one object they call; the rest are the types and refusals its answers carry.
 * Modules behind this index are the core's own business.
 */
export * from "./access-core.js";
export type { ChangeResult } from "./decide/shared.js";
export * from "./errors.js";
export * from "./model.js";
export * from "./permissions.js";
export {
  type ApprovalOutcome,
  type RequestAnswer,
  type RequestChoice,
  unexpectedAnswer,
} from "./requests.js";
export * from "./roles.js";
