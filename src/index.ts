// The package entry (`import { startSandbox } from 'pos-sandbox'`): the sandbox for a test
// runner's globalSetup, or an app to inject() requests into without a socket. Nothing here reads
// the environment or the command line; the caller's options are all there is.
import { ConfigError, type LogLevel, readConfig, type SandboxConfig, SETTINGS } from './config.js';
import { type ControlClient, controlClient } from './control-client.js';
import type { Dataset, TenantStore } from './core/store.js';
import { createStore, startServer } from './server.js';

export { type AppOptions, buildApp } from './app.js';
export type { LogLevel } from './config.js';
export {
  type ClockControl,
  type ClockInfo,
  ControlApiError,
  type ControlClient,
  controlClient,
  type Fault,
  type FaultControl,
  type FaultKind,
  type FaultMatch,
  type FaultRule,
  type FaultRuleState,
  type JournalBody,
  type JournalEntry,
  type JournalFilter,
  type MyposPermissions,
  type RequestLog,
  type SandboxVendor,
  type SnapshotInfo,
  type SnapshotScope,
  type TenantHandle,
  type TenantInfo,
  type TenantOptions,
  type TenantRef,
  type TimeInput,
} from './control-client.js';
export type { Dataset, TenantStore } from './core/store.js';
/** A bad option given to startSandbox or createSandboxStore; the message names every bad value. */
export { ConfigError };

/** The CLI's options, as startSandbox and createSandboxStore take them. */
export interface SandboxOptions {
  /** Port to listen on; 0 (the default here, unlike the CLI's 3000) picks a free one. */
  port: number;
  /** Address to listen on (default 127.0.0.1). */
  host: string;
  /** Seed of the generated data (default 1). */
  seed: number;
  /** What new tenants hold: 'docs' (the vendors' documented examples), 'demo' (default) or 'empty'. */
  dataset: Dataset;
  /** Generated customers, and as many suppliers, per demo tenant (default 120, at most 10000). */
  records: number;
  /** Fastify's log level, written to stdout (default 'silent', unlike the CLI's 'info'). */
  logLevel: LogLevel;
  /** Serve only tenants made through the control API, POST /__admin/tenants (default false). */
  strict: boolean;
  /** Requests each tenant's journal keeps (default 1000; 0 turns it off). */
  journal: number;
  /** Tenant documents (GET …/export's files) loaded before the sandbox answers. */
  imports: string[];
  /** A directory tenants, snapshots and sessions are kept in across restarts ('' or none: memory). */
  dataDir: string;
}

/**
 * A sandbox started by startSandbox, with its control API at hand:
 * `await sandbox.tenant('imonggo', token).faults.add({ fault: { kind: 'status', status: 503 } })`.
 */
export interface Sandbox extends ControlClient {
  /** Base URL of every vendor's API, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** The port it listens on (the one picked when started on port 0). */
  port: number;
  /** Stops taking requests, lets in-flight ones finish and frees the port; safe to call twice. */
  close(): Promise<void>;
}

const EMBEDDED_DEFAULTS: Partial<SandboxOptions> = { port: 0, logLevel: 'silent' };
const OPTION_NAMES = [
  'port',
  'host',
  'seed',
  'dataset',
  'records',
  'logLevel',
  'strict',
  'journal',
  'imports',
  'dataDir',
] as const satisfies readonly (keyof SandboxConfig & keyof SandboxOptions)[];

// The options as the CLI would read them from flags, so they get the CLI's defaults and checks
// (a bad value's message names the flag and its environment variable, as the CLI's does).
function configOf(options: Partial<SandboxOptions>): SandboxConfig {
  const unknown = Object.keys(options).filter((key) => !(OPTION_NAMES as readonly string[]).includes(key));
  if (unknown.length > 0)
    throw new ConfigError(`unknown option${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  const argv: string[] = [];
  for (const key of OPTION_NAMES) {
    const value = options[key] ?? EMBEDDED_DEFAULTS[key];
    const flag = `--${SETTINGS[key].flag}`;
    // A switch is its flag alone; a list is its flag once per value.
    if (typeof value === 'boolean') {
      if (value) argv.push(flag);
    } else if (Array.isArray(value)) {
      for (const item of value) argv.push(`${flag}=${String(item)}`);
    } else if (value !== undefined) {
      argv.push(`${flag}=${String(value)}`);
    }
  }
  return readConfig(argv, {});
}

/**
 * Starts the sandbox in this process, listening on a free port of 127.0.0.1 unless told
 * otherwise, and resolves once it answers. Every credential is its own tenant, seeded on first
 * use, and state lives in memory: close() (in a globalTeardown or after()) drops it all.
 * Rejects with a ConfigError for a bad option, or the listen error (EADDRINUSE, ENOTFOUND).
 */
export async function startSandbox(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  const server = await startServer(configOf(options));
  let closing: Promise<void> | undefined;
  return {
    ...controlClient(server.url),
    url: server.url,
    port: Number(new URL(server.url).port),
    close: () => {
      closing ??= server.stop();
      return closing;
    },
  };
}

/**
 * The in-memory tenant store buildApp needs, seeded as startSandbox's would be:
 * `buildApp({ store: createSandboxStore({ dataset: 'docs' }) })`, then `app.inject(...)`.
 */
export function createSandboxStore(
  options: Partial<Pick<SandboxOptions, 'seed' | 'dataset' | 'records' | 'strict'>> = {},
): TenantStore {
  return createStore(configOf(options));
}
