import { randomBytes } from 'node:crypto';
import { Low, Memory } from 'lowdb';
import { type ClockSpec, type ClockState, clockOf, realTimeClock } from './clock.js';
import { dataShapeProblem } from './data-shape.js';
import { CapacityError, MAX_RECORDS_PER_TENANT } from './limits.js';

/**
 * What each vendor keeps in a tenant. Vendor modules add their entry by declaration merging, so
 * the store stays ignorant of their record shapes and `open('imonggo', …)` is still typed.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by each vendor module
export interface VendorDataMap {}

export type VendorName = keyof VendorDataMap & string;

export const DATASETS = ['docs', 'demo', 'empty'] as const;
export type Dataset = (typeof DATASETS)[number];

/** Which records a fresh tenant is seeded with. */
export interface SeedSpec {
  dataset: Dataset;
  seed: number;
  /** Generated records of each kind in the demo dataset. */
  records: number;
}

/** One credential's isolated world: its data, its id sequences (inside data) and its clock. */
export interface Tenant<D = unknown> {
  /**
   * A random id of this tenant: a re-made tenant of the same credential has another, so what
   * names the old one (a MYPOS token) names no tenant. Kept with the tenant in a data directory.
   */
  id: string;
  vendor: string;
  credential: string;
  seed: SeedSpec;
  createdAt: string;
  clock: ClockState;
  /** The clock a reset starts over: the one the tenant was created with, when it was given one. */
  clockSpec?: ClockSpec;
  data: D;
  /**
   * What a vendor keeps with a tenant besides its data (Valomnia's sessions): kept in a data
   * directory with the tenant, never part of a snapshot, an export or a reset.
   */
  attachments?: Record<string, unknown>;
}

export interface StoreData {
  tenants: Record<string, Tenant>;
}

/** Builds a vendor's seeded data; may be async (faker is loaded only when a tenant needs it). */
export type Seeder<D> = (spec: SeedSpec) => D | Promise<D>;

/**
 * What a vendor tells the store about itself. A vendor plugin registers it next to its routes, so
 * the store and the control API know every vendor without naming any.
 */
export interface VendorRegistration<D> {
  /** Builds the data of a fresh (or reset) tenant. */
  seeder: Seeder<D>;
  /**
   * Why the vendor's own API would refuse this credential ("it is blank"), or null when it would
   * accept it. A credential the vendor refuses never gets a tenant.
   */
  credentialProblem(credential: string): string | null;
  /**
   * The form a credential is stored under, when the vendor compares credentials loosely
   * (Valomnia's login names are case-insensitive): every form reaches the same tenant.
   */
  canonicalCredential?(credential: string): string;
  /**
   * Why data loaded from outside (an imported tenant document) would break the vendor's own
   * invariants beyond its shape, which the store checks against the seeds: a sequence behind an
   * id already used, say. Null when it holds.
   */
  dataProblem?(data: D): string | null;
  /**
   * Called when a tenant is loaded from a data directory at start, so the vendor can pick up
   * what it keeps in the tenant's attachments (Valomnia's sessions).
   */
  loaded?(tenant: Tenant<D>): void;
  /**
   * Makes a fresh (or reset) tenant's data its own: what differs between tenants of one seed
   * (an organization named after the login). It replaces records, never edits shared ones.
   */
  personalize?(data: D, credential: string): void;
}

/**
 * A tenant's state as a snapshot keeps it: everything but what hangs off the live object (its
 * journal, fault rules, sessions and tokens). Its data shares records with the tenant it was
 * taken from; records are never edited in place, so neither side sees the other's later writes.
 */
export interface TenantState {
  vendor: string;
  credential: string;
  seed: SeedSpec;
  createdAt: string;
  clock: ClockState;
  clockSpec?: ClockSpec;
  data: unknown;
}

/** A request for a tenant the store refuses to create (the tenant limit). */
export class TenantLimitError extends CapacityError {
  readonly code = 'TENANT_LIMIT';
}

