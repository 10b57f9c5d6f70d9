import { assertClockTime, ClockRangeError, type ClockSpec, type ClockState } from './clock.js';
import { DATASETS, type Dataset, type SeedSpec, type Tenant, type TenantState } from './store.js';

/** What a tenant document says it is, so a file of something else is refused at once. */
export const TENANT_DOCUMENT_FORMAT = 'pos-sandbox/tenant';
export const TENANT_DOCUMENT_VERSION = 1;

/** Bytes (Valomnia's images) as JSON: `{"$base64": "…"}`. */
const BYTES_KEY = '$base64';

/** A tenant document that cannot be loaded; the message says why. */
export class TenantDocumentError extends Error {
  readonly code = 'TENANT_DOCUMENT';
}

/**
 * A tenant's state as one JSON document a team can commit (GET …/export): pretty-printed, keys
 * in a fixed order, bytes in base64. `readTenantDocument` reads it back.
 */
export function tenantDocument(state: TenantState): string {
  return `${JSON.stringify({ ...documentHead(state), data: state.data }, encodeBytes, 2)}\n`;
}

// A tenant document's fields but its data, in their order.
function documentHead(state: TenantState) {
  return {
    format: TENANT_DOCUMENT_FORMAT,
    version: TENANT_DOCUMENT_VERSION,
    vendor: state.vendor,
    credential: state.credential,
    seed: state.seed,
    createdAt: state.createdAt,
    clock: state.clock,
    ...(state.clockSpec ? { clockSpec: state.clockSpec } : {}),
  };
}

// Each record's JSON, made once: records are never edited in place (a change stores a new
// object), so a data directory rewriting a tenant re-encodes only what changed since.
const recordJson = new WeakMap<object, string>();

/** A value's JSON (bytes in base64); a record's is made once and kept while the record lives. */
export function cachedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value, encodeBytes) ?? 'null';
  let json = recordJson.get(value);
  if (json === undefined) {
    json = JSON.stringify(value, encodeBytes);
    recordJson.set(value, json);
  }
  return json;
}

/**
 * A tenant as its data-directory file holds it: the tenant document (compact) with the tenant's
 * id and attachments, which an export leaves out. `readTenantDocument` reads it too.
 */
export function persistedTenantText(
  tenant: TenantState & Partial<Pick<Tenant, 'id' | 'attachments'>>,
  logGeneration?: string,
): string {
  // The change log lines that extend this file carry its generation; older ones are skipped.
  const head = { ...persistedHead(tenant), ...(logGeneration ? { log: logGeneration } : {}) };
  const fields = Object.entries(tenant.data as Record<string, unknown>).map(([key, value]) => {
    const json = Array.isArray(value) ? `[${value.map(cachedJson).join(',')}]` : JSON.stringify(value, encodeBytes);
    return `${JSON.stringify(key)}:${json}`;
  });
  const text = JSON.stringify(head);
  return `${text.slice(0, -1)},"data":{${fields.join(',')}}}\n`;
}

/** Everything a data-directory file holds of a tenant but its data. */
export function persistedHead(tenant: TenantState & Partial<Pick<Tenant, 'id' | 'attachments'>>) {
  return {
    ...documentHead(tenant),
    ...(tenant.id ? { id: tenant.id } : {}),
    ...(tenant.attachments ? { attachments: tenant.attachments } : {}),
  };
}

/** What a data-directory file holds beside the tenant document: the tenant's id and attachments. */
export function storedExtras(value: unknown): {
  id: string | undefined;
  attachments: Record<string, unknown> | undefined;
} {
  const document = object(value, 'the document');
  const id = typeof document.id === 'string' ? document.id : undefined;
  const attachments =
    document.attachments !== null && typeof document.attachments === 'object' && !Array.isArray(document.attachments)
      ? (document.attachments as Record<string, unknown>)
      : undefined;
  return { id, attachments };
}

