import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { basic, testApp } from '../helpers/app.js';
import { myposToken } from '../helpers/mypos.js';
import { form, valomniaLogin } from '../helpers/valomnia.js';
import { createCustomer } from './helpers.js';

// Snapshot, then writes of every kind and clock moves, then restore: each tenant is exactly as
// saved (its export, data and clock alike), on each vendor, however often it is restored.

const JSON_TYPE = { 'content-type': 'application/json' };

async function exported(app: FastifyInstance, vendor: string, credential: string) {
  const answer = await app.inject({ url: `/__admin/tenants/${vendor}/${encodeURIComponent(credential)}/export` });
  expect(answer.statusCode).toBe(200);
  const { data, clock, seed, createdAt } = JSON.parse(answer.body);
  return { data, clock, seed, createdAt };
}

async function advance(app: FastifyInstance, vendor: string, credential: string, seconds: number) {
  const moved = await app.inject({
    method: 'POST',
    url: `/__admin/tenants/${vendor}/${encodeURIComponent(credential)}/clock/advance`,
    headers: JSON_TYPE,
    payload: { seconds },
  });
  expect(moved.statusCode).toBe(200);
}

describe('snapshot, writes, restore', () => {
  it('gives back exactly the snapshot on every vendor, twice', async () => {
    const app = await testApp({ dataset: 'demo', records: 15 });
    const imonggo = { authorization: basic('snap'), 'content-type': 'application/xml' };
    const valomnia = await valomniaLogin(app, 'snap@example.com');
    const mypos = await myposToken(app, 'snap@example.com');
    for (const [vendor, credential] of [
      ['imonggo', 'snap'],
      ['valomnia', 'snap@example.com'],
      ['myposconnect', 'snap@example.com'],
    ] as const) {
      const frozen = await app.inject({
        method: 'POST',
        url: `/__admin/tenants/${vendor}/${encodeURIComponent(credential)}/clock/freeze`,
        headers: JSON_TYPE,
        payload: { at: '2024-05-06T07:08:09Z' },
      });
      expect(frozen.statusCode).toBe(200);
    }
    const saved = await app.inject({
      method: 'POST',
      url: '/__admin/snapshots',
      headers: JSON_TYPE,
      payload: { name: 'base' },
    });
    expect(saved.statusCode).toBe(201);
    const before = {
      imonggo: await exported(app, 'imonggo', 'snap'),
      valomnia: await exported(app, 'valomnia', 'snap@example.com'),
      myposconnect: await exported(app, 'myposconnect', 'snap@example.com'),
    };

    for (let round = 0; round < 2; round++) {
      // Writes of every kind on every vendor, and the clocks moved.
      const created = await createCustomer(app, 'imonggo', imonggo, 'New');
      expect(created.status).toBe(200);
      expect(
        (
          await app.inject({
            method: 'PUT',
            url: '/api/customers/12.xml',
            headers: imonggo,
            payload: '<customer><name>Changed</name></customer>',
          })
        ).statusCode,
      ).toBe(200);
      expect((await app.inject({ method: 'DELETE', url: '/api/customers/13.xml', headers: imonggo })).statusCode).toBe(
        200,
      );
      const valomniaCreate = await app.inject({
        method: 'POST',
        url: '/api/v1.0/customers',
        headers: { cookie: valomnia.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ reference: `SNAP-${round}`, name: 'Snap', customerCategory: '2', dueDateConfigNumber: '1' }),
      });
      expect(valomniaCreate.statusCode).toBe(201);
      const myposCreate = await app.inject({
        method: 'POST',
        url: '/api/v2/customers',
        headers: { ...mypos, ...JSON_TYPE },
        payload: { customerName: 'Snap' },
      });
      expect(myposCreate.statusCode).toBeLessThan(300);
      await advance(app, 'imonggo', 'snap', 3600);
      await advance(app, 'valomnia', 'snap@example.com', 60);
      expect(await exported(app, 'imonggo', 'snap')).not.toEqual(before.imonggo);
      expect(await exported(app, 'valomnia', 'snap@example.com')).not.toEqual(before.valomnia);
      expect(await exported(app, 'myposconnect', 'snap@example.com')).not.toEqual(before.myposconnect);

      const restored = await app.inject({ method: 'POST', url: '/__admin/snapshots/base/restore' });
      expect(restored.statusCode).toBe(200);
      expect(await exported(app, 'imonggo', 'snap')).toEqual(before.imonggo);
      expect(await exported(app, 'valomnia', 'snap@example.com')).toEqual(before.valomnia);
      expect(await exported(app, 'myposconnect', 'snap@example.com')).toEqual(before.myposconnect);
      // The sessions and tokens are not part of the state: they still work after the restore.
      expect(
        (await app.inject({ url: '/api/v1.0/customers?max=1', headers: { cookie: valomnia.cookie } })).statusCode,
      ).toBe(200);
      expect((await app.inject({ url: '/api/v2/customers?liPageSize=1', headers: mypos })).statusCode).toBe(200);
      // The next create takes the id the snapshot would hand out.
      const again = await app.inject({
        method: 'POST',
        url: '/api/customers.xml',
        headers: imonggo,
        payload: '<customer><name>Again</name></customer>',
      });
      expect(again.body).toBe(
        created.text
          .replace('<name>New</name>', '<name>Again</name>')
          .replace('<first_name>New</first_name>', '<first_name>Again</first_name>'),
      );
      await app.inject({ method: 'POST', url: '/__admin/snapshots/base/restore' });
    }
  });
});