/** A credential its vendor's API would refuse: no tenant is made for it. */
export class CredentialError extends Error {
  readonly code = 'CREDENTIAL';
}

/**
 * A credential no tenant was created for, in strict mode: its vendor refuses it as it refuses a
 * wrong password.
 */
export class UnknownTenantError extends CredentialError {
  override readonly code = 'CREDENTIAL';
}

/** A vendor no plugin registered. */
export class UnknownVendorError extends Error {
  readonly code = 'UNKNOWN_VENDOR';
}

/** A fresh lowdb held in memory only. */
export function createMemoryDb(): Low<StoreData> {
  return new Low<StoreData>(new Memory<StoreData>(), { tenants: {} });
}

export interface TenantStoreOptions {
  seed: SeedSpec;
  /** Tenants kept at once; a new credential past this is refused rather than exhaust memory. */
  maxTenants: number;
  /** Records one tenant may hold, all collections together (default MAX_RECORDS_PER_TENANT). */
  maxRecordsPerTenant?: number;
  /**
   * Serve only tenants made through create() (the control API's POST /tenants): a credential
   * met for the first time is refused instead of seeded.
   */
  strict?: boolean;
  /** Where tenants are kept between runs (a data directory); in memory only without it. */
  persistence?: TenantPersistence;
}

/** What keeps tenants between runs: told of every change, it writes them out in its own time. */
export interface TenantPersistence {
  /** A secret of the process that outlives it (the key tokens are signed with). */
  secret(name: string): Buffer;
  /** Keeps a snapshot's text under its name, replacing one of that name. */
  writeSnapshot(name: string, text: string): Promise<void>;
  /** Forgets a kept snapshot. */
  removeSnapshot(name: string): Promise<void>;
  /** The tenant changed (its data, clock, attachments): write it out. */
  changed(tenant: Tenant): void;
  /** The tenant is gone: remove what was written of it. */
  removed(vendor: string, credential: string): void;
}

/** How create() makes a tenant: its own seed spec and, if given, its clock. */
export interface TenantSpec {
  seed: SeedSpec;
  clock?: ClockSpec;
}

/** Tenants over a lowdb database: created and seeded on first use, reset, deleted. */
export class TenantStore {
  readonly #db: Low<StoreData>;
  readonly #options: TenantStoreOptions;
  readonly #vendors = new Map<string, VendorRegistration<unknown>>();
  // Seeded data is built once per vendor and seed spec, then cloned for every tenant that uses it.
  readonly #templates = new Map<string, Promise<unknown>>();
  // Concurrent first requests of one credential must share a single creation.
  readonly #opening = new Map<string, Promise<Tenant>>();
  readonly #secrets = new Map<string, Buffer>();

  constructor(db: Low<StoreData>, options: TenantStoreOptions) {
    this.#db = db;
    this.#options = options;
  }

  /** Records one tenant may hold; a vendor refuses a create past it (see ensureRoomForRecord). */
  get maxRecordsPerTenant(): number {
    return this.#options.maxRecordsPerTenant ?? MAX_RECORDS_PER_TENANT;
  }

  /** Makes a vendor known: how to seed its tenants and which credentials it takes. */
  registerVendor<V extends VendorName>(vendor: V, registration: VendorRegistration<VendorDataMap[V]>): void {
    this.#vendors.set(vendor, registration as VendorRegistration<unknown>);
  }

