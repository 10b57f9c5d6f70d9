import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seedImonggo } from '../seeds/imonggo.js';
import { createMemoryDb, type SeedSpec, TenantStore } from '../src/core/store.js';
import { prewarmTemplates } from '../src/seed-prewarm.js';

// The worker as the CLI starts it: the bundle `npm run build` writes (test/global-setup.ts builds).
const WORKER = new URL('../dist/seed-worker.js', import.meta.url);
const SPEC: SeedSpec = { dataset: 'demo', seed: 3, records: 40 };

/** The Imonggo template a worker was asked for. */
function imonggoTemplate(worker: URL): Promise<unknown> {
  const template = prewarmTemplates(worker, SPEC, ['imonggo']).templates.get('imonggo');
  if (!template) throw new Error('no Imonggo template was started');
  return template;
}

describe('seeding in a worker at start-up', () => {
  it('delivers exactly the data seeding in-process builds', async () => {
    const fromWorker = await imonggoTemplate(WORKER);
    expect(fromWorker).toEqual(await seedImonggo(SPEC));
  });

  it("a store given the worker's template seeds its first tenant from it", async () => {
    const store = new TenantStore(createMemoryDb(), { seed: SPEC, maxTenants: 10 });
    let seededInProcess = 0;
    const seeder = (spec: SeedSpec) => {
      seededInProcess += 1;
      return seedImonggo(spec);
    };
    store.registerVendor('imonggo', { seeder, credentialProblem: () => null });
    store.provideTemplate('imonggo', SPEC, imonggoTemplate(WORKER));
    const tenant = await store.open('imonggo', 'first');
    expect(seededInProcess).toBe(0);
    expect(tenant.data).toEqual(await seedImonggo(SPEC));
  });

  it('a worker that fails leaves the store seeding in-process, with the same data', async () => {
    const broken = new URL('./no-such-worker.js', import.meta.url);
    expect(fileURLToPath(broken)).toContain('no-such-worker');
    const store = new TenantStore(createMemoryDb(), { seed: SPEC, maxTenants: 10 });
    store.registerVendor('imonggo', { seeder: seedImonggo, credentialProblem: () => null });
    store.provideTemplate('imonggo', SPEC, imonggoTemplate(broken));
    const tenant = await store.open('imonggo', 'first');
    expect(tenant.data).toEqual(await seedImonggo(SPEC));
  });

  it('a template that fails before any vendor registers, and before any tenant asks, seeds nothing in its place', async () => {
    // The server's order: the store gets the worker's templates before the plugins register.
    const store = new TenantStore(createMemoryDb(), { seed: SPEC, maxTenants: 10 });
    const prewarmed = prewarmTemplates(WORKER, { ...SPEC, records: 5000 }, ['imonggo']);
    const template = prewarmed.templates.get('imonggo');
    if (!template) throw new Error('no Imonggo template was started');
    store.provideTemplate('imonggo', { ...SPEC, records: 5000 }, template);
    await prewarmed.cancel();
    await expect(template).rejects.toThrow();
    let seeded = 0;
    store.registerVendor('imonggo', {
      seeder: (spec) => {
        seeded += 1;
        return seedImonggo(spec);
      },
      credentialProblem: () => null,
    });
    await new Promise((wait) => setTimeout(wait, 50));
    expect(seeded).toBe(0);
  });

  it('cancel stops the worker and rejects what it had not delivered', async () => {
    const prewarmed = prewarmTemplates(WORKER, { ...SPEC, records: 5000 }, ['imonggo']);
    await prewarmed.cancel();
    await expect(prewarmed.templates.get('imonggo')).rejects.toThrow();
  });
});
