import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The real process with --data-dir, as the bin runs it (dist/ is built by the global setup), and
// what the persistence tests say to it over real sockets.

/** The bundle the bin runs, by absolute path (a test may start it in another working directory). */
export const BIN = fileURLToPath(new URL('../dist/pos-sandbox.js', import.meta.url));

const children = new Set<ChildProcess>();
const folders: string[] = [];

/** Kills every process still running (SIGKILL) and removes every temporary folder; for afterEach. */
export async function cleanUp(): Promise<void> {
  const running = [...children];
  children.clear();
  await Promise.all(
    running.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = once(child, 'close');
      child.kill('SIGKILL');
      await closed;
    }),
  );
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** A new empty folder under the system's temporary directory, removed by cleanUp. */
export function tempDir(prefix = 'persistence-'): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

/** A started process: what it printed so far, and ways to end it. */
export interface Process {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null when a signal ended it) once the process and its pipes closed. */
  closed: Promise<number | null>;
}

/** Spawns `node dist/pos-sandbox.js <args>`; cleanUp kills it if the test does not. */
export function spawnSandbox(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Process {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    err += String(chunk);
  });
  const closed = once(child, 'close').then(([code]) => {
    children.delete(child);
    return code as number | null;
  });
  return { child, stdout: () => out, stderr: () => err, closed };
}

/** A listening sandbox. */
export interface Server extends Process {
  url: string;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash: nothing is flushed. Resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Starts the server on a free port, silent, keeping its state in `dataDir`; resolves once it listens. */
export async function startServer(
  dataDir: string,
  args: readonly string[] = [],
  options: { cwd?: string } = {},
): Promise<Server> {
  return listening(spawnSandbox(['--port', '0', '--log-level', 'silent', '--data-dir', dataDir, ...args], options));
}

/** Waits for the "listening" line of a spawned sandbox. */
export async function listening(started: Process): Promise<Server> {
  let exited = false;
  void started.closed.then(() => {
    exited = true;
  });
  for (;;) {
    const url = /pos-sandbox listening on (http:\/\/\S+)/.exec(started.stdout())?.[1];
    if (url) {
      return {
        ...started,
        url,
        stop: () => {
          started.child.kill('SIGTERM');
          return started.closed;
        },
        kill: async () => {
          started.child.kill('SIGKILL');
          await started.closed;
        },
      };
    }
    if (exited) throw new Error(`exited before listening: ${started.stdout()}${started.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs the process to its end: exit code, stdout and stderr. */
export async function runToEnd(
  args: readonly string[],
  env?: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  const started = spawnSandbox(args, env ? { env } : {});
  const code = await started.closed;
  return { code, out: started.stdout(), err: started.stderr() };
}

/** Every file under a folder, as paths relative to it, sorted. */
export function filesUnder(folder: string): string[] {
  return (readdirSync(folder, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Requests.

/** What a request answered. */
export interface Answer {
  status: number;
  text: string;
  bytes: Buffer;
  headers: Headers;
}

/** One request over the socket; the body read whole. */
export async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, text: bytes.toString('utf8'), bytes, headers: res.headers };
}

/** A control API call with a JSON body (or none); the answer with its JSON parsed (null when empty). */
export async function admin(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer & { json: unknown }> {
  const answer = await call(`${base}/__admin${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { ...answer, json: answer.text === '' ? null : JSON.parse(answer.text) };
}

/** The Authorization header for an Imonggo token (or MYPOS's Basic login), with a throwaway password. */
export function basic(user: string, password = 'X'): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** An element's text in an XML answer (the first one of that name). */
export function xmlField(xml: string, name: string): string {
  const match = new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>`).exec(xml);
  if (!match) throw new Error(`no <${name}> in ${xml}`);
  return match[1] ?? '';
}

/** An Imonggo XML write (POST or PUT) of one record. */
export function imonggoWrite(base: string, token: string, method: string, path: string, xml: string) {
  return call(`${base}${path}`, {
    method,
    headers: { authorization: basic(token), 'content-type': 'application/xml' },
    body: xml,
  });
}

/** An Imonggo read or delete. */
export function imonggo(base: string, token: string, path: string, method = 'GET') {
  return call(`${base}${path}`, { method, headers: { authorization: basic(token) } });
}

/** A new Imonggo customer: its id and code. */
export async function createImonggoCustomer(
  base: string,
  token: string,
  name: string,
): Promise<{ id: number; code: string }> {
  const res = await imonggoWrite(
    base,
    token,
    'POST',
    '/api/customers.xml',
    `<customer><name>${name}</name></customer>`,
  );
  if (res.status !== 200) throw new Error(`create answered ${res.status}: ${res.text}`);
  return { id: Number(xmlField(res.text, 'id')), code: xmlField(res.text, 'code') };
}

/** A tenant's export (GET …/export), parsed. */
export async function exported(base: string, vendor: string, credential: string): Promise<TenantExport> {
  const res = await admin(base, 'GET', `/tenants/${vendor}/${encodeURIComponent(credential)}/export`);
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${res.text}`);
  return res.json as TenantExport;
}

export interface TenantExport {
  vendor: string;
  credential: string;
  data: Record<string, unknown> & { next: Record<string, number> };
}

/** A MYPOS bearer token for an email; throws unless one is issued. */
export async function myposToken(base: string, email: string): Promise<string> {
  const res = await call(`${base}/api/v2/auth/token`, { method: 'POST', headers: { authorization: basic(email) } });
  if (res.status !== 200) throw new Error(`token answered ${res.status}: ${res.text}`);
  return (JSON.parse(res.text) as { bearerToken: string }).bearerToken;
}

/** A JSON call to MYPOS Connect with a bearer token. */
export function mypos(base: string, token: string, method: string, path: string, body?: unknown) {
  return call(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Logs in to Valomnia; the Cookie header of the new session. */
export async function valomniaLogin(base: string, username: string): Promise<string> {
  const res = await call(`${base}/j_spring_security_check`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ j_username: username, j_password: 'secret', ajax: 'true' }).toString(),
  });
  const match = /JSESSIONID=([0-9A-F]{32})/.exec(res.headers.get('set-cookie') ?? '');
  if (res.status !== 302 || !match) throw new Error(`login answered ${res.status}: ${res.text}`);
  return `JSESSIONID=${match[1]}`;
}