  /** The registered vendors, in registration order. */
  vendors(): string[] {
    return [...this.#vendors.keys()];
  }

  /**
   * Null when the vendor's API would accept the credential, otherwise why it would not. Throws
   * UnknownVendorError for a vendor no plugin registered.
   */
  credentialProblem(vendor: string, credential: string): string | null {
    return this.#registration(vendor).credentialProblem(credential);
  }

  /**
   * Hands the store a vendor's seeded data for a spec that is being built elsewhere (the seed
   * worker at start-up), so the first tenant of that spec need not build it again. If it fails,
   * the store seeds in-process as usual.
   */
  provideTemplate(vendor: VendorName, spec: SeedSpec, data: Promise<unknown>): void {
    const key = templateKey(vendor, spec);
    const template = data.then(freezeRecords);
    // One that fails is only forgotten (nobody may need it: a stop during start-up cancels it);
    // the tenant that was waiting for it seeds in-process (see #seededData).
    template.catch(() => {
      if (this.#templates.get(key) === template) this.#templates.delete(key);
    });
    this.#templates.set(key, template);
  }

  /** The tenant for a credential, created and seeded on first use. */
  async open<V extends VendorName>(vendor: V, given: string): Promise<Tenant<VendorDataMap[V]>> {
    const credential = this.canonicalCredential(vendor, given);
    const key = tenantKey(vendor, credential);
    const existing = this.#db.data.tenants[key];
    if (existing) return existing as Tenant<VendorDataMap[V]>;
    let opening = this.#opening.get(key);
    if (!opening) {
      this.#assertCreatable(vendor, credential, key);
      if (this.#options.strict) {
        throw new UnknownTenantError(`${vendor} has no tenant for this credential (strict mode: create it first)`);
      }
      opening = this.#create(vendor, credential, { seed: { ...this.#options.seed } });
    }
    return (await opening) as Tenant<VendorDataMap[V]>;
  }

  /** The seed spec a tenant gets when nothing else is asked for. */
  get defaultSeed(): SeedSpec {
    return { ...this.#options.seed };
  }

  /** What keeps the tenants between runs, when anything does. */
  get persistence(): TenantPersistence | undefined {
    return this.#options.persistence;
  }

  /**
   * A secret of the process (the key MYPOS tokens are signed with): the data directory's, which
   * outlives the process, or one made for this process.
   */
  secret(name: string): Buffer {
    const kept = this.#options.persistence?.secret(name);
    if (kept) return kept;
    let made = this.#secrets.get(name);
    if (!made) {
      made = randomBytes(32);
      this.#secrets.set(name, made);
    }
    return made;
  }

  /** Tenants the store keeps at once. */
  get maxTenants(): number {
    return this.#options.maxTenants;
  }

  /** Whether tenants are made only by create(). */
  get strict(): boolean {
    return this.#options.strict === true;
  }

  /**
   * Makes a tenant with its own seed spec (and clock), replacing any the credential has: the old
   * one's data, sessions and tokens are gone, as after a delete. Waits for a first use of the
   * credential that is seeding at the same moment, then replaces what it made.
   */
  async create<V extends VendorName>(vendor: V, given: string, spec: TenantSpec): Promise<Tenant<VendorDataMap[V]>> {
    const credential = this.canonicalCredential(vendor, given);
    const key = tenantKey(vendor, credential);
    await this.#opening.get(key)?.catch(() => undefined);
    this.#assertCreatable(vendor, credential, key);
    return (await this.#create(vendor, credential, spec)) as Tenant<VendorDataMap[V]>;
  }

  // A credential the vendor refuses, or one more tenant than the limit, is refused before seeding.
  #assertCreatable(vendor: string, credential: string, key: string): void {
    const problem = this.credentialProblem(vendor, credential);
    if (problem !== null) throw new CredentialError(`${vendor} refuses this credential: ${problem}`);
    const held = Object.keys(this.#db.data.tenants).length + this.#opening.size - (this.#db.data.tenants[key] ? 1 : 0);
    if (held >= this.#options.maxTenants) throw new TenantLimitError(`at most ${this.#options.maxTenants} tenants`);
  }

  /** The tenant for a credential if it exists; never creates one. */
  find(vendor: string, credential: string): Tenant | undefined {
    return this.#db.data.tenants[tenantKey(vendor, this.canonicalCredential(vendor, credential))];
  }

  /** The form a vendor stores a credential under (the credential itself unless it says otherwise). */
  canonicalCredential(vendor: string, credential: string): string {
    const registration = this.#vendors.get(vendor);
    return registration?.canonicalCredential ? registration.canonicalCredential(credential) : credential;
  }

  /** Every tenant, oldest first. */
  list(): Tenant[] {
    return Object.values(this.#db.data.tenants);
  }

  /**
   * Puts a tenant back to its seeded data and its first clock (real time, unless it was created
   * with one); undefined when unknown.
   */
  async reset(vendor: string, credential: string): Promise<Tenant | undefined> {
    const tenant = this.find(vendor, credential);
    if (!tenant) return undefined;
    tenant.data = await this.#seededData(vendor, tenant.seed, tenant.credential);
    tenant.clock = tenant.clockSpec ? clockOf(tenant.clockSpec) : realTimeClock();
    await this.write(tenant);
    return tenant;
  }

  /** Forgets a tenant; its credential gets a fresh one on next use. False when unknown. */
  async delete(vendor: string, credential: string): Promise<boolean> {
    const key = tenantKey(vendor, this.canonicalCredential(vendor, credential));
    if (!this.#db.data.tenants[key]) return false;
    const tenant = this.#db.data.tenants[key] as Tenant;
    delete this.#db.data.tenants[key];
    this.#options.persistence?.removed(tenant.vendor, tenant.credential);
    await this.write();
    return true;
  }

  /**
   * Why data cannot be a vendor's tenant data: its shape against the vendor's seeded data of
   * that spec (see dataShapeProblem), then the vendor's own invariants. Null when it can.
   */
  async dataProblem(vendor: string, spec: SeedSpec, data: unknown): Promise<string | null> {
    const registration = this.#registration(vendor);
    // The shapes come from a small demo dataset of the same seed: it holds records of every
    // collection, where an empty or docs tenant's lists may be empty, and costs little to build
    // whatever record count the document names.
    const shapes = await this.#template(vendor, { dataset: 'demo', seed: spec.seed, records: SHAPE_RECORDS });
    const shape = dataShapeProblem(data, shapes);
    if (shape !== null) return shape;
    return registration.dataProblem ? registration.dataProblem(data) : null;
  }

  /** The state of a tenant, to put back later with restoreState; undefined when unknown. */
  saveState(vendor: string, credential: string): TenantState | undefined {
    const tenant = this.find(vendor, credential);
    return tenant ? stateOf(tenant) : undefined;
  }

  /**
   * Puts a saved state back. A tenant that still exists keeps its object (and so its sessions,
   * tokens, journal and fault rules); one deleted since is made again. The state stays reusable.
   */
  async restoreState(state: TenantState): Promise<Tenant> {
    const key = tenantKey(state.vendor, state.credential);
    await this.#opening.get(key)?.catch(() => undefined);
    let tenant = this.#db.data.tenants[key];
    if (!tenant) {
      this.#assertCreatable(state.vendor, state.credential, key);
      tenant = { id: tenantId(), vendor: state.vendor, credential: state.credential } as Tenant;
      this.#db.data.tenants[key] = tenant;
    }
    delete tenant.clockSpec;
    Object.assign(tenant, stateOf(state));
    await this.write(tenant);
    return tenant;
  }

  /**
   * Records that a tenant changed (a write, a clock move) and hands the state to the database's
   * adapter (a no-op in memory); a data directory writes the tenant out within its window.
   */
  async write(tenant?: Tenant): Promise<void> {
    if (tenant) this.#options.persistence?.changed(tenant);
    await this.#db.write();
  }

  /**
   * Puts a tenant read from a data directory in place as it was, with its id and attachments,
   * and lets its vendor pick them up. The data has been checked (dataProblem).
   */
  load(state: TenantState, id: string | undefined, attachments: Record<string, unknown> | undefined): Tenant {
    const key = tenantKey(state.vendor, state.credential);
    const tenant: Tenant = { id: id ?? tenantId(), ...stateOf(state), ...(attachments ? { attachments } : {}) };
    this.#db.data.tenants[key] = tenant;
    this.#registration(state.vendor).loaded?.(tenant);
    return tenant;
  }

  // Seeds a tenant and stores it under its key, replacing any; concurrent opens of the key share it.
  #create(vendor: string, credential: string, spec: TenantSpec): Promise<Tenant> {
    const key = tenantKey(vendor, credential);
    const creating = (async () => {
      const seed = { ...spec.seed };
      const tenant: Tenant = {
        id: tenantId(),
        vendor,
        credential,
        seed,
        createdAt: new Date().toISOString(),
        clock: spec.clock ? clockOf(spec.clock) : realTimeClock(),
        ...(spec.clock ? { clockSpec: { ...spec.clock } } : {}),
        data: await this.#seededData(vendor, seed, credential),
      };
      this.#db.data.tenants[key] = tenant;
      await this.write(tenant);
      return tenant;
    })().finally(() => {
      if (this.#opening.get(key) === creating) this.#opening.delete(key);
    });
    this.#opening.set(key, creating);
    return creating;
  }

  async #seededData(vendor: string, spec: SeedSpec, credential: string): Promise<unknown> {
    const template = this.#template(vendor, spec);
    let data: unknown;
    try {
      data = fork(await template);
    } catch (error) {
      // A provided template that failed has been forgotten: build it here. A seeder's own
      // failure is cached as it is, so asking again answers the same error.
      if (this.#templates.get(templateKey(vendor, spec)) === template) throw error;
      data = fork(await this.#template(vendor, spec));
    }
    this.#registration(vendor).personalize?.(data, credential);
    return data;
  }

  /** The seeded data every tenant of a vendor and spec starts from, built once. */
  #template(vendor: string, spec: SeedSpec): Promise<unknown> {
    const key = templateKey(vendor, spec);
    let template = this.#templates.get(key);
    if (!template) {
      const { seeder } = this.#registration(vendor);
      template = Promise.resolve(seeder(spec)).then(freezeRecords);
      this.#templates.set(key, template);
    }
    return template;
  }

  #registration(vendor: string): VendorRegistration<unknown> {
    const registration = this.#vendors.get(vendor);
    if (!registration) throw new UnknownVendorError(`no vendor "${vendor}" is registered`);
    return registration;
  }
}

/** A copy of a tenant's state: its own clock and seed objects, its data forked (see fork). */
function stateOf(state: TenantState): TenantState {
  return {
    vendor: state.vendor,
    credential: state.credential,
    seed: { ...state.seed },
    createdAt: state.createdAt,
    clock: { ...state.clock },
    ...(state.clockSpec ? { clockSpec: { ...state.clockSpec } } : {}),
    data: fork(state.data),
  };
}

/**
 * A tenant's own copy of seeded data: objects and arrays are copied, the records in the arrays
 * are shared. Vendors never edit a stored record in place (a change stores a new object), so
 * sharing is safe, and every tenant of a seed costs its arrays, not its records.
 */
function fork<T>(value: T): T {
  if (Array.isArray(value)) return value.slice() as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, fork(inner)])) as T;
  }
  return value;
}

// Records shared between tenants are frozen, so an edit in place fails loudly instead of
// leaking into every tenant of the seed.
function freezeRecords<T>(data: T): T {
  if (data !== null && typeof data === 'object') {
    for (const value of Object.values(data)) {
      if (Array.isArray(value)) for (const item of value) Object.freeze(item);
    }
  }
  return data;
}

/** Generated records of the demo data imported data is held against. */
const SHAPE_RECORDS = 20;

function tenantId(): string {
  return randomBytes(12).toString('base64url');
}

function templateKey(vendor: string, spec: SeedSpec): string {
  return `${vendor}|${spec.dataset}|${spec.seed}|${spec.records}`;
}

function tenantKey(vendor: string, credential: string): string {
  return `${vendor}:${credential}`;
}
