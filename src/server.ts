import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { SandboxConfig } from './config.js';
import { createMemoryDb, TenantStore } from './core/store.js';

/** Tenants kept at once before new credentials are refused (each holds a seeded dataset). */
export const MAX_TENANTS = 1000;

/** The store a config describes: in memory, every new tenant seeded as configured. */
export function createStore(config: SandboxConfig): TenantStore {
  return new TenantStore(createMemoryDb(), {
    seed: { dataset: config.dataset, seed: config.seed, records: config.records },
    maxTenants: MAX_TENANTS,
  });
}

/** Builds the app for a config and listens; resolves with the app and the URL it serves. */
export async function startServer(config: SandboxConfig): Promise<{ app: FastifyInstance; url: string }> {
  const app = buildApp({
    store: createStore(config),
    logger: { level: config.logLevel },
  });
  const address = await app.listen({ port: config.port, host: config.host });
  return { app, url: displayUrl(address, config.host) };
}

// Fastify reports the first bound address; show the one the user asked for, with the real port.
function displayUrl(address: string, host: string): string {
  const port = new URL(address).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${port}`;
}

/** Closes the app on SIGINT/SIGTERM: in-flight requests finish, then the process exits 0. */
export function stopOnSignals(app: FastifyInstance): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
