import { describe, expect, it } from 'vitest';
import { basic, testApp } from '../helpers/app.js';

describe('smoke', () => {
  it('serves customer 11 from a docs tenant', async () => {
    const app = await testApp();
    const res = await app.inject({ url: '/api/customers/11.xml', headers: { authorization: basic() } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<name>Customer 1</name>');
    await app.close();
  });
});
