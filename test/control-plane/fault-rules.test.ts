import { describe, expect, it, vi } from 'vitest';
import {
  FaultPlan,
  FaultRuleError,
  type FaultRuleSpec,
  type FaultTarget,
  MAX_FAULT_MS,
  parseFaultRule,
} from '../../src/core/faults.js';

/**
 * The fault rules without HTTP: how a control-API body is read into a rule (every refusal a
 * FaultRuleError, nothing guessed), and how a tenant's FaultPlan picks the rule that fires (skip,
 * times, seeded probability, first added wins while every matching rule counts the request).
 */

const KNOWN_OPERATIONS = new Set(['listCustomersXml', 'getCustomerXml', 'createCustomer']);
const isOperation = (id: string) => KNOWN_OPERATIONS.has(id);

function parse(body: unknown): FaultRuleSpec {
  return parseFaultRule(body, isOperation);
}

const STATUS_503 = { kind: 'status', status: 503 };

function target(method: string, path: string, operationId: string | null = null): FaultTarget {
  return { method, path, operationId: () => operationId };
}

const GET_LIST = target('GET', '/api/customers.xml', 'listCustomersXml');

/** The 1-based indices of the requests (of `total`, all sent to `at`) that a plan faulted. */
function firedIndices(plan: FaultPlan, total: number, at: FaultTarget = GET_LIST): number[] {
  const fired: number[] = [];
  for (let i = 1; i <= total; i += 1) if (plan.fire(at) !== null) fired.push(i);
  return fired;
}

function planOf(...rules: unknown[]): FaultPlan {
  const plan = new FaultPlan();
  for (const rule of rules) plan.add(parse(rule));
  return plan;
}

