import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TextFile } from 'lowdb/node';
import type { Tenant, TenantPersistence } from './store.js';
import { applyChangeLog, changeLineText, changesSince, type WrittenTenant, writtenTenant } from './tenant-changes.js';
import { persistedTenantText } from './tenant-document.js';

/**
 * How long a change waits before it is written: every change to a tenant within the window is
 * written once, at its end. A `kill -9` loses at most the changes of the last window (and of a
 * write in progress), never a file: each is written beside itself and renamed over.
 */
export const WRITE_WINDOW_MS = 100;

/** A change log is folded into its base once it outgrows the base, or this, whichever is more. */
const COMPACT_LOG_BYTES = 1024 * 1024;

/** A tenant file's change log: beside it, `<name>.log`. */
function logOf(file: string): string {
  return file.replace(/\.json$/, '.log');
}

/** A file of the directory that cannot be read back; the message names it and says why. */
export class DataFileError extends Error {
  readonly code = 'DATA_FILE';
}

/** A tenant file read back: its text parsed (its change log applied), not yet checked. */
export interface StoredTenant {
  file: string;
  document: unknown;
}

/**
 * A data directory (`--data-dir`): each tenant in a file of its own under `tenants/<vendor>/`,
 * written through lowdb's file adapter (steno: a temporary file renamed over the old one) with a
 * change log beside it (`<name>.log`, one line per window that changed the tenant), the
 * snapshots under `snapshots/`, and the process secrets (the key MYPOS tokens are signed with)
 * in `secrets.json`. Changes are gathered and written once per WRITE_WINDOW_MS, only for the
 * tenants that changed and only what changed (the records put and removed), so a stream of writes
 * costs a line per window, whatever the tenant holds; the log is folded into the file once it
 * outgrows it.
 */
export class DataDirectory implements TenantPersistence {
  readonly #root: string;
  readonly #secrets: Record<string, string>;
  readonly #files = new Map<string, TextFile>();
  // What was last written of each tenant file, and the size of its base and of its change log.
  readonly #written = new Map<string, { tenant: WrittenTenant; baseBytes: number; logBytes: number }>();
  readonly #snapshots = new Map<string, TextFile>();
  // "vendor\ncredential" → the tenant's file (see #fileOf).
  readonly #fileNames = new Map<string, string>();
  // Tenant file → the tenant to write, or null to remove the file.
  #pending = new Map<string, Tenant | null>();
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  readonly #onError: (error: unknown) => void;

  /** Opens (or makes) the directory and reads its secrets; throws when it cannot be used. */
  constructor(root: string, onError: (error: unknown) => void = () => {}) {
    this.#root = root;
    this.#onError = onError;
    mkdirSync(join(root, 'tenants'), { recursive: true });
    mkdirSync(join(root, 'snapshots'), { recursive: true });
    const secrets = join(root, 'secrets.json');
    try {
      this.#secrets = JSON.parse(readFileSync(secrets, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.#secrets = {};
    }
  }

  /** The directory. */
  get root(): string {
    return this.#root;
  }

