import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { SEEDERS } from '../seeds/index.js';
import type { SeedSpec, VendorName } from './core/store.js';

/** What the process hands this worker: the seed spec and the vendors to seed for it. */
export interface SeedWorkerInput {
  spec: SeedSpec;
  vendors: VendorName[];
}

/** One vendor's seeded data, posted as soon as it is built. */
export interface SeedWorkerOutput {
  vendor: VendorName;
  data: unknown;
}

// Entry of the seed worker (dist/seed-worker.js): builds each vendor's template for the
// configured dataset and posts it back, while the main thread loads and starts the server.
const { spec, vendors } = workerData as SeedWorkerInput;
// The seeding yields the CPU to the main thread while both start: the templates are needed only
// once the first tenant asks, the server's start is what a waiting client times (with 1,000
// records a tenant, cold start went from 239 to 222 ms, the first answer 260 to 252). On Linux a
// thread's nice value is its own; elsewhere it is the whole process's, so it is left alone there.
if (process.platform === 'linux') {
  try {
    setPriority(0, 19);
  } catch {
    // Not allowed here (a container that forbids it): seeding at the usual priority is fine.
  }
}
for (const vendor of vendors) {
  const data = await SEEDERS[vendor](spec);
  parentPort?.postMessage({ vendor, data } satisfies SeedWorkerOutput);
}
