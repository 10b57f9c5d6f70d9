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
for (const vendor of vendors) {
  const data = await SEEDERS[vendor](spec);
  parentPort?.postMessage({ vendor, data } satisfies SeedWorkerOutput);
}
