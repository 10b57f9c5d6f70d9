// A typed client for the control API under /__admin (docs/control-plane.md), over Node's fetch.
// It speaks only HTTP, so it drives a sandbox in this process, a spawned CLI or a container alike.
import type { Fault, FaultMatch, FaultRuleState } from './core/faults.js';
import type { SnapshotScope } from './core/snapshots.js';
import type { Dataset } from './core/store.js';

export type { Fault, FaultKind, FaultMatch, FaultRuleState } from './core/faults.js';
export type { SnapshotScope } from './core/snapshots.js';

/** The vendors the sandbox emulates, as the control API names them in its paths. */
export type SandboxVendor = 'imonggo' | 'valomnia' | 'myposconnect';

/** A time: a Date, an ISO-8601 text (any form the Imonggo date filters take) or epoch ms. */
export type TimeInput = Date | string | number;

/** A tenant as named in a snapshot: its vendor and credential. */
export interface TenantRef {
  vendor: SandboxVendor;
  credential: string;
}

/** A tenant's clock: what it reads now, and whether it stands still. */
export interface ClockInfo {
  now: string;
  frozen: boolean;
}

/** A tenant as the control API lists it. */
export interface TenantInfo extends TenantRef {
  dataset: Dataset;
  seed: number;
  records: number;
  createdAt: string;
  clock: ClockInfo;
}

/** What a tenant made to order holds; what is left out is as the sandbox was started with. */
export interface TenantOptions {
  dataset?: Dataset;
  seed?: number;
  /** Generated records of each kind in the demo dataset, 0 to 100,000. */
  records?: number;
  /** A time its clock is frozen at, or `{at, frozen: false}` for a clock that runs from `at`. */
  clock?: TimeInput | { at: TimeInput; frozen?: boolean };
}

/**
 * A fault rule to add. Everything but `fault` may be left out: it then matches every request,
 * fires on each without end, and the request is not carried out (except for delay, truncate and
 * dribble, which serve the real answer). `retryAfter` of a rateLimit defaults to 1 second.
 */
export interface FaultRule {
  match?: FaultMatch;
  skip?: number;
  times?: number | null;
  probability?: number | null;
  seed?: number;
  writeApplied?: boolean;
  fault: Fault | { kind: 'rateLimit'; retryAfter?: number };
}

/** Which journal entries a listing or count takes; every field given must hold. */
export interface JournalFilter {
  method?: string;
  /** A `*` wildcard over the path (no query), case-sensitive. */
  path?: string;
  operationId?: string;
  status?: number;
  /** Entries that arrived (real time) at or after this. */
  since?: TimeInput;
}

/** A request or response body as the journal shows it: the first 64 KiB of text, or why not. */
export interface JournalBody {
  contentType: string | null;
  /** The full size in bytes (-1 for a streamed answer of unknown length). */
  size: number;
  text?: string;
  truncated?: true;
  omitted?: 'binary' | 'multipart' | 'memory';
}

/** One request to a tenant's vendor paths, as its journal holds it (credentials redacted). */
export interface JournalEntry {
  id: number;
  /** Real time it arrived. */
  at: string;
  /** The tenant's clock when it arrived. */
  tenantAt: string;
  method: string;
  path: string;
  /** The raw query string ('' when none). */
  query: string;
  operationId: string | null;
  /** Null when a reset fault cut the connection. */
  status: number | null;
  durationMs: number;
  /** The kind of fault rule that fired on it. */
  fault: Fault['kind'] | null;
  /** The client closed the connection before the answer was complete. */
  aborted: boolean;
  request: { headers: Record<string, string | string[]>; body: JournalBody | null };
  response: { body: JournalBody | null };
}

/** A saved snapshot: `scope` 'all' restores the whole world, 'some' only the tenants named. */
export interface SnapshotInfo {
  name: string;
  createdAt: string;
  scope: SnapshotScope;
  tenants: TenantRef[];
}

/** A MYPOS Connect user's rights on customers. */
export interface MyposPermissions {
  read: boolean;
  write: boolean;
  delete: boolean;
}

