import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_RECORDS_PER_TENANT } from '../../src/core/limits.js';
import { basic, testApp } from '../helpers/app.js';

const AUTH = basic();
const XML_503 =
  '<?xml version="1.0" encoding="UTF-8"?>\n<hash>\n  <status type="integer">503</status>\n  <error>Service Unavailable</error>\n</hash>\n';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function create(collection: 'customers' | 'suppliers', format: 'xml' | 'json', name: string, auth = AUTH) {
  if (!app) throw new Error('no app');
  const element = collection === 'customers' ? 'customer' : 'supplier';
  return format === 'xml'
    ? app.inject({
        method: 'POST',
        url: `/api/${collection}.xml`,
        headers: { authorization: auth, 'content-type': 'application/xml' },
        payload: `<${element}><name>${name}</name></${element}>`,
      })
    : app.inject({
        method: 'POST',
        url: `/api/${collection}.json`,
        headers: { authorization: auth, 'content-type': 'application/json' },
        payload: { [element]: { name } },
      });
}

async function count(collection: string): Promise<string> {
  if (!app) throw new Error('no app');
  return (await app.inject({ url: `/api/${collection}.xml?q=count`, headers: { authorization: AUTH } })).body;
}

describe('records per tenant', () => {
  it('is capped far above the 100,000 the scale bench grows a tenant to', () => {
    expect(MAX_RECORDS_PER_TENANT).toBeGreaterThanOrEqual(200_000);
  });

  it('a create past the cap answers 503 in the envelope, in both formats, and changes nothing', async () => {
    // The docs tenant holds customer 11 and supplier 22259: three more fill a cap of five.
    app = await testApp({ maxRecordsPerTenant: 5 });
    for (const name of ['A', 'B']) expect((await create('customers', 'xml', name)).statusCode).toBe(200);
    expect((await create('suppliers', 'xml', 'C')).statusCode).toBe(200);
    const before = [await count('customers'), await count('suppliers')];

    const refusedXml = await create('customers', 'xml', 'D');
    expect(refusedXml.statusCode).toBe(503);
    expect(refusedXml.body).toBe(XML_503);
    const refusedJson = await create('suppliers', 'json', 'E');
    expect(refusedJson.statusCode).toBe(503);
    expect(refusedJson.json()).toEqual({ status: 503, error: 'Service Unavailable' });
    expect([await count('customers'), await count('suppliers')]).toEqual(before);

    // Reads, updates and deletes of what is there go on as before.
    const update = await app.inject({
      method: 'PUT',
      url: '/api/customers/12.xml',
      headers: { authorization: AUTH, 'content-type': 'application/xml' },
      payload: '<customer><name>Still Here</name></customer>',
    });
    expect(update.statusCode).toBe(200);
    expect(update.body).toContain('<name>Still Here</name>');
  });

  it('is per tenant: a full tenant does not stop another token creating', async () => {
    app = await testApp({ maxRecordsPerTenant: 3 });
    expect((await create('customers', 'xml', 'Last')).statusCode).toBe(200);
    expect((await create('customers', 'xml', 'Too Many')).statusCode).toBe(503);
    expect((await create('customers', 'xml', 'Elsewhere', basic('another-token'))).statusCode).toBe(200);
  });
});
