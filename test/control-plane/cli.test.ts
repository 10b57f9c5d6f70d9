import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { basic, testApp } from '../helpers/app.js';

// The real process with the control plane's start and stop options: --import loads tenant
// documents before the server answers, --summary prints what each tenant received as it stops.
// (dist/ is built by the global setup.)

const started: ChildProcess[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function start(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['dist/pos-sandbox.js', '--port', '0', '--log-level', 'silent', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    out += String(chunk);
  });
  return { child, output: () => out };
}

async function listening(output: () => string, child: ChildProcess): Promise<string> {
  for (let tries = 0; tries < 300; tries++) {
    const url = /pos-sandbox listening on (http:\/\/\S+)/.exec(output())?.[1];
    if (url) return url;
    if (child.exitCode !== null) throw new Error(`exited: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`did not listen: ${output()}`);
}

/** An exported Imonggo tenant of the docs dataset with one customer added, as a file. */
async function exportedTenant(): Promise<{ file: string; folder: string }> {
  const app = await testApp({ dataset: 'docs' });
  const auth = { authorization: basic('fixture'), 'content-type': 'application/xml' };
  const created = await app.inject({
    method: 'POST',
    url: '/api/customers.xml',
    headers: auth,
    payload: '<customer><name>Fixture Person</name></customer>',
  });
  expect(created.statusCode).toBe(200);
  const exported = await app.inject({ url: '/__admin/tenants/imonggo/fixture/export' });
  expect(exported.statusCode).toBe(200);
  await app.close();
  const folder = mkdtempSync(join(tmpdir(), 'import-'));
  folders.push(folder);
  const file = join(folder, 'fixture.json');
  writeFileSync(file, exported.body);
  return { file, folder };
}

describe('the process with --import and --summary', () => {
  it('serves an imported tenant from its first request, and prints each tenant’s traffic on stop', async () => {
    const { file } = await exportedTenant();
    const { child, output } = start(['--dataset', 'empty', '--import', file, '--summary']);
    const url = await listening(output, child);
    const auth = { authorization: basic('fixture') };
    const customer = await fetch(`${url}/api/customers/12.xml`, { headers: auth });
    expect(customer.status).toBe(200);
    expect(await customer.text()).toContain('<name>Fixture Person</name>');
    const next = await fetch(`${url}/api/customers.xml`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/xml' },
      body: '<customer><name>After Import</name></customer>',
    });
    expect(await next.text()).toContain('<id>13</id>');
    expect(
      (await fetch(`${url}/api/customers.xml?q=count`, { headers: { authorization: basic('other') } })).status,
    ).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'close');
    expect(code).toBe(0);
    const summary = output().slice(output().indexOf('pos-sandbox summary:'));
    expect(summary).toBe(
      [
        'pos-sandbox summary: 2 tenants',
        '  imonggo fixture: 2 requests (GET 1, POST 1; 200 ×2)',
        '  imonggo other: 1 request (GET 1; 200 ×1)',
        '',
      ].join('\n'),
    );
  });

  it('refuses to start, in one line, on an import that does not fit', async () => {
    const { file, folder } = await exportedTenant();
    const broken = join(folder, 'broken.json');
    const document = JSON.parse(await (await import('node:fs/promises')).readFile(file, 'utf8'));
    document.data.next.customerId = 1;
    writeFileSync(broken, JSON.stringify(document));
    const { child, output } = start(['--import', broken]);
    const [code] = await once(child, 'close');
    expect(code).toBe(1);
    expect(output()).toBe(
      `pos-sandbox: cannot import ${broken}: the document's data does not fit imonggo: next.customerId must be greater than the largest id, 12\n`,
    );
    const missing = start(['--import', join(folder, 'none.json')]);
    expect((await once(missing.child, 'close'))[0]).toBe(1);
    expect(missing.output()).toBe(`pos-sandbox: cannot import ${join(folder, 'none.json')}: ENOENT\n`);
  });
});
