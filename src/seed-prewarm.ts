import { Worker } from 'node:worker_threads';
import type { SeedSpec, VendorName } from './core/store.js';
import type { SeedWorkerInput, SeedWorkerOutput } from './seed-worker.js';

/** Each vendor's template for one seed spec, being built off the main thread. */
export interface PrewarmedTemplates {
  spec: SeedSpec;
  templates: ReadonlyMap<VendorName, Promise<unknown>>;
  /** Stops the worker if it is still running (a stop during start-up). */
  cancel(): Promise<void>;
}

/**
 * Starts seeding the configured dataset of every vendor in a worker thread, at process start.
 * Generating the demo data (faker) is most of what the first authenticated request would wait
 * for; on a second core it happens while the main thread loads the server. Data posted back is
 * the seeders' own output, structured-cloned, so it equals what seeding in-process builds. A
 * template the worker fails to deliver rejects, and the store then seeds in-process.
 */
export function prewarmTemplates(worker: URL, spec: SeedSpec, vendors: readonly VendorName[]): PrewarmedTemplates {
  const thread = new Worker(worker, { workerData: { spec, vendors: [...vendors] } satisfies SeedWorkerInput });
  // Never keep the process alive for templates nobody may ask for.
  thread.unref();
  const pending = new Map<VendorName, { resolve: (data: unknown) => void; reject: (error: Error) => void }>();
  const templates = new Map<VendorName, Promise<unknown>>();
  for (const vendor of vendors) {
    const promise = new Promise<unknown>((resolve, reject) => pending.set(vendor, { resolve, reject }));
    // A rejection is handled by whoever awaits the template; this keeps an unawaited one quiet.
    promise.catch(() => undefined);
    templates.set(vendor, promise);
  }
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  thread.on('message', ({ vendor, data }: SeedWorkerOutput) => {
    pending.get(vendor)?.resolve(data);
    pending.delete(vendor);
  });
  thread.on('error', failAll);
  thread.on('exit', (code) => failAll(new Error(`seed worker exited with code ${code}`)));
  return {
    spec,
    templates,
    cancel: async () => {
      failAll(new Error('seeding cancelled'));
      await thread.terminate();
    },
  };
}
