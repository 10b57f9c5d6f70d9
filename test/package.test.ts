import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp, ConfigError, createSandboxStore, type Sandbox, startSandbox } from '../src/index.js';
import { basic, DOCS_TOKEN } from './helpers/app.js';

// The package entry, as `import { startSandbox } from 'pos-sandbox'` gives it. Installing the
// packed tarball into another project, and running its bin from there, is a step of .ci/run.

const started: Sandbox[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(started.splice(0).map((sandbox) => sandbox.close()));
});

async function start(options?: Parameters<typeof startSandbox>[0]): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  started.push(sandbox);
  return sandbox;
}

/** Whether a port of 127.0.0.1 can be listened on (nothing holds it). */
async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('startSandbox', () => {
  it('listens on a free port of 127.0.0.1, answers a vendor call, and frees the port on close()', async () => {
    const sandbox = await startSandbox({ dataset: 'docs' });
    expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
    expect(sandbox.port).toBeGreaterThan(0);
    expect(await portIsFree(sandbox.port)).toBe(false);
    const res = await fetch(`${sandbox.url}/api/customers.xml`, { headers: { authorization: basic(DOCS_TOKEN) } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<customers type="array">');
    await sandbox.close();
    expect(await portIsFree(sandbox.port)).toBe(true);
    await expect(fetch(`${sandbox.url}/__admin/health`)).rejects.toThrow();
    await sandbox.close(); // a second close is harmless
  });

  it('takes the CLI defaults but no environment: the demo dataset, whatever POS_SANDBOX_* says', async () => {
    vi.stubEnv('POS_SANDBOX_PORT', '1');
    vi.stubEnv('POS_SANDBOX_DATASET', 'empty');
    vi.stubEnv('POS_SANDBOX_LOG_LEVEL', 'trace');
    const sandbox = await start();
    const res = await fetch(`${sandbox.url}/api/customers.xml?q=count`, {
      headers: { authorization: basic('defaults') },
    });
    expect(await res.text()).toContain('<count type="integer">121</count>');
  });

  it('runs side by side with another sandbox, each on its own port', async () => {
    const [a, b] = await Promise.all([start({ dataset: 'empty' }), start({ dataset: 'empty' })]);
    expect(a?.port).not.toBe(b?.port);
  });

  it('rejects a bad or unknown option with a ConfigError naming it', async () => {
    await expect(startSandbox({ port: 70000 })).rejects.toThrow(ConfigError);
    await expect(startSandbox({ dataset: 'full' as 'demo' })).rejects.toThrow(/--dataset .*got "full"/);
    await expect(startSandbox({ prot: 0 } as object)).rejects.toThrow('unknown option: prot');
  });

  it('rejects with the listen error when the port is taken', async () => {
    const first = await start({ dataset: 'empty' });
    await expect(startSandbox({ port: first.port, dataset: 'empty' })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('buildApp with createSandboxStore', () => {
  it('answers inject() without a socket', async () => {
    const app = buildApp({ store: createSandboxStore({ dataset: 'docs' }) });
    const res = await app.inject({ url: '/api/customers/11.xml', headers: { authorization: basic(DOCS_TOKEN) } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<name>Customer 1</name>');
    await app.close();
  });
});

describe('package.json', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

  it('is publishable: not private, MIT, with the files the exports name', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.license).toBe('MIT');
    expect(pkg.exports['.']).toEqual({ types: pkg.types, default: pkg.main });
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/*.js', 'dist/types', 'openapi', 'LICENSE']));
  });

  it('points at a built entry that exports startSandbox and buildApp (dist/ is built by the global setup)', async () => {
    expect(readFileSync(pkg.types, 'utf8')).toContain('export declare function startSandbox');
    // Loaded by Node itself, as another project would, not through vitest's transform.
    const script = `const entry = await import(${JSON.stringify(`./${pkg.main}`)}); console.log(Object.keys(entry).sort().join(' '))`;
    const names = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(names.trim()).toBe('ConfigError ControlApiError buildApp controlClient createSandboxStore startSandbox');
  });
});