describe('parseFaultRule', () => {
  it('fills the documented defaults', () => {
    expect(parse({ fault: STATUS_503 })).toEqual({
      match: {},
      skip: 0,
      times: null,
      probability: null,
      seed: 0,
      writeApplied: false,
      fault: STATUS_503,
    });
  });

  it('keeps every field given', () => {
    const spec = parse({
      match: { method: 'POST', path: '/api/customers.*', operationId: 'createCustomer' },
      skip: 2,
      times: 3,
      probability: 0.25,
      seed: 42,
      writeApplied: true,
      fault: { kind: 'reset' },
    });
    expect(spec).toEqual({
      match: { method: 'POST', path: '/api/customers.*', operationId: 'createCustomer' },
      skip: 2,
      times: 3,
      probability: 0.25,
      seed: 42,
      writeApplied: true,
      fault: { kind: 'reset' },
    });
  });

  it('upper-cases the method', () => {
    expect(parse({ match: { method: 'delete' }, fault: STATUS_503 }).match).toEqual({ method: 'DELETE' });
  });

  it('reads each kind, with rateLimit waiting 1 s unless told', () => {
    expect(parse({ fault: { kind: 'rateLimit' } }).fault).toEqual({ kind: 'rateLimit', retryAfter: 1 });
    expect(parse({ fault: { kind: 'rateLimit', retryAfter: 30 } }).fault).toEqual({
      kind: 'rateLimit',
      retryAfter: 30,
    });
    expect(parse({ fault: { kind: 'reset' } }).fault).toEqual({ kind: 'reset' });
    expect(parse({ fault: { kind: 'truncate' } }).fault).toEqual({ kind: 'truncate' });
    expect(parse({ fault: { kind: 'delay', ms: 0 } }).fault).toEqual({ kind: 'delay', ms: 0 });
    expect(parse({ fault: { kind: 'dribble', ms: 1 } }).fault).toEqual({ kind: 'dribble', ms: 1 });
  });

  it('carries out the request for the kinds that deliver the real answer', () => {
    for (const fault of [{ kind: 'delay', ms: 5 }, { kind: 'truncate' }, { kind: 'dribble', ms: 5 }]) {
      expect(parse({ fault }).writeApplied, fault.kind).toBe(true);
      expect(parse({ fault, writeApplied: true }).writeApplied, fault.kind).toBe(true);
    }
    for (const fault of [STATUS_503, { kind: 'rateLimit' }, { kind: 'reset' }]) {
      expect(parse({ fault }).writeApplied, fault.kind).toBe(false);
      expect(parse({ fault, writeApplied: true }).writeApplied, fault.kind).toBe(true);
    }
  });

  it('takes the bounds themselves', () => {
    expect(parse({ fault: { kind: 'status', status: 400 } }).fault).toEqual({ kind: 'status', status: 400 });
    expect(parse({ fault: { kind: 'status', status: 599 } }).fault).toEqual({ kind: 'status', status: 599 });
    expect(parse({ fault: { kind: 'delay', ms: MAX_FAULT_MS } }).fault).toEqual({ kind: 'delay', ms: 120_000 });
    expect(parse({ fault: { kind: 'dribble', ms: MAX_FAULT_MS } }).fault).toEqual({ kind: 'dribble', ms: 120_000 });
    expect(parse({ probability: 0, fault: STATUS_503 }).probability).toBe(0);
    expect(parse({ probability: 1, fault: STATUS_503 }).probability).toBe(1);
    expect(parse({ seed: 2 ** 32 - 1, fault: STATUS_503 }).seed).toBe(2 ** 32 - 1);
    expect(parse({ times: 1, skip: 0, fault: STATUS_503 })).toMatchObject({ times: 1, skip: 0 });
    expect(parse({ times: null, probability: null, fault: STATUS_503 })).toMatchObject({
      times: null,
      probability: null,
    });
  });

  it('asks about an operationId only when one is given', () => {
    const ask = vi.fn(() => true);
    parseFaultRule({ match: { path: '/api/*' }, fault: STATUS_503 }, ask);
    expect(ask).not.toHaveBeenCalled();
    parseFaultRule({ match: { operationId: 'anything' }, fault: STATUS_503 }, ask);
    expect(ask).toHaveBeenCalledWith('anything');
  });

  const refused: [string, unknown, RegExp][] = [
    ['null', null, /the body must be a JSON object/],
    ['an array', [STATUS_503], /the body must be a JSON object/],
    ['a string', 'status', /the body must be a JSON object/],
    ['a number', 503, /the body must be a JSON object/],
    ['no body', undefined, /the body must be a JSON object/],
    ['an unknown field of the rule', { fault: STATUS_503, after: 1 }, /the rule has unknown field after/],
    ['several unknown fields', { fault: STATUS_503, a: 1, b: 2 }, /unknown fields a, b/],
    ['an unknown field of match', { match: { query: 'x' }, fault: STATUS_503 }, /"match" has unknown field query/],
    ['an unknown field of fault', { fault: { ...STATUS_503, body: 'x' } }, /"fault" has unknown field body/],
    ['ms on a truncate', { fault: { kind: 'truncate', ms: 5 } }, /"fault" has unknown field ms/],
    ['status on a rateLimit', { fault: { kind: 'rateLimit', status: 503 } }, /"fault" has unknown field status/],
    ['a match that is an array', { match: [], fault: STATUS_503 }, /"match" must be a JSON object/],
    ['a match that is a string', { match: '/api/*', fault: STATUS_503 }, /"match" must be a JSON object/],
    ['no fault', {}, /"fault" must be a JSON object/],
    ['a fault that is a string', { fault: 'reset' }, /"fault" must be a JSON object/],
    ['no kind', { fault: { status: 503 } }, /fault.kind must be one of/],
    ['an unknown kind', { fault: { kind: 'timeout' } }, /fault.kind must be one of/],
    ['a kind in another case', { fault: { kind: 'Status', status: 503 } }, /fault.kind must be one of/],
    ['status 399', { fault: { kind: 'status', status: 399 } }, /fault.status/],
    ['status 600', { fault: { kind: 'status', status: 600 } }, /fault.status/],
    ['status 200', { fault: { kind: 'status', status: 200 } }, /fault.status/],
    ['a status in text', { fault: { kind: 'status', status: '503' } }, /fault.status/],
    ['a fractional status', { fault: { kind: 'status', status: 503.5 } }, /fault.status/],
    ['no status', { fault: { kind: 'status' } }, /fault.status/],
    ['a negative retryAfter', { fault: { kind: 'rateLimit', retryAfter: -1 } }, /fault.retryAfter/],
    ['a fractional retryAfter', { fault: { kind: 'rateLimit', retryAfter: 1.5 } }, /fault.retryAfter/],
    ['a delay without ms', { fault: { kind: 'delay' } }, /fault.ms/],
    ['a delay over the maximum', { fault: { kind: 'delay', ms: MAX_FAULT_MS + 1 } }, /fault.ms/],
    ['a negative delay', { fault: { kind: 'delay', ms: -1 } }, /fault.ms/],
    ['a fractional delay', { fault: { kind: 'delay', ms: 1.5 } }, /fault.ms/],
    ['a dribble over 0 ms', { fault: { kind: 'dribble', ms: 0 } }, /fault.ms/],
    ['a dribble over the maximum', { fault: { kind: 'dribble', ms: MAX_FAULT_MS + 1 } }, /fault.ms/],
    ['a fractional skip', { skip: 1.5, fault: STATUS_503 }, /"skip"/],
    ['a negative skip', { skip: -1, fault: STATUS_503 }, /"skip"/],
    ['a skip in text', { skip: '1', fault: STATUS_503 }, /"skip"/],
    ['times 0', { times: 0, fault: STATUS_503 }, /"times"/],
    ['fractional times', { times: 2.5, fault: STATUS_503 }, /"times"/],
    ['times in text', { times: '2', fault: STATUS_503 }, /"times"/],
    ['a probability over 1', { probability: 1.01, fault: STATUS_503 }, /"probability"/],
    ['a negative probability', { probability: -0.01, fault: STATUS_503 }, /"probability"/],
    ['a probability in text', { probability: '0.5', fault: STATUS_503 }, /"probability"/],
    ['a negative seed', { seed: -1, fault: STATUS_503 }, /"seed"/],
    ['a seed past 32 bits', { seed: 2 ** 32, fault: STATUS_503 }, /"seed"/],
    ['a fractional seed', { seed: 0.5, fault: STATUS_503 }, /"seed"/],
    ['writeApplied in text', { writeApplied: 'true', fault: STATUS_503 }, /"writeApplied"/],
    ['writeApplied false on a delay', { writeApplied: false, fault: { kind: 'delay', ms: 5 } }, /writeApplied/],
    ['writeApplied false on a truncate', { writeApplied: false, fault: { kind: 'truncate' } }, /writeApplied/],
    ['writeApplied false on a dribble', { writeApplied: false, fault: { kind: 'dribble', ms: 5 } }, /writeApplied/],
    ['a method that is not a word', { match: { method: 'GE T' }, fault: STATUS_503 }, /match.method/],
    ['an empty method', { match: { method: '' }, fault: STATUS_503 }, /match.method/],
    ['a method that is a number', { match: { method: 1 }, fault: STATUS_503 }, /match.method/],
    ['a path without its slash', { match: { path: 'api/*' }, fault: STATUS_503 }, /match.path/],
    ['a path with a space', { match: { path: '/api/ x' }, fault: STATUS_503 }, /match.path/],
    ['a path over 2048 characters', { match: { path: `/${'a'.repeat(2048)}` }, fault: STATUS_503 }, /match.path/],
    [
      'an unknown operationId',
      { match: { operationId: 'listWidgets' }, fault: STATUS_503 },
      /the vendor's contract has no "listWidgets"/,
    ],
    ['an operationId in another case', { match: { operationId: 'LISTCUSTOMERSXML' }, fault: STATUS_503 }, /contract/],
    ['an operationId that is a number', { match: { operationId: 7 }, fault: STATUS_503 }, /match.operationId/],
  ];

  it.each(refused)('refuses %s', (_label, body, message) => {
    let thrown: unknown;
    try {
      parse(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FaultRuleError);
    expect((thrown as Error).message).toMatch(message);
  });
});

describe('FaultPlan', () => {
  it('numbers rules from 1 and starts their counters at zero', () => {
    const plan = new FaultPlan();
    expect(plan.add(parse({ fault: STATUS_503 }))).toMatchObject({ id: 1, matched: 0, fired: 0, remaining: null });
    expect(plan.add(parse({ times: 4, fault: STATUS_503 }))).toMatchObject({
      id: 2,
      matched: 0,
      fired: 0,
      remaining: 4,
    });
    expect(plan.list().map((rule) => rule.id)).toEqual([1, 2]);
  });

  it('fires on every request without times, and answers the rule that fired', () => {
    const plan = planOf({ fault: STATUS_503 });
    for (let i = 1; i <= 3; i += 1) {
      expect(plan.fire(GET_LIST)).toMatchObject({ id: 1, fault: STATUS_503, matched: i, fired: i, remaining: null });
    }
  });

  it('lets skip requests through, then fires exactly times times', () => {
    const plan = planOf({ skip: 2, times: 3, fault: STATUS_503 });
    expect(firedIndices(plan, 10)).toEqual([3, 4, 5]);
    // Once spent, the rule no longer looks at requests.
    expect(plan.list()[0]).toMatchObject({ matched: 5, fired: 3, remaining: 0 });
  });

  it('is armed while a rule may fire, and cleared by clear()', () => {
    const plan = planOf({ times: 1, fault: STATUS_503 });
    expect(plan.armed).toBe(true);
    plan.fire(GET_LIST);
    expect(plan.armed).toBe(false);
    plan.add(parse({ fault: STATUS_503 }));
    expect(plan.armed).toBe(true);
    plan.clear();
    expect(plan.armed).toBe(false);
    expect(plan.list()).toEqual([]);
    expect(plan.fire(GET_LIST)).toBeNull();
  });

  it('lists copies: changing them changes no rule', () => {
    const plan = planOf({ times: 1, fault: STATUS_503 });
    const listed = plan.list();
    (listed[0] as { remaining: number | null }).remaining = 0;
    expect(plan.fire(GET_LIST)).not.toBeNull();
  });

  it('matches on every field given', () => {
    const plan = planOf({
      match: { method: 'get', path: '/api/customers.*', operationId: 'listCustomersXml' },
      fault: STATUS_503,
    });
    expect(plan.fire(target('GET', '/api/customers.xml', 'listCustomersXml'))).not.toBeNull();
    expect(plan.fire(target('POST', '/api/customers.xml', 'listCustomersXml'))).toBeNull();
    expect(plan.fire(target('GET', '/api/suppliers.xml', 'listCustomersXml'))).toBeNull();
    expect(plan.fire(target('GET', '/api/customers.xml', 'createCustomer'))).toBeNull();
    expect(plan.fire(target('GET', '/api/customers.xml', null))).toBeNull();
    expect(plan.list()[0]).toMatchObject({ matched: 1, fired: 1 });
  });

  it('matches paths with a case-sensitive * wildcard over the whole path', () => {
    const plan = planOf({ match: { path: '/api/customers.*' }, fault: STATUS_503 });
    expect(plan.fire(target('GET', '/api/customers.xml'))).not.toBeNull();
    expect(plan.fire(target('GET', '/api/customers.json'))).not.toBeNull();
    expect(plan.fire(target('GET', '/api/Customers.xml'))).toBeNull();
    expect(plan.fire(target('GET', '/api/suppliers.xml'))).toBeNull();
    expect(plan.fire(target('GET', '/api/customers/11.xml'))).toBeNull();
    expect(plan.fire(target('GET', '/x/api/customers.xml'))).toBeNull();
    const exact = planOf({ match: { path: '/api/customers.xml' }, fault: STATUS_503 });
    expect(exact.fire(target('GET', '/api/customers.xml'))).not.toBeNull();
    expect(exact.fire(target('GET', '/api/customers.xml2'))).toBeNull();
    const middle = planOf({ match: { path: '/api/*/reference/*' }, fault: STATUS_503 });
    expect(middle.fire(target('GET', '/api/v1.0/customers/reference/NC-3'))).not.toBeNull();
    expect(middle.fire(target('GET', '/api/v1.0/customers/256'))).toBeNull();
  });

  it('works out the operation only when a rule names one', () => {
    const operationId = vi.fn(() => 'listCustomersXml');
    const plan = planOf({ match: { method: 'GET' }, fault: STATUS_503 });
    plan.fire({ method: 'GET', path: '/api/customers.xml', operationId });
    expect(operationId).not.toHaveBeenCalled();
    plan.add(parse({ match: { operationId: 'listCustomersXml' }, fault: STATUS_503 }));
    plan.fire({ method: 'GET', path: '/api/customers.xml', operationId });
    expect(operationId).toHaveBeenCalled();
  });

  it('lets the first rule added win, while every matching rule counts the request', () => {
    const plan = planOf(
      { match: { path: '/api/customers.*' }, times: 2, fault: { kind: 'status', status: 500 } },
      { times: 3, fault: { kind: 'status', status: 502 } },
    );
    const statuses: (number | null)[] = [];
    for (let i = 0; i < 6; i += 1) {
      const fired = plan.fire(GET_LIST);
      statuses.push(fired?.fault.kind === 'status' ? fired.fault.status : null);
    }
    expect(statuses).toEqual([500, 500, 502, 502, 502, null]);
    const [first, second] = plan.list();
    expect(first).toMatchObject({ matched: 2, fired: 2, remaining: 0 });
    // The second rule saw the first two requests too, without firing or spending on them.
    expect(second).toMatchObject({ matched: 5, fired: 3, remaining: 0 });
  });

  it('advances skip on requests another rule faulted', () => {
    const plan = planOf({ times: 2, fault: { kind: 'reset' } }, { skip: 1, times: 1, fault: STATUS_503 });
    expect(plan.fire(GET_LIST)?.fault.kind).toBe('reset');
    expect(plan.fire(GET_LIST)?.fault.kind).toBe('reset');
    // The second rule's one skipped request was the first one: it fires on the third.
    expect(plan.fire(GET_LIST)?.fault).toEqual(STATUS_503);
    expect(plan.fire(GET_LIST)).toBeNull();
  });

  describe('probability', () => {
    it('never fires at 0 and always at 1, counting every request', () => {
      const never = planOf({ probability: 0, fault: STATUS_503 });
      expect(firedIndices(never, 200)).toEqual([]);
      expect(never.list()[0]).toMatchObject({ matched: 200, fired: 0 });
      const always = planOf({ probability: 1, fault: STATUS_503 });
      expect(firedIndices(always, 200)).toHaveLength(200);
    });

    it('repeats exactly for a seed and differs for another', () => {
      const run = (seed: number) => firedIndices(planOf({ probability: 0.5, seed, fault: STATUS_503 }), 100);
      const first = run(7);
      expect(run(7)).toEqual(first);
      expect(run(8)).not.toEqual(first);
      expect(run(0)).toEqual(firedIndices(planOf({ probability: 0.5, fault: STATUS_503 }), 100));
      // A fair coin: far from none and far from all.
      expect(first.length).toBeGreaterThan(25);
      expect(first.length).toBeLessThan(75);
    });

    it('fires about as often as asked', () => {
      const fired = firedIndices(planOf({ probability: 0.2, seed: 3, fault: STATUS_503 }), 2000);
      expect(fired.length).toBeGreaterThan(300);
      expect(fired.length).toBeLessThan(500);
    });

    it('caps the random faults with times and draws only past skip', () => {
      const free = firedIndices(planOf({ probability: 0.5, seed: 11, fault: STATUS_503 }), 100);
      const capped = firedIndices(planOf({ probability: 0.5, seed: 11, times: 3, fault: STATUS_503 }), 100);
      expect(capped).toEqual(free.slice(0, 3));
      // With skip 10 the draws start at the 11th request: the same draws, ten requests later.
      const skipped = firedIndices(planOf({ probability: 0.5, seed: 11, skip: 10, fault: STATUS_503 }), 110);
      expect(skipped).toEqual(free.map((index) => index + 10));
    });

    it('draws the same whichever rule fires', () => {
      const alone = firedIndices(planOf({ probability: 0.5, seed: 5, fault: STATUS_503 }), 60);
      const plan = planOf({ times: 10, fault: { kind: 'reset' } }, { probability: 0.5, seed: 5, fault: STATUS_503 });
      const random: number[] = [];
      for (let i = 1; i <= 60; i += 1) if (plan.fire(GET_LIST)?.fault.kind === 'status') random.push(i);
      expect(random).toEqual(alone.filter((index) => index > 10));
    });

    it('gives each rule its own generator', () => {
      const aloneA = firedIndices(planOf({ probability: 0.5, seed: 9, fault: STATUS_503 }), 60);
      const aloneB = firedIndices(planOf({ probability: 0.5, seed: 10, fault: STATUS_503 }), 60);
      const plan = planOf(
        { probability: 0.5, seed: 9, fault: { kind: 'reset' } },
        { probability: 0.5, seed: 10, fault: STATUS_503 },
      );
      const byKind: Record<string, number[]> = { reset: [], status: [] };
      for (let i = 1; i <= 60; i += 1) {
        const kind = plan.fire(GET_LIST)?.fault.kind;
        if (kind) byKind[kind]?.push(i);
      }
      expect(byKind.reset).toEqual(aloneA);
      expect(byKind.status).toEqual(aloneB.filter((index) => !aloneA.includes(index)));
    });
  });
});
