import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from './core/package-root.js';
import { DATASETS, type Dataset, type SeedSpec } from './core/store.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How the sandbox process runs: read once, by the server entry, from flags and environment. */
export interface SandboxConfig {
  port: number;
  host: string;
  seed: number;
  dataset: Dataset;
  /** Generated customers (and suppliers) per tenant in the demo dataset. */
  records: number;
  logLevel: LogLevel;
  /** Where to write the URL once listening (removed on stop); '' writes none. */
  urlFile: string;
  /** Serve only tenants made through the control API (POST /__admin/tenants). */
  strict: boolean;
  /** Requests each tenant's journal keeps; 0 turns the journal off. */
  journal: number;
  /** Tenant documents (GET …/export's) loaded before the server listens. */
  imports: string[];
  /** Print one line per tenant of what it received when the process stops. */
  summary: boolean;
  /** Where tenants, snapshots and secrets are kept between runs; '' keeps them in memory only. */
  dataDir: string;
}

/** A bad flag or environment value; the message lists every problem found. */
export class ConfigError extends Error {
  readonly code = 'CONFIG';
}

interface Setting {
  flag: string;
  env: string;
  default: string;
  help: string;
  /** A switch: `--strict` alone, or the variable set to true/false (1/0, yes/no). */
  boolean?: true;
  /** May be given more than once; the variable lists the values separated by the path delimiter. */
  multiple?: true;
}

/** Every setting, as a flag and as an environment variable (the flag wins). */
export const SETTINGS = {
  port: { flag: 'port', env: 'POS_SANDBOX_PORT', default: '3000', help: 'port to listen on; 0 picks a free one' },
  host: { flag: 'host', env: 'POS_SANDBOX_HOST', default: '127.0.0.1', help: 'address to listen on' },
  seed: { flag: 'seed', env: 'POS_SANDBOX_SEED', default: '1', help: 'seed of the generated data' },
  dataset: { flag: 'dataset', env: 'POS_SANDBOX_DATASET', default: 'demo', help: `${DATASETS.join(' | ')}` },
  records: {
    flag: 'records',
    env: 'POS_SANDBOX_RECORDS',
    default: '120',
    help: 'generated records of each kind per demo tenant',
  },
  logLevel: { flag: 'log-level', env: 'POS_SANDBOX_LOG_LEVEL', default: 'info', help: `${LOG_LEVELS.join(' | ')}` },
  urlFile: {
    flag: 'url-file',
    env: 'POS_SANDBOX_URL_FILE',
    default: '',
    help: 'file to write the URL to once listening, removed on stop',
  },
  strict: {
    flag: 'strict',
    env: 'POS_SANDBOX_STRICT',
    default: 'false',
    help: 'serve only tenants made with POST /__admin/tenants',
    boolean: true,
  },
  journal: {
    flag: 'journal',
    env: 'POS_SANDBOX_JOURNAL',
    default: '1000',
    help: 'requests each tenant journal keeps; 0 turns it off',
  },
  imports: {
    flag: 'import',
    env: 'POS_SANDBOX_IMPORT',
    default: '',
    help: `tenant documents to load at start (repeat the flag; the variable separates them with "${delimiter}")`,
    multiple: true,
  },
  dataDir: {
    flag: 'data-dir',
    env: 'POS_SANDBOX_DATA_DIR',
    default: '',
    help: 'keep tenants, snapshots and sessions in this directory across restarts',
  },
  summary: {
    flag: 'summary',
    env: 'POS_SANDBOX_SUMMARY',
    default: 'false',
    help: 'on exit, print one line per tenant of the requests it received',
    boolean: true,
  },
} as const satisfies Record<keyof SandboxConfig, Setting>;

/** The usage text `--help` prints. */
export function usage(): string {
  const lines = Object.values(SETTINGS).map(
    (s: Setting) =>
      `  --${s.flag.padEnd(10)} ${s.env.padEnd(22)} ${s.help}${s.default === '' ? '' : ` (default ${s.default})`}`,
  );
  return [
    'Usage: pos-sandbox [options]',
    '',
    '  flag         environment variable',
    ...lines,
    '  --help       this text (or -h)',
    '  --version    the version (or -v)',
    '',
  ].join('\n');
}

