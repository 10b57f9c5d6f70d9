import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { SandboxConfig } from './config.js';
import { createMemoryDb, type SeedSpec, TenantStore } from './core/store.js';
import type { PrewarmedTemplates } from './seed-prewarm.js';

/** Tenants kept at once before new credentials are refused (each holds a seeded dataset). */
export const MAX_TENANTS = 1000;

/** A listening sandbox. */
export interface RunningServer {
  app: FastifyInstance;
  /** The URL it serves, with the real port when it was started on port 0. */
  url: string;
  /** Stops taking requests, lets in-flight ones finish, then closes. */
  stop(): Promise<void>;
}

/** The seed spec every new tenant of a config gets. */
export function seedSpecOf(config: SandboxConfig): SeedSpec {
  return { dataset: config.dataset, seed: config.seed, records: config.records };
}

/**
 * The store a config describes: in memory, every new tenant seeded as configured, from the
 * templates a seed worker is already building when there are any.
 */
export function createStore(config: SandboxConfig, prewarmed?: PrewarmedTemplates): TenantStore {
  const store = new TenantStore(createMemoryDb(), { seed: seedSpecOf(config), maxTenants: MAX_TENANTS });
  if (prewarmed) for (const [vendor, data] of prewarmed.templates) store.provideTemplate(vendor, prewarmed.spec, data);
  return store;
}

export interface StartOptions {
  /** Templates being seeded off the main thread since the process started (see prewarmTemplates). */
  prewarmed?: PrewarmedTemplates;
}

/** Builds the app for a config and listens on its host and port. */
export async function startServer(config: SandboxConfig, options: StartOptions = {}): Promise<RunningServer> {
  const app = buildApp({ store: createStore(config, options.prewarmed), logger: { level: config.logLevel } });
  let stopping = false;
  // A keep-alive connection busy when the stop begins would otherwise hold the process open
  // until the client lets go; answering its last request with "Connection: close" ends it.
  app.addHook('onSend', async (_request, reply) => {
    if (stopping) reply.header('connection', 'close');
  });
  const address = await app.listen({ port: config.port, host: config.host });
  return {
    app,
    url: displayUrl(address, config.host),
    stop: async () => {
      stopping = true;
      await options.prewarmed?.cancel();
      await app.close();
    },
  };
}

// Fastify reports the first bound address; show the one the user asked for, with the real port.
function displayUrl(address: string, host: string): string {
  const port = new URL(address).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${port}`;
}

/** Stops the server on SIGINT/SIGTERM: in-flight requests finish, then the process exits 0. */
export function stopOnSignals(server: RunningServer): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'stopping');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
