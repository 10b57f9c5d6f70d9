#!/usr/bin/env node
import { ConfigError, readConfig, usage } from './config.js';
import { startServer, stopOnSignals } from './server.js';

/** `pos-sandbox [options]`: reads flags and environment, starts the server, prints its URL. */
async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage());
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
  const server = await startServer(config);
  stopOnSignals(server);
  process.stdout.write(`pos-sandbox listening on ${server.url}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`pos-sandbox: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