/** Reads and validates the config; throws ConfigError naming every bad value. */
export function readConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): SandboxConfig {
  let flags: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.values(SETTINGS).map((s: Setting) => [
          s.flag,
          { type: s.boolean ? ('boolean' as const) : ('string' as const), ...(s.multiple ? { multiple: true } : {}) },
        ]),
      ),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const problems: string[] = [];
  const raw = (setting: Setting): string => {
    const value = flags[setting.flag];
    if (typeof value === 'boolean') return String(value);
    return typeof value === 'string' ? value : (env[setting.env] ?? setting.default);
  };
  const list = (setting: Setting): string[] => {
    const value = flags[setting.flag];
    const given = Array.isArray(value) ? value.map(String) : (env[setting.env] ?? setting.default).split(delimiter);
    return given.map((item) => item.trim()).filter((item) => item !== '');
  };
  const toggle = (setting: Setting): boolean => {
    const value = raw(setting).trim().toLowerCase();
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no', ''].includes(value)) return false;
    problems.push(`--${setting.flag} / ${setting.env}: expected true or false, got "${value}"`);
    return false;
  };
  const integer = (setting: Setting, min: number, max: number): number => {
    const text = raw(setting).trim();
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      problems.push(`--${setting.flag} / ${setting.env}: expected a whole number from ${min} to ${max}, got "${text}"`);
    }
    return value;
  };
  const oneOf = <T extends string>(setting: Setting, allowed: readonly T[]): T => {
    const value = raw(setting).trim();
    if (!allowed.includes(value as T)) {
      problems.push(`--${setting.flag} / ${setting.env}: expected one of ${allowed.join(', ')}, got "${value}"`);
    }
    return value as T;
  };
  const host = raw(SETTINGS.host).trim();
  if (host === '') problems.push(`--host / ${SETTINGS.host.env}: must not be empty`);
  const config: SandboxConfig = {
    port: integer(SETTINGS.port, 0, 65535),
    host,
    seed: integer(SETTINGS.seed, 0, 2 ** 32 - 1),
    dataset: oneOf(SETTINGS.dataset, DATASETS),
    records: integer(SETTINGS.records, 0, 10_000),
    logLevel: oneOf(SETTINGS.logLevel, LOG_LEVELS),
    urlFile: raw(SETTINGS.urlFile).trim(),
    strict: toggle(SETTINGS.strict),
    journal: integer(SETTINGS.journal, 0, 100_000),
    imports: list(SETTINGS.imports),
    summary: toggle(SETTINGS.summary),
    dataDir: raw(SETTINGS.dataDir).trim(),
  };
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
  return config;
}

let version: string | undefined;

/**
 * The sandbox's version: package.json's, read from the package root, so the compiled files and
 * the bundle (dist/pos-sandbox.js) report the same one as the installed package.
 */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

/**
 * The one line that explains why the server could not listen where the config says, for the
 * errors a user causes (a busy port, a host that is not this machine's); undefined for any other
 * error, which is a bug and keeps its stack.
 */
export function listenProblem(error: unknown, config: Pick<SandboxConfig, 'port' | 'host'>): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const { port, host } = config;
  switch (code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use (--port picks another; 0 a free one)`;
    case 'EACCES':
      return `not allowed to listen on port ${port} on ${host} (ports below 1024 need privileges; --port picks another)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on host "${host}": not an address of this machine`;
    case 'ENOTFOUND':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
    case 'EAI_FAIL':
      return `cannot listen on host "${host}": no such host name`;
    case 'EAI_AGAIN':
      return `cannot listen on host "${host}": its name could not be resolved (DNS did not answer)`;
    default:
      return undefined;
  }
}

/** The seed spec every new tenant of a config gets. */
export function seedSpecOf(config: SandboxConfig): SeedSpec {
  return { dataset: config.dataset, seed: config.seed, records: config.records };
}
