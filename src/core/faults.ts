import { wildcardMatcher } from './wildcard.js';

/** What a fault rule does to a request it fires on. */
export type Fault =
  /** Waits `ms`, then serves the request as usual. */
  | { kind: 'delay'; ms: number }
  /** Answers `status` in the vendor's own error envelope. */
  | { kind: 'status'; status: number }
  /** Answers 429 in the vendor's envelope with `Retry-After: retryAfter` (seconds). */
  | { kind: 'rateLimit'; retryAfter: number }
  /** Closes the connection without an answer. */
  | { kind: 'reset' }
  /** Sends the head and the first half of the real answer's body, then closes the connection. */
  | { kind: 'truncate' }
  /** Sends the real answer spread evenly over `ms`. */
  | { kind: 'dribble'; ms: number };

export type FaultKind = Fault['kind'];

/** Which requests a rule looks at; every field given must hold (none: every request). */
export interface FaultMatch {
  method?: string;
  /** A `*` wildcard over the path (no query), case-sensitive. */
  path?: string;
  /** An operationId of the vendor's contract (openapi/<vendor>.yaml). */
  operationId?: string;
}

/** A rule as the control API takes it and lists it. */
export interface FaultRuleSpec {
  match: FaultMatch;
  /** Matching requests let through before the rule may fire. */
  skip: number;
  /** How many times it fires at most; null: without end. */
  times: number | null;
  /** The chance each matching request (past `skip`) is faulted, drawn from `seed`; null: always. */
  probability: number | null;
  seed: number;
  /**
   * Whether the request is carried out before the fault (the write is applied and its answer
   * lost): the "lost response" case. False: the request changes nothing.
   */
  writeApplied: boolean;
  fault: Fault;
}

/** A rule with its counters, as GET …/faults lists it. */
export interface FaultRuleState extends FaultRuleSpec {
  id: number;
  /** Matching requests seen while the rule could still fire (skipped ones included). */
  matched: number;
  /** Times it fired. */
  fired: number;
  /** Fires left; null without end. */
  remaining: number | null;
}

/** A rule the control API cannot take; the message says what is wrong. */
export class FaultRuleError extends Error {
  readonly code = 'FAULT_RULE';
}

/** The longest delay or dribble a rule may ask for: a test waits for no longer. */
export const MAX_FAULT_MS = 120_000;

/** Fault kinds whose answer is the real one (cut or slowed): the request is always carried out. */
const AFTER_HANDLER: ReadonlySet<FaultKind> = new Set(['truncate', 'dribble', 'delay']);

/**
 * Reads a rule from a control-API body, refusing anything it does not know rather than guess:
 * `{"match": {...}, "skip": 0, "times": 1, "fault": {"kind": "status", "status": 503}}`.
 * `isOperation` tells whether an operationId exists in the contracts.
 */
export function parseFaultRule(body: unknown, isOperation: (operationId: string) => boolean): FaultRuleSpec {
  const rule = objectOf(body, 'the body');
  onlyKeys(rule, ['match', 'skip', 'times', 'probability', 'seed', 'writeApplied', 'fault'], 'the rule');
  const match = objectOf(rule.match ?? {}, '"match"');
  onlyKeys(match, ['method', 'path', 'operationId'], '"match"');
  const matchSpec: FaultMatch = {};
  if (match.method !== undefined) matchSpec.method = text(match.method, 'match.method', /^[A-Za-z]+$/).toUpperCase();
  if (match.path !== undefined) matchSpec.path = text(match.path, 'match.path', /^\/\S*$/);
  if (match.operationId !== undefined) {
    const operationId = text(match.operationId, 'match.operationId', /^\S+$/);
    if (!isOperation(operationId)) {
      throw new FaultRuleError(`match.operationId: the vendor's contract has no "${operationId}"`);
    }
    matchSpec.operationId = operationId;
  }
  const fault = faultOf(rule.fault);
  const writeApplied = rule.writeApplied ?? AFTER_HANDLER.has(fault.kind);
  if (typeof writeApplied !== 'boolean') throw new FaultRuleError('"writeApplied" must be true or false');
  if (!writeApplied && AFTER_HANDLER.has(fault.kind)) {
    throw new FaultRuleError(
      `"${fault.kind}" serves the real answer, so the request is carried out: writeApplied cannot be false`,
    );
  }
  const probability = rule.probability === undefined || rule.probability === null ? null : rule.probability;
  if (probability !== null && (typeof probability !== 'number' || !(probability >= 0 && probability <= 1))) {
    throw new FaultRuleError('"probability" must be a number from 0 to 1');
  }
  return {
    match: matchSpec,
    skip: count(rule.skip ?? 0, '"skip"'),
    times: rule.times === undefined || rule.times === null ? null : count(rule.times, '"times"', 1),
    probability,
    seed: count(rule.seed ?? 0, '"seed"', 0, 2 ** 32 - 1),
    writeApplied,
    fault,
  };
}

