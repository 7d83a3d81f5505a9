import type { DecisionState, Member } from "../../src/core/model.js";
import { defaultMatrix } from "../../src/core/permissions.js";
import type { Role } from "../../src/core/roles.js";

export const fixtureMember = (id: string, email: string, role: Role, name: string | null = null): Member => ({
  id,
  accountId: "acc",
  email,
  name,
  phone: null,
  role,
  status: "active",
  slackUserId: null,
  invitedBy: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
});

/** Owner o1@x.test acting on owner o2@x.test ("Second Owner"), default matrix. */
export const fixtureState = (over: Partial<DecisionState> = {}): DecisionState => ({
  account: {
    id: "acc",
    slackTeamId: "T1",
    name: "X",
    approvalsChannel: null,
    fourEyes: false,
    version: 1,
    createdAt: "",
    apiKey: { prefix: "rc_abcdefg", createdAt: "", previous: [] },
  },
  actor: fixtureMember("m-o1", "o1@x.test", "owner"),
  target: fixtureMember("m-o2", "o2@x.test", "owner", "Second Owner"),
  activeOwnerCount: 2,
  matrix: defaultMatrix(),
  grants: [],
  now: new Date("2026-01-01T00:00:00.000Z"),
  ...over,
});
