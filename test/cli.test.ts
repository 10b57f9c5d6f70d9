import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { basic } from './helpers/app.js';

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
});