/** A control-API refusal: its status and the `{error, message}` of its body. */
export class ControlApiError extends Error {
  override readonly name = 'ControlApiError';
  constructor(
    readonly status: number,
    /** The snake-case code: not_found, bad_request, tenant_limit, … */
    readonly error: string,
    message: string,
    /** The request refused, e.g. "POST /__admin/tenants". */
    readonly request: string,
  ) {
    super(message);
  }
}

/** One tenant's clock; every move answers the clock as it then reads. */
export interface ClockControl {
  get(): Promise<ClockInfo>;
  /** Stops the clock at `at`, or where it stands now. */
  freeze(at?: TimeInput): Promise<ClockInfo>;
  /** Moves it; a frozen clock stays frozen, a running one runs on from there. */
  set(at: TimeInput): Promise<ClockInfo>;
  /** Moves it forward (negative: back). */
  advance(seconds: number): Promise<ClockInfo>;
  /** Back to real time. */
  release(): Promise<ClockInfo>;
}

/** One tenant's fault rules, tried in the order they were added. */
export interface FaultControl {
  add(rule: FaultRule): Promise<FaultRuleState>;
  list(): Promise<FaultRuleState[]>;
  clear(): Promise<void>;
}

/** One tenant's request journal: call it for the entries (oldest first), or count or clear it. */
export interface RequestLog {
  (filter?: JournalFilter): Promise<JournalEntry[]>;
  count(filter?: JournalFilter): Promise<number>;
  clear(): Promise<void>;
}

/**
 * One tenant, addressed by vendor and credential. Making a handle sends nothing; reset and the
 * clock, journal and fault calls create the tenant on first use (outside strict mode).
 */
export interface TenantHandle<V extends SandboxVendor = SandboxVendor> extends TenantRef {
  readonly vendor: V;
  readonly credential: string;
  /** Makes the tenant to order, replacing any tenant of the credential (its journal and rules too). */
  create(options?: TenantOptions): Promise<TenantInfo>;
  /** Back to its seeded data and the clock it was created with; journal and rules stay. */
  reset(): Promise<TenantInfo>;
  /** Forgets it; a ControlApiError 404 when there is none. */
  delete(): Promise<void>;
  readonly clock: ClockControl;
  readonly faults: FaultControl;
  readonly requests: RequestLog;
  /** Saves this tenant alone under `name` (replacing a snapshot of that name). */
  snapshot(name: string): Promise<SnapshotInfo>;
  /** MYPOS Connect only: the user's rights on customers (a reset grants all three again). */
  readonly permissions: V extends 'myposconnect'
    ? { get(): Promise<MyposPermissions>; set(changes: Partial<MyposPermissions>): Promise<MyposPermissions> }
    : undefined;
}

/** The control API of one sandbox. */
export interface ControlClient {
  /** A handle on the tenant of a credential (for Imonggo the API token, else the login email). */
  tenant<V extends SandboxVendor>(vendor: V, credential: string): TenantHandle<V>;
  /** Makes a tenant to order; the same as `tenant(vendor, credential).create(options)`. */
  createTenant(vendor: SandboxVendor, credential: string, options?: TenantOptions): Promise<TenantInfo>;
  tenants(): Promise<TenantInfo[]>;
  /** Saves the tenants given (handles will do), or every tenant when none are. */
  snapshot(name: string, tenants?: readonly TenantRef[]): Promise<SnapshotInfo>;
  /** Puts every tenant of the snapshot back as saved; one of all tenants also deletes newer ones. */
  restore(name: string): Promise<SnapshotInfo>;
  snapshots(): Promise<SnapshotInfo[]>;
  deleteSnapshot(name: string): Promise<void>;
  health(): Promise<{ status: string }>;
}

