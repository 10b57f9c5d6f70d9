import { FaultPlan } from './faults.js';
import { BodyArena, DEFAULT_JOURNAL_BODY_BYTES, DEFAULT_JOURNAL_SIZE, RequestJournal } from './journal.js';
import type { Tenant } from './store.js';

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
  readonly #journals = new WeakMap<Tenant, RequestJournal>();
  readonly #faults = new WeakMap<Tenant, FaultPlan>();

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

  /** The tenant's fault rules when it has any that may still fire; undefined otherwise (the fast path). */
  armedFaultsOf(tenant: Tenant): FaultPlan | undefined {
    const plan = this.#faults.get(tenant);
    return plan?.armed ? plan : undefined;
  }
}
