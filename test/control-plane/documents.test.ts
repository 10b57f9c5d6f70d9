import { describe, expect, it } from 'vitest';
import { basic, testApp } from '../helpers/app.js';
import { createCustomer } from './helpers.js';

// Tenant documents (GET …/export, PUT …/import) and snapshot restores that cannot complete.

const JSON_TYPE = { 'content-type': 'application/json' };

describe('tenant documents', () => {
  it('round-trips a tenant of the empty dataset that holds a record, into another credential', async () => {
    const app = await testApp({ dataset: 'empty' });
    const made = await createCustomer(app, 'imonggo', { authorization: basic('blank') }, 'Only One');
    expect(made.status).toBe(200);
    const exported = await app.inject({ url: '/__admin/tenants/imonggo/blank/export' });
    const document = JSON.parse(exported.body);
    expect(document).toMatchObject({
      format: 'pos-sandbox/tenant',
      version: 1,
      vendor: 'imonggo',
      credential: 'blank',
    });
    expect(document.seed.dataset).toBe('empty');
    const imported = await app.inject({
      method: 'PUT',
      url: '/__admin/tenants/imonggo/copy/import',
      headers: JSON_TYPE,
      payload: exported.body,
    });
    expect(imported.statusCode).toBe(200);
    const again = JSON.parse((await app.inject({ url: '/__admin/tenants/imonggo/copy/export' })).body);
    expect(again.data).toEqual(document.data);
    const copy = await app.inject({ url: '/api/customers/1.xml', headers: { authorization: basic('copy') } });
    expect(copy.body).toContain('<name>Only One</name>');
  });

  it('loads a document whatever record count its seed names: shapes come from a small demo dataset', async () => {
    const app = await testApp({ dataset: 'docs' });
    const exported = JSON.parse((await app.inject({ url: '/__admin/tenants/imonggo/big/export' })).body);
    exported.seed.records = 4_000_000_000;
    const answer = await app.inject({
      method: 'PUT',
      url: '/__admin/tenants/imonggo/big2/import',
      headers: JSON_TYPE,
      payload: exported,
    });
    // The record count is only a label of where the data came from: the shapes are held against
    // a small demo dataset, so the document loads.
    expect(answer.statusCode).toBe(200);
    const tenants = JSON.parse((await app.inject({ url: '/__admin/tenants' })).body).tenants;
    expect(tenants.map((t: { credential: string }) => t.credential).sort()).toEqual(['big', 'big2']);
  });
});

describe('a snapshot restore that would pass the tenant limit', () => {
  it('changes nothing at all', async () => {
    const app = await testApp({ dataset: 'docs', maxTenants: 2 });
    const auth = (token: string) => ({ authorization: basic(token), 'content-type': 'application/xml' });
    for (const token of ['a', 'b']) await app.inject({ url: '/api/customers.xml?q=count', headers: auth(token) });
    const saved = await app.inject({
      method: 'POST',
      url: '/__admin/snapshots',
      headers: JSON_TYPE,
      payload: {
        name: 'both',
        tenants: [
          { vendor: 'imonggo', credential: 'a' },
          { vendor: 'imonggo', credential: 'b' },
        ],
      },
    });
    expect(saved.statusCode).toBe(201);
    await app.inject({
      method: 'POST',
      url: '/api/customers.xml',
      headers: auth('a'),
      payload: '<customer><name>Kept</name></customer>',
    });
    await app.inject({ method: 'DELETE', url: '/__admin/tenants/imonggo/b' });
    await app.inject({ url: '/api/customers.xml?q=count', headers: auth('c') });
    const restore = await app.inject({ method: 'POST', url: '/__admin/snapshots/both/restore' });
    expect(restore.statusCode).toBe(503);
    expect(restore.json()).toMatchObject({ error: 'tenant_limit' });
    // Tenant a keeps its write: the restore did not begin.
    const count = await app.inject({ url: '/api/customers.xml?q=count', headers: auth('a') });
    expect(count.body).toContain('<count type="integer">2</count>');
  });
});