/** A client for the control API of the sandbox at `baseUrl` (e.g. `http://127.0.0.1:41234`). */
export function controlClient(baseUrl: string | URL): ControlClient {
  const admin = `${String(baseUrl).replace(/\/+$/, '')}/__admin`;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const res = await fetch(`${admin}${path}`, init);
    const text = await res.text();
    if (!res.ok) {
      const refusal = parseRefusal(text);
      throw new ControlApiError(
        res.status,
        refusal?.error ?? `http_${res.status}`,
        refusal?.message ?? text,
        `${method} /__admin${path}`,
      );
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  const snapshot = (name: string, tenants?: readonly TenantRef[]) =>
    call<SnapshotInfo>('POST', '/snapshots', {
      name,
      // Only the two fields: the route refuses a tenant with any other, and a handle has many.
      ...(tenants ? { tenants: tenants.map(({ vendor, credential }) => ({ vendor, credential })) } : {}),
    });

  function tenant<V extends SandboxVendor>(vendor: V, credential: string): TenantHandle<V> {
    const at = `/tenants/${encodeURIComponent(vendor)}/${encodeURIComponent(credential)}`;
    const requests = Object.assign(
      async (filter?: JournalFilter) =>
        call<{ requests: JournalEntry[] }>('GET', `${at}/requests${query(filter)}`).then((r) => r.requests),
      {
        count: async (filter?: JournalFilter) =>
          call<{ count: number }>('GET', `${at}/requests/count${query(filter)}`).then((r) => r.count),
        clear: () => call<void>('DELETE', `${at}/requests`),
      },
    );
    const permissions =
      vendor === 'myposconnect'
        ? {
            get: () => call<MyposPermissions>('GET', `${at}/permissions`),
            set: (changes: Partial<MyposPermissions>) => call<MyposPermissions>('PUT', `${at}/permissions`, changes),
          }
        : undefined;
    return {
      vendor,
      credential,
      create: (options = {}) => createTenant(vendor, credential, options),
      reset: () => call<TenantInfo>('POST', `${at}/reset`),
      delete: () => call<void>('DELETE', at),
      clock: {
        get: () => call<ClockInfo>('GET', `${at}/clock`),
        // async: a time refused here rejects, as every other failure does, rather than throw.
        freeze: async (when) =>
          call<ClockInfo>('POST', `${at}/clock/freeze`, when === undefined ? undefined : { at: time(when) }),
        set: async (when) => call<ClockInfo>('POST', `${at}/clock/set`, { at: time(when) }),
        advance: (seconds) => call<ClockInfo>('POST', `${at}/clock/advance`, { seconds }),
        release: () => call<ClockInfo>('POST', `${at}/clock/release`),
      },
      faults: {
        add: (rule) => call<FaultRuleState>('POST', `${at}/faults`, rule),
        list: () => call<{ faults: FaultRuleState[] }>('GET', `${at}/faults`).then((r) => r.faults),
        clear: () => call<void>('DELETE', `${at}/faults`),
      },
      requests,
      snapshot: (name) => snapshot(name, [{ vendor, credential }]),
      permissions: permissions as TenantHandle<V>['permissions'],
    };
  }

  async function createTenant(vendor: SandboxVendor, credential: string, options: TenantOptions = {}) {
    const { clock, ...rest } = options;
    const order: Record<string, unknown> = { vendor, credential, ...rest };
    if (clock !== undefined) {
      order.clock =
        typeof clock === 'object' && !(clock instanceof Date) ? { ...clock, at: time(clock.at) } : time(clock);
    }
    return call<TenantInfo>('POST', '/tenants', order);
  }

  return {
    tenant,
    createTenant,
    tenants: () => call<{ tenants: TenantInfo[] }>('GET', '/tenants').then((r) => r.tenants),
    snapshot,
    restore: (name) => call<SnapshotInfo>('POST', `/snapshots/${encodeURIComponent(name)}/restore`),
    snapshots: () => call<{ snapshots: SnapshotInfo[] }>('GET', '/snapshots').then((r) => r.snapshots),
    deleteSnapshot: (name) => call<void>('DELETE', `/snapshots/${encodeURIComponent(name)}`),
    health: () => call<{ status: string }>('GET', '/health'),
  };
}

// A Date goes as its epoch ms, which the API reads exactly. An invalid Date or a number that is
// no time would turn into JSON null, which a freeze reads as "now": refuse it here instead.
function time(at: TimeInput): string | number {
  const value = at instanceof Date ? at.getTime() : at;
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`not a time: ${String(at)}`);
  return value;
}

function query(filter: JournalFilter = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) {
    if (value !== undefined) params.set(name, String(name === 'since' ? time(value) : value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function parseRefusal(text: string): { error: string; message: string } | null {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string' && typeof body.message === 'string') {
      return { error: body.error, message: body.message };
    }
  } catch {
    // Not the control API's JSON (a proxy's page, say): the text itself is the message.
  }
  return null;
}
