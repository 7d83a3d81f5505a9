import { timingSafeEqual } from "node:crypto";
import { authorize, permits } from "./authz.js";
import type { Changes } from "./changes.js";
import { type ChangeResult, decideRotateApiKey } from "./decide.js";
import type { Actor, ActorContext, Engine } from "./engine.js";
import { CoreError } from "./errors.js";
import { emailSchema, parseInput } from "./input.js";
import type { ApiKeyInfo, Member } from "./model.js";
import type { ResultOf } from "./outcomes.js";
import type { MaybePromise } from "./permission-cache.js";
import { PERMISSION_KEYS, type PermissionKey } from "./permissions.js";
import type { ApiKeyCandidate } from "./ports.js";
import type { Role } from "./roles.js";
import { newApiKey, sameSecretHash, sha256Hex } from "./tokens.js";

export interface RotatedKey {
  ok: true;
  changed: true;
  /** The new key, in full: shown this once and never stored. */
  apiKey: string;
  prefix: string;
  /** When the old key stops working: an ISO time, or "now". */
  oldKeyWorksUntil: string;
}

/** A rotation asked for from a key no longer in use: somebody already rotated it (`prefix` is in use). */
export interface AlreadyRotated {
  ok: true;
  changed: false;
  alreadyRotated: true;
  prefix: string;
}

/** With four-eyes on, an Owner's rotation without grace waits for a second Owner: not rotated yet. */
export type HeldForSecondOwner = ResultOf<"request.filed"> & {
  heldForSecondOwner: true;
  requestId: string;
};

/** A rotation's result as callers see it: the new key (shown once), or the key a repeat found in use. */
export const rotatedKey = (result: ChangeResult): RotatedKey | AlreadyRotated => {
  if (result.kind === "apikey.rotated" && result.apiKey)
    return {
      ok: true,
      changed: true,
      apiKey: result.apiKey,
      prefix: result.apiKey.slice(0, 10),
      oldKeyWorksUntil: result.oldKeyWorksUntil ?? "now",
    };
  const prefix = result.kind === "unchanged" && result.why.of === "apikey.rotated" ? result.why.prefix : "";
  return { ok: true, changed: false, alreadyRotated: true, prefix };
};

export interface ApiMember {
  email: string;
  name: string | null;
  role: Role;
  status: Member["status"];
}

/** What an organisation key looks like; anything else is refused before any lookup. */
const API_KEY_SHAPE = /^rc_[A-Za-z0-9_-]{43}$/;

/** Where the cache keeps the prefixes of the keys that may open an account (see `prefixInUse`). */
const PREFIXES_IN_USE = "apikey-prefixes";

/** When a candidate key stops working, in epoch milliseconds (never, for the key in use). */
const endOf = (candidate: ApiKeyCandidate): number =>
  candidate.expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(candidate.expiresAt);

/** The organisation API key (§8): seeing, rotating, authenticating, and what the key may read. */
export class ApiKeys {
  /** Candidates a request has shown the key of: that key's bytes, and when the candidate stops working. */
  private readonly verified = new WeakMap<ApiKeyCandidate, { key: Buffer; until: number }>();
  /** The prefixes in use being loaded, for the data as it was at `epoch`: one load shared by all asking. */
  private loadingPrefixes: { epoch: number; prefixes: Promise<ReadonlySet<string>> } | null = null;

  constructor(
    private readonly e: Engine,
    private readonly changes: Changes,
  ) {}

  /** The key as it may be shown (prefix, age, keys still in grace); needs `api_key`. */
  info(ctx: ActorContext): Promise<ApiKeyInfo> {
    return this.e.store.read(async () => {
      const { actor, matrix } = await this.e.reader(ctx);
      authorize("apikey.view", actor, {}, matrix);
      const key = (await this.e.requireAccount(ctx.accountId)).apiKey;
      const now = this.e.clock.now();
      return { ...key, previous: key.previous.filter((p) => new Date(p.expiresAt) > now) };
    });
  }

  /** What a Rotate button may offer this member: the key it replaces, and whether it may stop at once. */
  async rotationChoices(ctx: ActorContext): Promise<{ from: string; mayStopAtOnce: boolean }> {
    const key = await this.info(ctx);
    const { actor, matrix } = await this.e.reader(ctx);
    return { from: key.prefix, mayStopAtOnce: permits("apikey.rotate", actor, { graceHours: 0 }, matrix) };
  }

  /**
   * A new organisation key, returned in full this once. The old key stops at once (Owners and the
   * operator only), or after `graceHours` (default: none for Owners and the operator, 24 for the
   * rest). With `from`, it rotates only while that key (prefix) is in use, so a repeated click rotates once.
   */
  async rotate(
    by: Actor,
    graceHours?: number,
    from?: string,
  ): Promise<RotatedKey | AlreadyRotated | HeldForSecondOwner> {
    if (graceHours !== undefined && (!Number.isInteger(graceHours) || graceHours < 0 || graceHours > 168)) {
      throw new CoreError({ reason: "grace_hours_invalid" }, "grace");
    }
    const asked = {
      ...(graceHours === undefined ? {} : { graceHours }),
      ...(from === undefined ? {} : { from }),
    };
    // A member's rotation is a change like any other (four-eyes may hold it for a second Owner).
    if (by.kind === "member") {
      const result = await this.changes.apply(by, { kind: "apikey.rotate", ...asked });
      if (result.kind === "request.filed")
        return { ...result, heldForSecondOwner: true, requestId: result.requestId };
      return rotatedKey(result);
    }
    const fresh = newApiKey();
    const result = await this.e.change(by, {
      decide: (state) => decideRotateApiKey(state, { fresh, ...asked }),
    });
    return rotatedKey(result.kind === "apikey.rotated" ? { ...result, apiKey: fresh.key } : result);
  }