function faultOf(value: unknown): Fault {
  const fault = objectOf(value, '"fault"');
  switch (fault.kind) {
    case 'delay':
      onlyKeys(fault, ['kind', 'ms'], '"fault"');
      return { kind: 'delay', ms: count(fault.ms, 'fault.ms', 0, MAX_FAULT_MS) };
    case 'status': {
      onlyKeys(fault, ['kind', 'status'], '"fault"');
      return { kind: 'status', status: count(fault.status, 'fault.status', 400, 599) };
    }
    case 'rateLimit':
      onlyKeys(fault, ['kind', 'retryAfter'], '"fault"');
      return { kind: 'rateLimit', retryAfter: count(fault.retryAfter ?? 1, 'fault.retryAfter', 0, 86_400) };
    case 'reset':
    case 'truncate':
      onlyKeys(fault, ['kind'], '"fault"');
      return { kind: fault.kind };
    case 'dribble':
      onlyKeys(fault, ['kind', 'ms'], '"fault"');
      return { kind: 'dribble', ms: count(fault.ms, 'fault.ms', 1, MAX_FAULT_MS) };
    default:
      throw new FaultRuleError('fault.kind must be one of delay, status, rateLimit, reset, truncate, dribble');
  }
}

/** What a request is, for matching: its operation is worked out only when a rule asks. */
export interface FaultTarget {
  method: string;
  path: string;
  operationId(): string | null;
}

interface Rule {
  state: FaultRuleState;
  matches(target: FaultTarget): boolean;
  random: () => number;
}

/** One tenant's fault rules, tried in the order they were added; the first that fires wins. */
export class FaultPlan {
  readonly #rules: Rule[] = [];
  #lastId = 0;

  /** Adds a rule; returns it with its id and counters. */
  add(spec: FaultRuleSpec): FaultRuleState {
    const state: FaultRuleState = { id: ++this.#lastId, ...spec, matched: 0, fired: 0, remaining: spec.times };
    const path = spec.match.path === undefined ? undefined : wildcardMatcher(spec.match.path, { ignoreCase: false });
    this.#rules.push({
      state,
      matches: (target) =>
        (spec.match.method === undefined || spec.match.method === target.method) &&
        (path === undefined || path(target.path)) &&
        (spec.match.operationId === undefined || spec.match.operationId === target.operationId()),
      random: seededRandom(spec.seed),
    });
    return state;
  }

  /** Whether a rule matches by operationId: only then is a request's operation looked up. */
  get namesOperation(): boolean {
    return this.#rules.some((rule) => rule.state.match.operationId !== undefined);
  }

  /** Whether any rule may still fire: when none can, requests skip the matching altogether. */
  get armed(): boolean {
    return this.#rules.some((rule) => rule.state.remaining !== 0);
  }

  /** The rules with their counters, in the order they are tried. */
  list(): FaultRuleState[] {
    return this.#rules.map((rule) => ({ ...rule.state }));
  }

  /** Drops every rule. */
  clear(): void {
    this.#rules.length = 0;
  }

  /**
   * The rule that fires on this request, counters updated, or null. Every rule the request
   * matches counts it (so `skip` and the random draws advance the same whichever rule fires).
   */
  fire(target: FaultTarget): FaultRuleState | null {
    let fired: FaultRuleState | null = null;
    for (const rule of this.#rules) {
      const { state } = rule;
      if (state.remaining === 0 || !rule.matches(target)) continue;
      state.matched += 1;
      if (state.matched <= state.skip) continue;
      // The draw is made for every eligible request, so a seed gives the same run every time.
      const drawn = state.probability === null || rule.random() < state.probability;
      if (!drawn || fired !== null) continue;
      state.fired += 1;
      if (state.remaining !== null) state.remaining -= 1;
      fired = { ...state };
    }
    return fired;
  }
}

// mulberry32: a small, fast 32-bit generator; the same seed gives the same draws.
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FaultRuleError(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], what: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new FaultRuleError(
      `${what} has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${allowed.join(', ')}`,
    );
  }
}

function text(value: unknown, what: string, shape: RegExp): string {
  if (typeof value !== 'string' || value.length > 2048 || !shape.test(value)) {
    throw new FaultRuleError(`${what} must be a string like ${shape.source}`);
  }
  return value;
}

function count(value: unknown, what: string, min = 0, max = 1_000_000_000): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FaultRuleError(`${what} must be a whole number from ${min} to ${max}`);
  }
  return value;
}
