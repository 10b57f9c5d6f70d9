import { TenantLimitError, type TenantState, type TenantStore } from './store.js';
import { persistedTenantText } from './tenant-document.js';

/** A snapshot's name: what a file of it may be called later, too. */
export const SNAPSHOT_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** Tenants a snapshot holds: every tenant of the store, or the ones named. */
export type SnapshotScope = 'all' | 'some';

/** A saved world: the state of every tenant it names. */
export interface Snapshot {
  name: string;
  createdAt: string;
  scope: SnapshotScope;
  tenants: TenantState[];
}

/** A tenant a snapshot should hold that does not exist. */
export class UnknownSnapshotTenantError extends Error {
  readonly code = 'UNKNOWN_TENANT';
}

/** Named snapshots of a store's tenants, held in memory. */
export class SnapshotShelf {
  readonly #store: TenantStore;
  readonly #snapshots = new Map<string, Snapshot>();

  constructor(store: TenantStore) {
    this.#store = store;
  }

  /**
   * Saves the named tenants (every tenant when `tenants` is undefined) under `name`, replacing a
   * snapshot of that name. Throws UnknownSnapshotTenantError, saving nothing, when one is missing.
   */
  async save(name: string, tenants?: readonly { vendor: string; credential: string }[]): Promise<Snapshot> {
    const chosen = tenants ?? this.#store.list().map(({ vendor, credential }) => ({ vendor, credential }));
    const states: TenantState[] = [];
    for (const { vendor, credential } of chosen) {
      const state = this.#store.saveState(vendor, credential);
      if (!state) throw new UnknownSnapshotTenantError(`no ${vendor} tenant for credential "${credential}"`);
      if (!states.some((saved) => saved.vendor === state.vendor && saved.credential === state.credential)) {
        states.push(state);
      }
    }
    const snapshot: Snapshot = {
      name,
      createdAt: new Date().toISOString(),
      scope: tenants === undefined ? 'all' : 'some',
      tenants: states,
    };
    // Kept in the data directory first, when there is one: a snapshot the answer reports is on disk.
    await this.#store.persistence?.writeSnapshot(name, snapshotText(snapshot));
    // Re-saving a name moves it to the end, as the newest.
    this.#snapshots.delete(name);
    this.#snapshots.set(name, snapshot);
    return snapshot;
  }

  /** Puts back a snapshot read from a data directory at start. */
  adopt(snapshot: Snapshot): void {
    this.#snapshots.set(snapshot.name, snapshot);
  }

  /** A snapshot by name. */
  get(name: string): Snapshot | undefined {
    return this.#snapshots.get(name);
  }

  /** Every snapshot, oldest first. */
  list(): Snapshot[] {
    return [...this.#snapshots.values()];
  }

  /** Drops a snapshot; false when there is none of that name. */
  async delete(name: string): Promise<boolean> {
    if (!this.#snapshots.has(name)) return false;
    await this.#store.persistence?.removeSnapshot(name);
    return this.#snapshots.delete(name);
  }

  /**
   * Puts a snapshot's tenants back as they were saved. A snapshot of every tenant also deletes
   * the tenants made since, so the whole world is as it was.
   */
  async restore(snapshot: Snapshot): Promise<void> {
    // Refused before anything changes when the tenants it brings back would pass the limit.
    const key = (tenant: { vendor: string; credential: string }) => `${tenant.vendor}\u0000${tenant.credential}`;
    const kept = new Set(snapshot.tenants.map(key));
    const dropped = snapshot.scope === 'all' ? this.#store.list().filter((tenant) => !kept.has(key(tenant))) : [];
    const missing = snapshot.tenants.filter((state) => !this.#store.find(state.vendor, state.credential)).length;
    if (this.#store.list().length - dropped.length + missing > this.#store.maxTenants) {
      throw new TenantLimitError(`at most ${this.#store.maxTenants} tenants`);
    }
    for (const tenant of dropped) await this.#store.delete(tenant.vendor, tenant.credential);
    for (const state of snapshot.tenants) await this.#store.restoreState(state);
  }
}

/** A snapshot as a data directory keeps it: its description and each tenant's document. */
export function snapshotText(snapshot: Snapshot): string {
  const tenants = snapshot.tenants.map((state) => persistedTenantText(state).trimEnd());
  const head = JSON.stringify({ name: snapshot.name, createdAt: snapshot.createdAt, scope: snapshot.scope });
  return `${head.slice(0, -1)},"tenants":[${tenants.join(',')}]}\n`;
}

/** A snapshot as the control API shows it. */
export function describeSnapshot(snapshot: Snapshot) {
  return {
    name: snapshot.name,
    createdAt: snapshot.createdAt,
    scope: snapshot.scope,
    tenants: snapshot.tenants.map(({ vendor, credential }) => ({ vendor, credential })),
  };
}