  /**
   * The account an API key opens, or null. A key is hashed and its hash compared in constant time the
   * first time it is shown; the candidate it matched then remembers the key's bytes, and later
   * requests compare the key with them in constant time instead of hashing again. What is remembered
   * lives as long as the candidates do: bounded by the cache's memos, and gone with them at the next
   * write (a rotation) or another process's. A key's grace end is compared with the clock every time.
   * Warm, the answer is the value itself, not a promise.
   *
   * A prefix no key has is not remembered: made-up keys would only push out what is worth keeping
   * (the caller limits how often one address may try, see src/http/api.ts).
   */
  authenticate(key: string): MaybePromise<string | null> {
    if (!API_KEY_SHAPE.test(key)) return null;
    const prefix = key.slice(0, 10);
    const memo = `apikey:${prefix}`;
    const kept = this.e.cache.kept(memo) as readonly ApiKeyCandidate[] | undefined;
    if (kept !== undefined) return this.match(key, kept);
    const since = this.e.cache.epoch();
    return this.e.store
      .outside(() => this.e.store.apiKeyCandidates(prefix))
      .then((loaded) => {
        if (loaded.length > 0) this.e.cache.keep(memo, loaded, since);
        return this.match(key, loaded);
      });
  }

  /**
   * Whether `key` could open an account at all: well-formed, and starting with the prefix of a key in
   * use or rotated out. Answered from memory: the prefixes are loaded at most once per change of data
   * (every caller in between shares that one load), whatever and however many keys are asked about.
   * A key of a prefix in use still needs `authenticate`.
   */
  prefixInUse(key: string): MaybePromise<boolean> {
    if (!API_KEY_SHAPE.test(key)) return false;
    const prefix = key.slice(0, 10);
    const kept = this.e.cache.kept(PREFIXES_IN_USE) as ReadonlySet<string> | undefined;
    if (kept !== undefined) return kept.has(prefix);
    return this.prefixesInUse().then((prefixes) => prefixes.has(prefix));
  }

  private prefixesInUse(): Promise<ReadonlySet<string>> {
    const epoch = this.e.cache.epoch();
    if (this.loadingPrefixes?.epoch === epoch) return this.loadingPrefixes.prefixes;
    const prefixes = this.e.store
      .outside(() => this.e.store.apiKeyPrefixes())
      .then((list) => {
        const set: ReadonlySet<string> = new Set(list);
        this.e.cache.keep(PREFIXES_IN_USE, set, epoch);
        return set;
      })
      .finally(() => {
        if (this.loadingPrefixes?.prefixes === prefixes) this.loadingPrefixes = null;
      });
    this.loadingPrefixes = { epoch, prefixes };
    return prefixes;
  }

  private match(key: string, candidates: readonly ApiKeyCandidate[]): string | null {
    const now = this.e.clock.now().getTime();
    let given: Buffer | null = null;
    let hash: string | null = null;
    for (const candidate of candidates) {
      const known = this.verified.get(candidate);
      const until = known ? known.until : endOf(candidate);
      if (!(until > now)) continue;
      if (known) {
        given ??= Buffer.from(key, "latin1");
        if (given.length === known.key.length && timingSafeEqual(given, known.key))
          return candidate.accountId;
        continue;
      }
      hash ??= sha256Hex(key);
      if (sameSecretHash(candidate.hash, hash)) {
        this.verified.set(candidate, { key: Buffer.from(key, "latin1"), until });
        return candidate.accountId;
      }
    }
    return null;
  }

  /** For the API (the caller holds the organisation key): every current member with role and status. */
  async members(accountId: string): Promise<{ members: ApiMember[] }> {
    const members = await this.e.store.listMembers(accountId, {});
    return { members: members.map(({ email, name, role, status }) => ({ email, name, role, status })) };
  }

  /** For the API: one member with their effective permissions (none unless active). */
  async member(accountId: string, rawEmail: unknown): Promise<ApiMember & { permissions: PermissionKey[] }> {
    const email = parseInput(emailSchema, rawEmail, "email");
    const member = await this.e.store.findMember(accountId, { email });
    if (!member || member.status === "removed") throw new CoreError({ reason: "api_no_such_member", email });
    // What they may use now: by role, or by a grant before its end (the same answer as authorize).
    const cached = await this.e.cache.member(accountId, member.email);
    const permissions = PERMISSION_KEYS.filter((key) => this.e.cache.holds(cached, key));
    return { email: member.email, name: member.name, role: member.role, status: member.status, permissions };
  }
}
