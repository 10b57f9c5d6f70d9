import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { type SandboxConfig, seedSpecOf } from './config.js';
import { DataDirectory, DataFileError } from './core/data-directory.js';
import { createMemoryDb, type TenantPersistence, type TenantState, TenantStore } from './core/store.js';
import { readTenantDocument, storedExtras } from './core/tenant-document.js';
import { AdminError } from './plugins/admin.js';
import { importDocument } from './plugins/admin-snapshots.js';
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

/**
 * The store a config describes: in memory, every new tenant seeded as configured, from the
 * templates a seed worker is already building when there are any.
 */
export function createStore(
  config: SandboxConfig,
  prewarmed?: PrewarmedTemplates,
  persistence?: TenantPersistence,
): TenantStore {
  const store = new TenantStore(createMemoryDb(), {
    seed: seedSpecOf(config),
    maxTenants: MAX_TENANTS,
    strict: config.strict,
    ...(persistence ? { persistence } : {}),
  });
  if (prewarmed) for (const [vendor, data] of prewarmed.templates) store.provideTemplate(vendor, prewarmed.spec, data);
  return store;
}

export interface StartOptions {
  /** Templates being seeded off the main thread since the process started (see prewarmTemplates). */
  prewarmed?: PrewarmedTemplates;
}

/** Builds the app for a config and listens on its host and port. */
export async function startServer(config: SandboxConfig, options: StartOptions = {}): Promise<RunningServer> {
  let app: FastifyInstance | undefined;
  let directory: DataDirectory | undefined;
  if (config.dataDir !== '') {
    try {
      directory = new DataDirectory(config.dataDir, (error) =>
        app?.log.error({ err: error }, 'data directory write failed'),
      );
    } catch (error) {
      throw new StartError(`cannot use the data directory ${config.dataDir}: ${describe(error)}`);
    }
  }
  app = buildApp({
    store: createStore(config, options.prewarmed, directory),
    logger: { level: config.logLevel },
    journal: { journalSize: config.journal },
  });
  let stopping = false;
  // A keep-alive connection busy when the stop begins would otherwise hold the process open
  // until the client lets go; answering its last request with "Connection: close" ends it.
  app.addHook('onSend', async (_request, reply) => {
    if (stopping) reply.header('connection', 'close');
  });
  try {
    if (directory) await loadDataDirectory(app, directory);
    await importTenants(app, config.imports);
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = await app.listen({ port: config.port, host: config.host });
  return {
    app,
    url: displayUrl(address, config.host),
    stop: async () => {
      stopping = true;
      await options.prewarmed?.cancel();
      await app.close();
      // What the last window gathered is written before the process goes.
      await directory?.flush();
    },
  };
}

/** A file given at start (an import, the data directory) that cannot be loaded: the start fails with its message. */
export class StartError extends Error {
  readonly code = 'START';
  constructor(message: string) {
    // One line, whatever the cause quoted (a JSON parser's message quotes the text it read).
    super(message.replace(/\s+/g, ' '));
  }
}

// A system error by its code (ENOENT), anything else by its message.
function describe(error: unknown): string {
  const { errno, code } = error as NodeJS.ErrnoException;
  return errno !== undefined && code ? code : (error as Error).message;
}

// The tenants and snapshots a data directory kept, put back before the server answers anything.
async function loadDataDirectory(app: FastifyInstance, directory: DataDirectory): Promise<void> {
  await app.ready();
  const read = async (file: string, document: unknown): Promise<TenantState> => {
    let state: TenantState;
    try {
      state = readTenantDocument(document);
    } catch (error) {
      throw new StartError(`cannot load ${file}: ${describe(error)}`);
    }
    if (!app.store.vendors().includes(state.vendor))
      throw new StartError(`cannot load ${file}: no vendor ${state.vendor}`);
    const problem = await app.store.dataProblem(state.vendor, state.seed, state.data);
    if (problem !== null) throw new StartError(`cannot load ${file}: ${problem}`);
    return state;
  };
  let files: Awaited<ReturnType<DataDirectory['tenantFiles']>>;
  let snapshots: typeof files;
  try {
    files = await directory.tenantFiles();
    snapshots = await directory.snapshotFiles();
  } catch (error) {
    if (error instanceof DataFileError) throw new StartError(error.message);
    throw new StartError(`cannot read the data directory ${directory.root}: ${describe(error)}`);
  }
  for (const { file, document } of files) {
    const state = await read(file, document);
    const { id, attachments } = storedExtras(document);
    app.store.load(state, id, attachments);
  }
  for (const { file, document } of snapshots) {
    const { name, createdAt, scope, tenants } = (document ?? {}) as Record<string, unknown>;
    if (
      typeof name !== 'string' ||
      typeof createdAt !== 'string' ||
      (scope !== 'all' && scope !== 'some') ||
      !Array.isArray(tenants)
    ) {
      throw new StartError(`cannot load ${file}: not a snapshot`);
    }
    const states: TenantState[] = [];
    for (const tenant of tenants) states.push(await read(file, tenant));
    app.snapshots.adopt({ name, createdAt, scope, tenants: states });
  }
}

// The tenant documents named at start, loaded before the server answers anything.
async function importTenants(app: FastifyInstance, files: readonly string[]): Promise<void> {
  if (files.length === 0) return;
  await app.ready();
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new StartError(`cannot import ${file}: ${reason}`);
    }
    try {
      await importDocument(app.store, parsed);
    } catch (error) {
      if (error instanceof AdminError) throw new StartError(`cannot import ${file}: ${error.message}`);
      throw error;
    }
  }
}

// Fastify reports the first bound address; show the one the user asked for, with the real port.
function displayUrl(address: string, host: string): string {
  const port = new URL(address).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${port}`;
}

/** What ends a running server besides a signal to the process itself. */
export interface StopTriggers {
  /**
   * A process whose end stops the server too (npm's, see npmParentPid): without it a server whose
   * npm was killed lives on, reparented, holding its port.
   */
  parentPid?: number;
  /** How often the parent is looked for, in ms (default 200). */
  pollMs?: number;
}

/**
 * Stops the server on SIGINT/SIGTERM, or when the watched parent process is gone: in-flight
 * requests finish, then the process exits 0.
 */
export function stopOnSignals(server: RunningServer, triggers: StopTriggers = {}): void {
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ reason }, 'stopping');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  const { parentPid } = triggers;
  if (parentPid !== undefined && parentPid > 1) {
    const watch = setInterval(() => {
      if (!isAlive(parentPid)) {
        clearInterval(watch);
        stop('parent process ended');
      }
    }, triggers.pollMs ?? 200);
    watch.unref();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else; only ESRCH says it is gone.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * The process to stop with when npm started this one (`npm start`, `npm run`, `npx`): the parent.
 * `npm start` runs `exec node …`, so the parent is npm itself, which passes SIGTERM and SIGINT on;
 * watching it covers what cannot be passed on (npm killed outright) and `npx`, whose `sh -c` may
 * die of a signal without passing it to the server.
 */
export function npmParentPid(env: Readonly<Record<string, string | undefined>>, ppid: number): number | undefined {
  const underNpm = env.npm_lifecycle_event !== undefined || env.npm_command !== undefined;
  return underNpm ? ppid : undefined;
}
