import type { FastifyInstance } from 'fastify';
import { describeSnapshot, SNAPSHOT_NAME, UnknownSnapshotTenantError } from '../core/snapshots.js';
import type { Tenant, TenantState, TenantStore } from '../core/store.js';
import { readTenantDocument, TenantDocumentError, tenantDocument } from '../core/tenant-document.js';
import { AdminError, describeTenant, type TenantParams, tenantOf } from './admin.js';

/** The snapshot routes that take no body: list, restore, delete. */
export function snapshotReadRoutes(app: FastifyInstance): void {
  app.get('/snapshots', async () => ({ snapshots: app.snapshots.list().map(describeSnapshot) }));

  app.post<{ Params: { name: string } }>('/snapshots/:name/restore', async (request) => {
    const snapshot = app.snapshots.get(request.params.name);
    if (!snapshot) throw new AdminError(404, 'not_found', `no snapshot "${request.params.name}"`);
    await app.snapshots.restore(snapshot);
    return describeSnapshot(snapshot);
  });

  app.delete<{ Params: { name: string } }>('/snapshots/:name', async (request, reply) => {
    if (!(await app.snapshots.delete(request.params.name))) {
      throw new AdminError(404, 'not_found', `no snapshot "${request.params.name}"`);
    }
    return reply.code(204).send();
  });
}

/** Saving a snapshot: `{name, tenants?: [{vendor, credential}]}`, 201 with its description. */
export function snapshotWriteRoutes(app: FastifyInstance): void {
  app.post<{ Body: unknown }>('/snapshots', async (request, reply) => {
    const { name, tenants } = snapshotOrder(app, request.body);
    try {
      return reply.code(201).send(describeSnapshot(await app.snapshots.save(name, tenants)));
    } catch (error) {
      if (error instanceof UnknownSnapshotTenantError) throw new AdminError(404, 'not_found', error.message);
      throw error;
    }
  });
}

function snapshotOrder(app: FastifyInstance, body: unknown) {
  const problem = (message: string) => new AdminError(400, 'bad_request', message);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw problem('body needs "name"');
  const order = body as Record<string, unknown>;
  const unknown = Object.keys(order).filter((key) => key !== 'name' && key !== 'tenants');
  if (unknown.length > 0) throw problem(`unknown field ${unknown.join(', ')}; known: name, tenants`);
  if (typeof order.name !== 'string' || !SNAPSHOT_NAME.test(order.name)) {
    throw problem('"name" must be 1 to 100 letters, digits, ".", "_" or "-"');
  }
  if (order.tenants === undefined) return { name: order.name, tenants: undefined };
  if (!Array.isArray(order.tenants)) throw problem('"tenants" must be a list of {vendor, credential}');
  const tenants = order.tenants.map((item: unknown) => {
    const { vendor, credential } = (item ?? {}) as Record<string, unknown>;
    if (typeof vendor !== 'string' || typeof credential !== 'string' || Object.keys(item as object).length !== 2) {
      throw problem('"tenants" must be a list of {vendor, credential}');
    }
    const named = tenantOf(app, { vendor, credential });
    return { vendor: named.vendor, credential: app.store.canonicalCredential(named.vendor, named.credential) };
  });
  return { name: order.name, tenants };
}

/** The largest tenant document PUT …/import takes: a big demo tenant with its images. */
export const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

/** A tenant as one JSON document: GET …/export gives it, PUT …/import loads it (any credential). */
export function documentReadRoutes(app: FastifyInstance): void {
  app.get<{ Params: TenantParams }>('/tenants/:vendor/:credential/export', async (request, reply) => {
    const { vendor, credential } = tenantOf(app, request.params);
    const tenant = await app.store.open(vendor, credential);
    const state = app.store.saveState(tenant.vendor, tenant.credential) as TenantState;
    return reply.type('application/json; charset=utf-8').send(tenantDocument(state));
  });
}

/** Loading a tenant document into the tenant the path names: 200 with the tenant. */
export function documentWriteRoutes(app: FastifyInstance): void {
  app.put<{ Params: TenantParams; Body: unknown }>(
    '/tenants/:vendor/:credential/import',
    { bodyLimit: IMPORT_BODY_LIMIT },
    async (request) => {
      const { vendor, credential } = tenantOf(app, request.params);
      return describeTenant(await importDocument(app.store, request.body, { vendor, credential }));
    },
  );
}

/**
 * Loads a parsed tenant document into the store: into the tenant `into` names, or the one the
 * document names. AdminError 400 when it is no tenant document of that vendor, or its data does
 * not fit the vendor; nothing changes then.
 */
export async function importDocument(
  store: TenantStore,
  body: unknown,
  into?: { vendor: string; credential: string },
): Promise<Tenant> {
  let state: TenantState;
  try {
    state = readTenantDocument(body);
  } catch (error) {
    if (error instanceof TenantDocumentError) throw new AdminError(400, 'bad_request', error.message);
    throw error;
  }
  if (into && state.vendor !== into.vendor) {
    throw new AdminError(400, 'bad_request', `the document holds a tenant of ${state.vendor}, not of ${into.vendor}`);
  }
  if (!store.vendors().includes(state.vendor)) {
    throw new AdminError(400, 'bad_request', `the document's vendor "${state.vendor}" is not served`);
  }
  const credential = into?.credential ?? state.credential;
  const refused = store.credentialProblem(state.vendor, credential);
  if (refused !== null) throw new AdminError(400, 'bad_request', `${state.vendor} refuses the credential: ${refused}`);
  const problem = await store.dataProblem(state.vendor, state.seed, state.data);
  if (problem !== null)
    throw new AdminError(400, 'bad_request', `the document's data does not fit ${state.vendor}: ${problem}`);
  return store.restoreState({ ...state, credential: store.canonicalCredential(state.vendor, credential) });
}