  /** A secret of the process that outlives it: made on first use, then read from the directory. */
  secret(name: string): Buffer {
    let value = this.#secrets[name];
    if (value === undefined) {
      value = randomBytes(32).toString('base64');
      this.#secrets[name] = value;
      const file = join(this.#root, 'secrets.json');
      writeFileSync(`${file}.tmp`, `${JSON.stringify(this.#secrets, null, 2)}\n`, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    }
    return Buffer.from(value, 'base64');
  }

  /** Every tenant file, read and parsed (not checked); a file that is no JSON is an error. */
  async tenantFiles(): Promise<StoredTenant[]> {
    const found: StoredTenant[] = [];
    const tenants = join(this.#root, 'tenants');
    for (const vendor of readdirSync(tenants).sort()) {
      for (const name of readdirSync(join(tenants, vendor)).sort()) {
        // Temporary files of a write that never finished are skipped: the file before it stands.
        if (!name.endsWith('.json') || name.startsWith('.')) continue;
        const file = join(tenants, vendor, name);
        const text = await readFile(file, 'utf8');
        let document: Record<string, unknown>;
        try {
          document = JSON.parse(text) as Record<string, unknown>;
        } catch (error) {
          throw new DataFileError(`cannot load ${file}: not JSON (${(error as Error).message})`);
        }
        let log = '';
        try {
          log = await readFile(logOf(file), 'utf8');
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
        try {
          found.push({ file, document: log === '' ? document : applyChangeLog(document, log) });
        } catch (error) {
          throw new DataFileError(`cannot load ${logOf(file)}: ${(error as Error).message}`);
        }
      }
    }
    // Oldest first, as the store lists its tenants.
    const made = (stored: StoredTenant) => String((stored.document as { createdAt?: unknown }).createdAt ?? '');
    return found.sort((a, b) => made(a).localeCompare(made(b)));
  }

  /** The tenant changed: written at the end of the window. */
  changed(tenant: Tenant): void {
    this.#pending.set(this.#fileOf(tenant.vendor, tenant.credential), tenant);
    this.#schedule();
  }

  /** The tenant is gone: its file is removed at the end of the window. */
  removed(vendor: string, credential: string): void {
    this.#pending.set(this.#fileOf(vendor, credential), null);
    // Its name is forgotten with it: suites that make a tenant per run never grow the map.
    this.#fileNames.delete(fileKey(vendor, credential));
    this.#schedule();
  }

  /** Writes what is pending now; resolves once every write so far is on disk. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const pending = this.#pending;
    this.#pending = new Map();
    // Flushes run one after another, so a file's writes land in order.
    this.#flushing = this.#flushing.then(() => this.#write(pending));
    return this.#flushing;
  }

  /** Keeps a snapshot's text as `snapshots/<name>.json` (the name is letters, digits, `.`, `_`, `-`). */
  async writeSnapshot(name: string, text: string): Promise<void> {
    const file = join(this.#root, 'snapshots', `${name}.json`);
    let adapter = this.#snapshots.get(file);
    if (!adapter) {
      adapter = new TextFile(file);
      this.#snapshots.set(file, adapter);
    }
    await adapter.write(text);
  }

  /** Forgets a kept snapshot. */
  async removeSnapshot(name: string): Promise<void> {
    const file = join(this.#root, 'snapshots', `${name}.json`);
    this.#snapshots.delete(file);
    await rm(file, { force: true });
  }

  /** The kept snapshots, parsed (not checked), oldest first. */
  async snapshotFiles(): Promise<StoredTenant[]> {
    const folder = join(this.#root, 'snapshots');
    const found: { file: string; document: unknown; at: number }[] = [];
    for (const name of readdirSync(folder)) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const file = join(folder, name);
      try {
        found.push({ file, document: JSON.parse(await readFile(file, 'utf8')), at: statSync(file).mtimeMs });
      } catch (error) {
        throw new DataFileError(`cannot load ${file}: not JSON (${(error as Error).message})`);
      }
    }
    return found.sort((a, b) => a.at - b.at).map(({ file, document }) => ({ file, document }));
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.flush().catch(this.#onError);
    }, WRITE_WINDOW_MS);
    // A pending write never keeps the process alive: stopping flushes it (see close in server.ts).
    this.#timer.unref();
  }

  async #write(pending: Map<string, Tenant | null>): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const [file, tenant] of pending) {
      if (tenant === null) {
        this.#files.delete(file);
        this.#written.delete(file);
        // The file first: a kill before the log goes leaves a log without a file, never loaded.
        writes.push(rm(file, { force: true }).then(() => rm(logOf(file), { force: true })));
        continue;
      }
      writes.push(this.#writeTenant(file, tenant));
    }
    const results = await Promise.allSettled(writes);
    for (const result of results) if (result.status === 'rejected') this.#onError(result.reason);
  }

  // A tenant's changes since its last write as one line of its change log; the whole tenant when
  // the log has grown past the base (a compaction), the data was swapped (a reset) or this
  // process has not written it yet. A line costs what changed, not what the tenant holds.
  async #writeTenant(file: string, tenant: Tenant): Promise<void> {
    const written = this.#written.get(file);
    if (written && written.logBytes <= Math.max(written.baseBytes, COMPACT_LOG_BYTES)) {
      const line = changesSince(written.tenant, tenant);
      if (line === null) return;
      if (line !== undefined) {
        const text = changeLineText(line);
        written.logBytes += text.length;
        try {
          await appendFile(logOf(file), text);
        } catch (error) {
          // What the baseline counts as written is not: the next write is a whole one.
          this.#written.delete(file);
          throw error;
        }
        return;
      }
    }
    let adapter = this.#files.get(file);
    if (!adapter) {
      mkdirSync(join(this.#root, 'tenants', tenant.vendor), { recursive: true });
      adapter = new TextFile(file);
      this.#files.set(file, adapter);
    }
    const generation = randomBytes(6).toString('base64url');
    const text = persistedTenantText(tenant, generation);
    this.#written.set(file, { tenant: writtenTenant(tenant, generation), baseBytes: text.length, logBytes: 0 });
    // The base first, then the log emptied: a kill between the two leaves lines of the older
    // generation, which loading skips (see applyChangeLog).
    await adapter.write(text);
    await writeFile(logOf(file), '');
  }

  // A credential may hold any character: the file is named by its hash, and holds it. Worked out
  // once per tenant, not on every write (a hash and a path join cost a create ~3 µs).
  #fileOf(vendor: string, credential: string): string {
    const key = fileKey(vendor, credential);
    let file = this.#fileNames.get(key);
    if (file === undefined) {
      const name = createHash('sha256').update(credential).digest('hex').slice(0, 40);
      file = join(this.#root, 'tenants', vendor, `${name}.json`);
      this.#fileNames.set(key, file);
    }
    return file;
  }
}

// The key of a tenant's file name in #fileNames.
function fileKey(vendor: string, credential: string): string {
  return `${vendor}\n${credential}`;
}
