import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { createMemoryDb, type Dataset, TenantStore } from '../../src/core/store.js';

/** The token the vendor's pages use in every example. */
export const DOCS_TOKEN = '4acc660ce98b9d38d7fea10705aa1ebd7d836fe0';

export interface TestAppOptions {
  dataset?: Dataset;
  seed?: number;
  records?: number;
  maxTenants?: number;
  maxRecordsPerTenant?: number;
  bodyLimit?: number;
  strict?: boolean;
  /** Requests each tenant's journal keeps (default 1000; 0 off). */
  journalSize?: number;
}

/** A sandbox app over a fresh in-memory store, as every test starts from. */
export async function testApp(options: TestAppOptions = {}): Promise<FastifyInstance> {
  return (await testSandbox(options)).app;
}

/** A sandbox app as `testApp` builds it, with its store, for tests that reach into the tenants' data. */
export async function testSandbox(options: TestAppOptions = {}): Promise<{ app: FastifyInstance; store: TenantStore }> {
  const store = new TenantStore(createMemoryDb(), {
    seed: { dataset: options.dataset ?? 'docs', seed: options.seed ?? 1, records: options.records ?? 20 },
    maxTenants: options.maxTenants ?? 100,
    ...(options.maxRecordsPerTenant === undefined ? {} : { maxRecordsPerTenant: options.maxRecordsPerTenant }),
    ...(options.strict === undefined ? {} : { strict: options.strict }),
  });
  const app = buildApp({
    store,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    ...(options.journalSize === undefined ? {} : { journal: { journalSize: options.journalSize } }),
  });
  await app.ready();
  return { app, store };
}

/** The Authorization header for an Imonggo token, with the conventional "X" password. */
export function basic(token: string = DOCS_TOKEN, password = 'X'): string {
  return `Basic ${Buffer.from(`${token}:${password}`).toString('base64')}`;
}