// JSON.stringify hands a Buffer's toJSON() form ({type: 'Buffer', data: [...]}) to the replacer.
/** JSON.stringify's replacer for bytes: `{"$base64": "…"}`. */
export function encodeBytes(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  // Buffers, and the plain Uint8Arrays images seeded in the seed worker arrive as.
  if (raw instanceof Uint8Array) {
    return { [BYTES_KEY]: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
  }
  return value;
}

/**
 * Reads a tenant document (parsed JSON) into a state, checking everything but the data's shape,
 * which only the vendor's seeded data can tell (see dataShapeProblem).
 */
export function readTenantDocument(value: unknown): TenantState {
  const document = object(value, 'the document');
  if (document.format !== TENANT_DOCUMENT_FORMAT || document.version !== TENANT_DOCUMENT_VERSION) {
    throw new TenantDocumentError(
      `not a tenant document: "format" must be "${TENANT_DOCUMENT_FORMAT}" and "version" ${TENANT_DOCUMENT_VERSION}`,
    );
  }
  // `id` and `attachments` are a data directory's (an import leaves them to the tenant it loads into).
  const known = [
    'format',
    'version',
    'vendor',
    'credential',
    'id',
    'attachments',
    'log',
    'seed',
    'createdAt',
    'clock',
    'clockSpec',
    'data',
  ];
  const unknown = Object.keys(document).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new TenantDocumentError(`unknown field ${unknown.join(', ')}`);
  if (typeof document.vendor !== 'string') throw new TenantDocumentError('"vendor" must be a string');
  if (typeof document.credential !== 'string') throw new TenantDocumentError('"credential" must be a string');
  if (typeof document.createdAt !== 'string' || Number.isNaN(Date.parse(document.createdAt))) {
    throw new TenantDocumentError('"createdAt" must be an ISO-8601 time');
  }
  return {
    vendor: document.vendor,
    credential: document.credential,
    seed: seedOf(document.seed),
    createdAt: document.createdAt,
    clock: clockOf(document.clock, '"clock"'),
    ...(document.clockSpec === undefined ? {} : { clockSpec: clockSpecOf(document.clockSpec) }),
    data: decodeBytes(object(document.data, '"data"')),
  };
}

function seedOf(value: unknown): SeedSpec {
  const seed = object(value, '"seed"');
  const dataset = seed.dataset as Dataset;
  if (!DATASETS.includes(dataset))
    throw new TenantDocumentError(`"seed.dataset" must be one of ${DATASETS.join(', ')}`);
  return { dataset, seed: whole(seed.seed, '"seed.seed"'), records: whole(seed.records, '"seed.records"') };
}

function clockOf(value: unknown, what: string): ClockState {
  const clock = object(value, what);
  const frozenAt = clock.frozenAt;
  const offsetMs = clock.offsetMs;
  if (
    !(frozenAt === null || typeof frozenAt === 'number') ||
    typeof offsetMs !== 'number' ||
    !Number.isFinite(offsetMs)
  ) {
    throw new TenantDocumentError(`${what} must be {"frozenAt": epoch ms or null, "offsetMs": a number}`);
  }
  try {
    if (frozenAt !== null) assertClockTime(frozenAt);
    assertClockTime(Date.now() + offsetMs);
  } catch (error) {
    if (error instanceof ClockRangeError) throw new TenantDocumentError(`${what}: ${error.message}`);
    throw error;
  }
  return { frozenAt, offsetMs };
}

function clockSpecOf(value: unknown): ClockSpec {
  const spec = object(value, '"clockSpec"');
  if (typeof spec.at !== 'number' || typeof spec.frozen !== 'boolean' || Object.keys(spec).length !== 2) {
    throw new TenantDocumentError('"clockSpec" must be {"at": epoch ms, "frozen": true or false}');
  }
  try {
    assertClockTime(spec.at);
  } catch (error) {
    if (error instanceof ClockRangeError) throw new TenantDocumentError(`"clockSpec": ${error.message}`);
    throw error;
  }
  return { at: spec.at, frozen: spec.frozen };
}

function decodeBytes(value: unknown): never {
  if (Array.isArray(value)) return value.map(decodeBytes) as never;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]?.[0] === BYTES_KEY && typeof entries[0][1] === 'string') {
      return Buffer.from(entries[0][1], 'base64') as never;
    }
    return Object.fromEntries(entries.map(([key, inner]) => [key, decodeBytes(inner)])) as never;
  }
  return value as never;
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TenantDocumentError(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function whole(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 2 ** 32 - 1) {
    throw new TenantDocumentError(`${what} must be a whole number`);
  }
  return value;
}
