import fp from 'fastify-plugin';
import type { TenantStore } from '../core/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The tenants and their data; routes reach records only through vendor repositories. */
    store: TenantStore;
  }
}

/** Shares the tenant store, built outside the app, with every plugin. */
export const storePlugin = fp<{ store: TenantStore }>(
  async (app, { store }) => {
    app.decorate('store', store);
  },
  { name: 'store', fastify: '5.x' },
);
