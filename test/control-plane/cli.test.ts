import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { basic, testApp } from '../helpers/app.js';
import { cleanUp, listening, spawnSandbox, tempDir } from '../persistence-helpers.js';
import { createCustomer } from './helpers.js';

// The real process with the control plane's start and stop options: --import loads tenant
// documents before the server answers, --summary prints what each tenant received as it stops.
// (dist/ is built by the global setup.)

afterEach(cleanUp);

// The sandbox on a free port, silent; what it printed comes out on stdout and stderr together.
function start(args: string[]) {
  const started = spawnSandbox(['--port', '0', '--log-level', 'silent', ...args]);
  return { ...started, output: () => started.stdout() + started.stderr() };
}

/** An exported Imonggo tenant of the docs dataset with one customer added, as a file. */
async function exportedTenant(): Promise<{ file: string; folder: string }> {
  const app = await testApp({ dataset: 'docs' });
  const created = await createCustomer(app, 'imonggo', { authorization: basic('fixture') }, 'Fixture Person');
  expect(created.status).toBe(200);
  const exported = await app.inject({ url: '/__admin/tenants/imonggo/fixture/export' });
  expect(exported.statusCode).toBe(200);
  await app.close();
  const folder = tempDir('import-');
  const file = join(folder, 'fixture.json');
  writeFileSync(file, exported.body);
  return { file, folder };
}

describe('the process with --import and --summary', () => {
  it('serves an imported tenant from its first request, and prints each tenant’s traffic on stop', async () => {
    const { file } = await exportedTenant();
    const started = start(['--dataset', 'empty', '--import', file, '--summary']);
    const { url } = await listening(started);
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
    started.child.kill('SIGTERM');
    expect(await started.closed).toBe(0);
    const summary = started.output().slice(started.output().indexOf('pos-sandbox summary:'));
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
    const document = JSON.parse(await readFile(file, 'utf8'));
    document.data.next.customerId = 1;
    writeFileSync(broken, JSON.stringify(document));
    const refused = start(['--import', broken]);
    expect(await refused.closed).toBe(1);
    expect(refused.output()).toBe(
      `pos-sandbox: cannot import ${broken}: the document's data does not fit imonggo: next.customerId must be greater than the largest id, 12\n`,
    );
    const missing = start(['--import', join(folder, 'none.json')]);
    expect(await missing.closed).toBe(1);
    expect(missing.output()).toBe(`pos-sandbox: cannot import ${join(folder, 'none.json')}: ENOENT\n`);
  });
});
