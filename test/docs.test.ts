import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VENDOR_SPECS } from '../src/plugins/docs.js';
import { testApp } from './helpers/app.js';
import { specFile } from './helpers/openapi.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.close();
});

describe('docs page', () => {
  it('serves Swagger UI at /docs, listing every vendor contract', async () => {
    const page = await app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('swagger-ui');
    const init = await app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(init.statusCode).toBe(200);
    expect(init.body).toContain('/openapi/imonggo.yaml');
    expect(init.body).toContain('/openapi/valomnia.yaml');
    expect(init.body).toContain('/openapi/myposconnect.yaml');
    const css = await app.inject({ url: '/docs/static/swagger-ui.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('lists every contract in the page config: Imonggo, Valomnia, MYPOS Connect', async () => {
    const init = await app.inject({ url: '/docs/static/swagger-initializer.js' });
    const config = /const config = (\{.*\})\s*$/m.exec(init.body)?.[1];
    expect(config, 'the initializer carries its config as one JSON line').toBeDefined();
    const { urls } = JSON.parse(config ?? '{}') as { urls: { url: string; name: string }[] };
    expect(urls).toEqual([
      { url: '/openapi/imonggo.yaml', name: 'Imonggo' },
      { url: '/openapi/valomnia.yaml', name: 'Valomnia' },
      { url: '/openapi/myposconnect.yaml', name: 'MYPOS Connect' },
    ]);
    expect(urls.map(({ url }) => url)).toEqual(Object.keys(VENDOR_SPECS).map((vendor) => `/openapi/${vendor}.yaml`));
  });

  for (const vendor of Object.keys(VENDOR_SPECS)) {
    it(`serves the ${vendor} contract as written`, async () => {
      const spec = await app.inject({ url: `/openapi/${vendor}.yaml` });
      expect(spec.statusCode).toBe(200);
      expect(spec.headers['content-type']).toBe('application/yaml; charset=utf-8');
      expect(spec.body).toMatch(/^openapi: 3\.1/m);
      expect(spec.body).toBe(readFileSync(specFile(vendor), 'utf8'));
    });
  }
});
