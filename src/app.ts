import { maxHeaderSize } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { ControlPlaneOptions } from './core/control-plane.js';
import { ErrorEnvelopes } from './core/error-envelopes.js';
import type { TenantStore } from './core/store.js';
import { adminPlugin } from './plugins/admin.js';
import { controlPlanePlugin } from './plugins/control-plane.js';
import { docsPlugin } from './plugins/docs.js';
import { httpEdge } from './plugins/http-edge.js';
import { indexPagePlugin } from './plugins/index-page.js';
import { storePlugin } from './plugins/store.js';
import { imonggoPlugin } from './vendors/imonggo/plugin.js';
import { myposControlPlugin, myposPlugin } from './vendors/myposconnect/plugin.js';
import { valomniaPlugin } from './vendors/valomnia/plugin.js';

export interface AppOptions {
  /** The tenants and their data; the caller builds it (a fresh in-memory one in tests). */
  store: TenantStore;
  /** Fastify's logger setting; off unless given. */
  logger?: FastifyServerOptions['logger'];
  /** Largest request body in bytes (413 past it). */
  bodyLimit?: number;
  /** Ms a client has to send a whole request (head and body); 408 past it. */
  requestTimeout?: number;
  /** How much of each tenant's traffic is journaled (default: the last 1,000 requests). */
  journal?: ControlPlaneOptions;
}

/** 1 MiB: far above any record a vendor accepts, far below what could hurt the process. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** 30 s: no client of these APIs takes that long to send a request; a stalled one is let go. */
export const DEFAULT_REQUEST_TIMEOUT = 30_000;

/**
 * Builds the sandbox: every vendor at its own paths, the control API and the docs. It reads no
 * environment and opens no socket; the caller awaits `ready()` or `listen()`. The plugins load
 * then, so a caller may still add hooks (a test's onRoute) before that.
 */
export function buildApp(options: AppOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const requestTimeout = options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT;
  // Errors outside any route answer in the envelope of the vendor whose path was called; each
  // vendor plugin registers its prefixes in this table.
  const envelopes = new ErrorEnvelopes();
  const edge = httpEdge(envelopes);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    requestTimeout,
    http: {
      requestTimeout,
      // Node refuses a headers timeout longer than the request timeout.
      headersTimeout: requestTimeout,
      // How often Node looks for stalled requests: often enough that a stall is answered close
      // to its timeout, not up to 30 s (Node's default) later.
      connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.floor(requestTimeout / 10))),
      // Node would answer a missing Host with an empty 400 of its own; the edge plugin answers
      // it in the vendor's envelope instead.
      requireHostHeader: false,
    },
    routerOptions: {
      // Vendor paths carry their own ids; a trailing slash is not the same resource.
      ignoreTrailingSlash: false,
      // An id of any length is looked up (and is a 404 when it is no record): a path parameter
      // is bounded only by the header size limit, past which Node answers 431.
      maxParamLength: maxHeaderSize,
    },
    frameworkErrors: edge.frameworkErrors,
    clientErrorHandler: edge.clientErrorHandler,
  });
  app.register(edge.plugin);
  app.register(storePlugin, { store: options.store });
  app.register(controlPlanePlugin, options.journal ?? {});
  app.register(adminPlugin, { prefix: '/__admin' });
  app.register(docsPlugin);
  app.register(indexPagePlugin);
  app.register(imonggoPlugin, { prefix: '/api', bodyLimit });
  app.register(valomniaPlugin, { bodyLimit });
  app.register(myposPlugin, { prefix: '/api/v2', bodyLimit });
  app.register(myposControlPlugin, { prefix: '/__admin' });
  return app;
}
