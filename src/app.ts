import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { TenantStore } from './core/store.js';
import { adminPlugin } from './plugins/admin.js';
import { docsPlugin } from './plugins/docs.js';
import { storePlugin } from './plugins/store.js';
import { imonggoPlugin } from './vendors/imonggo/plugin.js';
import { sendStatusError as sendImonggoStatus } from './vendors/imonggo/replies.js';

export interface AppOptions {
  /** The tenants and their data; the caller builds it (a fresh in-memory one in tests). */
  store: TenantStore;
  /** Fastify's logger setting; off unless given. */
  logger?: FastifyServerOptions['logger'];
  /** Largest request body in bytes (413 past it). */
  bodyLimit?: number;
}

/** 1 MiB: far above any record a vendor accepts, far below what could hurt the process. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Builds the sandbox: every vendor at its own paths, the control API and the docs. It reads no
 * environment and opens no socket; the caller awaits `ready()` or `listen()`. The plugins load
 * then, so a caller may still add hooks (a test's onRoute) before that.
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    // Vendor paths carry their own ids; a trailing slash is not the same resource.
    routerOptions: { ignoreTrailingSlash: false },
    // Errors raised before routing (a broken %-escape in the path) reach no plugin's error
    // handler; answer them in the envelope of the vendor whose paths they were sent to.
    frameworkErrors: (error, request, reply) => {
      if (request.url.startsWith('/api/')) return sendImonggoStatus(request, reply, 400);
      return (reply as FastifyReply).code(400).send({ error: 'bad_request', message: error.message });
    },
  });
  app.register(storePlugin, { store: options.store });
  app.register(adminPlugin, { prefix: '/__admin' });
  app.register(docsPlugin);
  app.register(imonggoPlugin, { prefix: '/api', bodyLimit });
  return app;
}
