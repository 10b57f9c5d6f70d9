#!/usr/bin/env node
import { SEEDERS } from '../seeds/index.js';
import { ConfigError, listenProblem, packageVersion, readConfig, seedSpecOf, usage } from './config.js';
import { summaryLine } from './core/control-plane.js';
import type { VendorName } from './core/store.js';
import { prewarmTemplates } from './seed-prewarm.js';
import type { RunningServer } from './server.js';
import { removeUrlFile, writeUrlFile } from './url-file.js';

/** `pos-sandbox [options]`: reads flags and environment, starts the server, prints its URL. */
async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage());
    return;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`pos-sandbox ${packageVersion()}\n`);
    return;
  }
  let config: ReturnType<typeof readConfig>;
  try {
    config = readConfig(argv, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`pos-sandbox: invalid configuration\n${error.message}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  // Seeding the configured dataset starts first, on another thread, so that the first tenant's
  // data is ready about when the server is. Only the demo dataset takes long enough to matter.
  const prewarmed =
    config.dataset === 'demo' && config.records > 0
      ? prewarmTemplates(
          new URL('./seed-worker.js', import.meta.url),
          seedSpecOf(config),
          Object.keys(SEEDERS) as VendorName[],
        )
      : undefined;
  // The server's modules (Fastify and every plugin) are evaluated only now, once the seed worker
  // is on its way: loaded with the CLI, they held its start back by ~30 ms, and the first tenant
  // waits for its templates.
  const { npmParentPid, StartError, startServer, stopOnSignals } = await import('./server.js');
  let server: RunningServer;
  try {
    server = await startServer(config, { prewarmed });
  } catch (error) {
    // A busy port or a host that is not this machine's is the user's to fix: one line, no stack.
    const problem = error instanceof StartError ? error.message : listenProblem(error, config);
    if (problem === undefined) throw error;
    process.stderr.write(`pos-sandbox: ${problem}\n`);
    // The seed worker would keep the process alive.
    process.exit(1);
  }
  if (config.urlFile !== '') {
    try {
      server = announcedIn(config.urlFile, server);
    } catch (error) {
      process.stderr.write(
        `pos-sandbox: cannot write the URL file ${config.urlFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})\n`,
      );
      process.exit(1);
    }
  }
  if (config.summary) server = summarizedOnStop(server);
  stopOnSignals(server, { parentPid: npmParentPid(process.env, process.ppid) });
  process.stdout.write(`pos-sandbox listening on ${server.url}\n`);
}

// The server that prints, as it stops, one line per tenant of what it received.
function summarizedOnStop(server: RunningServer): RunningServer {
  return {
    ...server,
    stop: async () => {
      const { store, controlPlane } = server.app;
      const lines = store
        .list()
        .map((tenant) => summaryLine(tenant.vendor, tenant.credential, controlPlane.tallyOf(tenant)));
      process.stdout.write(
        `pos-sandbox summary: ${lines.length} tenant${lines.length === 1 ? '' : 's'}\n${lines.map((line) => `  ${line}\n`).join('')}`,
      );
      await server.stop();
    },
  };
}

// The server with its URL written to `path`, and removed from there as soon as it begins to stop.
function announcedIn(path: string, server: RunningServer): RunningServer {
  writeUrlFile(path, server.url);
  return {
    ...server,
    stop: () => {
      removeUrlFile(path, server.url);
      return server.stop();
    },
  };
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`pos-sandbox: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
