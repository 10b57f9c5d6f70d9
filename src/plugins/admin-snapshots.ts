import type { FastifyInstance } from 'fastify';
import { describeSnapshot, SNAPSHOT_NAME, type SnapshotShelf, UnknownSnapshotTenantError } from '../core/snapshots.js';
import { AdminError, tenantOf } from './admin.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The named snapshots of the tenants. */
    snapshots: SnapshotShelf;
  }
}

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
    if (!app.snapshots.delete(request.params.name)) {
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
      return reply.code(201).send(describeSnapshot(app.snapshots.save(name, tenants)));
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
