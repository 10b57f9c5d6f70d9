import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { basic } from './helpers/app.js';
import { runToEnd } from './persistence-helpers.js';

// The real process, as `npm start` and the bin run it (dist/ is built by the global setup).

function start(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['dist/pos-sandbox.js', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function listeningUrl(child: ChildProcess): Promise<string> {
  let out = '';
  for await (const chunk of child.stdout ?? []) {
    out += String(chunk);
    const match = /pos-sandbox listening on (http:\/\/\S+)/.exec(out);
    if (match?.[1]) return match[1];
  }
  throw new Error(`exited before listening: ${out}`);
}

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('pos-sandbox process', () => {
  it('listens on a free port with --port 0, answers, and exits 0 on SIGTERM', async () => {
    const child = start(['--port', '0', '--log-level', 'silent']);
    const url = await listeningUrl(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/__admin/health`)).status).toBe(200);
    const customers = await fetch(`${url}/api/customers.xml?q=count`, { headers: { authorization: basic('cli') } });
    expect(customers.status).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('lets an in-flight request finish when stopped with SIGINT', async () => {
    const child = start(['--port', '0', '--log-level', 'silent', '--records', '2000']);
    const url = await listeningUrl(child);
    // The first request of a new token seeds its tenant, so it is still running when the signal lands.
    const pending = fetch(`${url}/api/customers.xml?q=count`, { headers: { authorization: basic('in-flight') } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGINT');
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<count type="integer">2001</count>');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('refuses a bad value at start with a clear message and exit code 2', async () => {
    const child = start([], { POS_SANDBOX_PORT: 'eighty' });
    let err = '';
    child.stderr?.on('data', (chunk) => {
      err += String(chunk);
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(err).toContain('--port / POS_SANDBOX_PORT: expected a whole number from 0 to 65535, got "eighty"');
  });

  it('prints its version with --version or -v and exits 0', async () => {
    for (const flag of ['--version', '-v']) {
      expect(await runToEnd([flag])).toEqual({ code: 0, out: `pos-sandbox ${version}\n`, err: '' });
    }
    const help = await runToEnd(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('--version');
  });

  it('says in one line that the port is taken, and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      // At the default log level, with the seed worker running: the process still ends at once,
      // and the line does not drown in a logged stack.
      const { code, out, err } = await runToEnd(['--port', String(port)]);
      expect(code).toBe(1);
      expect(err).toBe(
        `pos-sandbox: port ${port} on 127.0.0.1 is already in use (--port picks another; 0 a free one)\n`,
      );
      expect(out).not.toContain('    at ');
    } finally {
      taken.close();
    }
  });

  it('says in one line that the host is not this machine, and exits 1', async () => {
    const unknown = await runToEnd(['--port', '0', '--host', 'nosuchhost.invalid', '--log-level', 'silent']);
    expect(unknown.code).toBe(1);
    // "no such host name", or that DNS did not answer where there is none: one line either way.
    expect(unknown.err).toMatch(/^pos-sandbox: cannot listen on host "nosuchhost\.invalid": [^\n]+\n$/);
    // TEST-NET-1 (RFC 5737): never an address of this machine.
    const foreign = await runToEnd(['--port', '0', '--host', '192.0.2.1', '--log-level', 'silent']);
    expect(foreign.code).toBe(1);
    expect(foreign.err).toBe('pos-sandbox: cannot listen on host "192.0.2.1": not an address of this machine\n');
  });

  it('writes its URL to --url-file for the health check, and removes it on stop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'url-file-'));
    const file = join(dir, 'pos-sandbox.url');
    const healthcheck = (env: Record<string, string>) =>
      new Promise<{ code: number; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['dist/healthcheck.js'], {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr?.on('data', (chunk) => {
          err += String(chunk);
        });
        child.on('close', (code) => resolve({ code: code ?? -1, err }));
      });
    try {
      // The environment variable, as the Docker image sets it; the port picked at random.
      const child = start(['--port', '0', '--log-level', 'silent'], { POS_SANDBOX_URL_FILE: file });
      const url = await listeningUrl(child);
      expect(readFileSync(file, 'utf8')).toBe(`${url}\n`);
      expect(await healthcheck({ POS_SANDBOX_URL_FILE: file })).toEqual({ code: 0, err: '' });
      child.kill('SIGTERM');
      expect((await once(child, 'close'))[0]).toBe(0);
      expect(existsSync(file)).toBe(false);
      const down = await healthcheck({ POS_SANDBOX_URL_FILE: file });
      expect(down.code).toBe(1);
      expect(down.err).toBe(`healthcheck: ${file} does not exist: the sandbox is not listening\n`);

      // A file naming a port nothing answers on fails too.
      const stale = start(['--port', '0', '--log-level', 'silent', '--url-file', file]);
      const staleUrl = await listeningUrl(stale);
      stale.kill('SIGKILL');
      await once(stale, 'close');
      expect(readFileSync(file, 'utf8')).toBe(`${staleUrl}\n`);
      expect((await healthcheck({ POS_SANDBOX_URL_FILE: file })).code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says in one line that the URL file cannot be written, and exits 1', async () => {
    const file = join(tmpdir(), 'no-such-folder-for-pos-sandbox', 'url');
    const { code, err } = await runToEnd(['--port', '0', '--log-level', 'silent', '--url-file', file]);
    expect(code).toBe(1);
    expect(err).toBe(`pos-sandbox: cannot write the URL file ${file} (ENOENT)\n`);
  });
});
