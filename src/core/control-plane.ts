import { AnswerBuffers } from './answer-buffers.js';
import { FaultPlan } from './faults.js';
import { BodyArena, DEFAULT_JOURNAL_BODY_BYTES, DEFAULT_JOURNAL_SIZE, RequestJournal } from './journal.js';
import type { Tenant } from './store.js';

/** The requests a tenant received, counted (a journal clear does not reset it). */
export interface TrafficTally {
  requests: number;
  methods: Record<string, number>;
  /** By status; `none` for connections closed before any status (a reset fault). */
  statuses: Record<string, number>;
  faulted: number;
}

/**
 * One line for the CLI's --summary: `imonggo t1: 12 requests (GET 10, POST 2; 200 ×11, 503 ×1;
 * 1 faulted)`.
 */
export function summaryLine(vendor: string, credential: string, tally: TrafficTally): string {
  const methods = Object.entries(tally.methods)
    .map(([method, n]) => `${method} ${n}`)
    .join(', ');
  const statuses = Object.entries(tally.statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status} ×${n}`)
    .join(', ');
  const parts = [methods, statuses, ...(tally.faulted > 0 ? [`${tally.faulted} faulted`] : [])].filter(Boolean);
  const detail = parts.length > 0 ? ` (${parts.join('; ')})` : '';
  return `${vendor} ${credential}: ${tally.requests} request${tally.requests === 1 ? '' : 's'}${detail}`;
}

/** How much of the traffic the control plane keeps. */
export interface ControlPlaneOptions {
  /** Requests each tenant's journal keeps (0 turns journaling off). */
  journalSize?: number;
  /** Body bytes all journals together keep, the oldest going first. */
  journalBodyBytes?: number;
}

/**
 * What tests observe and steer beside a tenant's data: its request journal and its fault rules.
 * They hang off the tenant object, so a reset keeps them, and a delete or a re-creation (a new
 * object) starts afresh; neither is part of the tenant's persisted state.
 */
export class ControlPlane {
  readonly journalSize: number;
  /** The bytes of every journal's bodies. */
  readonly bodies: BodyArena;
  /** The buffers text answers to tenants' requests go out in. */
  readonly answerBuffers = new AnswerBuffers();
  readonly #journals = new WeakMap<Tenant, RequestJournal>();
  readonly #faults = new WeakMap<Tenant, FaultPlan>();
  readonly #tallies = new WeakMap<Tenant, TrafficTally>();

  constructor(options: ControlPlaneOptions = {}) {
    this.journalSize = options.journalSize ?? DEFAULT_JOURNAL_SIZE;
    this.bodies = new BodyArena(options.journalBodyBytes ?? DEFAULT_JOURNAL_BODY_BYTES);
  }

  /** Whether requests are journaled at all. */
  get journaling(): boolean {
    return this.journalSize > 0;
  }

  /** A tenant's journal, made on first use. */
  journalOf(tenant: Tenant): RequestJournal {
    let journal = this.#journals.get(tenant);
    if (!journal) {
      journal = new RequestJournal(this.journalSize);
      this.#journals.set(tenant, journal);
    }
    return journal;
  }

  /** A tenant's fault rules, made on first use. */
  faultsOf(tenant: Tenant): FaultPlan {
    let plan = this.#faults.get(tenant);
    if (!plan) {
      plan = new FaultPlan();
      this.#faults.set(tenant, plan);
    }
    return plan;
  }

  /** Counts one request a tenant received (whether or not it is journaled). */
  count(tenant: Tenant, method: string, status: number | null, faulted: boolean): void {
    let tally = this.#tallies.get(tenant);
    if (!tally) {
      tally = { requests: 0, methods: {}, statuses: {}, faulted: 0 };
      this.#tallies.set(tenant, tally);
    }
    tally.requests += 1;
    tally.methods[method] = (tally.methods[method] ?? 0) + 1;
    const key = status === null ? 'none' : String(status);
    tally.statuses[key] = (tally.statuses[key] ?? 0) + 1;
    if (faulted) tally.faulted += 1;
  }

  /** What a tenant received since it was made: requests by method and status, faulted ones. */
  tallyOf(tenant: Tenant): TrafficTally {
    return this.#tallies.get(tenant) ?? { requests: 0, methods: {}, statuses: {}, faulted: 0 };
  }

  /** The tenant's fault rules when it has any that may still fire; undefined otherwise (the fast path). */
  armedFaultsOf(tenant: Tenant): FaultPlan | undefined {
    const plan = this.#faults.get(tenant);
    return plan?.armed ? plan : undefined;
  }
}
