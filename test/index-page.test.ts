import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefersHtml, type SandboxIndex } from '../src/plugins/index-page.js';
import { testApp } from './helpers/app.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

/** Every path the index lists, wherever it sits in the JSON. */
function pathsIn(value: unknown): string[] {
  if (typeof value === 'string') return value.startsWith('/') ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(pathsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(pathsIn);
  return [];
}

describe('GET /', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers JSON to an API client: the version, every vendor with its paths, the docs and the control API', async () => {
    for (const headers of [{}, { accept: '*/*' }, { accept: 'application/json' }]) {
      const res = await app.inject({ method: 'GET', url: '/', headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers.vary).toBe('Accept');
      const index = res.json<SandboxIndex>();
      expect(index).toMatchObject({
        name: 'pos-sandbox',
        version,
        docs: '/docs',
        controlApi: {
          basePath: '/__admin',
          health: '/__admin/health',
          tenants: '/__admin/tenants',
          openapi: '/openapi/admin.yaml',
        },
      });
      expect(index.vendors).toMatchObject([
        { vendor: 'imonggo', name: 'Imonggo', basePath: '/api', openapi: '/openapi/imonggo.yaml' },
        { vendor: 'valomnia', name: 'Valomnia', basePath: '/api/v1.0', login: '/j_spring_security_check' },
        { vendor: 'myposconnect', name: 'MYPOS Connect', basePath: '/api/v2', token: '/api/v2/auth/token' },
      ]);
    }
  });

  it('lists exactly the vendors the app registers', async () => {
    const index = (await app.inject({ method: 'GET', url: '/' })).json<SandboxIndex>();
    expect(index.vendors.map((v) => v.vendor)).toEqual(app.store.vendors());
  });

  it('lists only paths the sandbox serves: none answers the generic 404 of a path nobody owns', async () => {
    const generic = await app.inject({ method: 'GET', url: '/no-such-path' });
    expect(generic.statusCode).toBe(404);
    const paths = pathsIn((await app.inject({ method: 'GET', url: '/' })).json());
    expect(paths.length).toBeGreaterThanOrEqual(15);
    for (const path of paths) {
      const res = await app.inject({ method: 'GET', url: path });
      expect({ path, answer: res.body }, path).not.toEqual({ path, answer: generic.body });
    }
    // The pages a browser follows from the index answer 200.
    for (const path of ['/docs', '/__admin/health', '/__admin/tenants', '/openapi/imonggo.yaml']) {
      expect((await app.inject({ method: 'GET', url: path })).statusCode, path).toBe(200);
    }
  });

  it('answers a small HTML page with links to a browser', async () => {
    const res = await app.inject({ method: 'GET', url: '/', headers: { accept: BROWSER_ACCEPT } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers.vary).toBe('Accept');
    const html = res.body;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(`<title>pos-sandbox ${version}</title>`);
    for (const name of ['Imonggo', 'Valomnia', 'MYPOS Connect']) expect(html).toContain(`<td>${name}</td>`);
    for (const path of ['/api', '/api/v1.0', '/j_spring_security_check', '/api/v2', '/api/v2/auth/token']) {
      expect(html).toContain(`<code>${path}</code>`);
    }
    for (const href of ['/docs', '/__admin/health', '/__admin/tenants', '/openapi/myposconnect.yaml']) {
      expect(html).toContain(`<a href="${href}">`);
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toBe('');
  });
});

describe('prefersHtml', () => {
  const prefers = (accept?: string) => prefersHtml({ headers: accept === undefined ? {} : { accept } });

  it('is true when text/html ranks above application/json', () => {
    expect(prefers(BROWSER_ACCEPT)).toBe(true);
    expect(prefers('text/html')).toBe(true);
    expect(prefers('text/*')).toBe(true);
    expect(prefers('application/json;q=0.5, text/html')).toBe(true);
  });

  it('is false for API clients, a tie or no Accept', () => {
    expect(prefers()).toBe(false);
    expect(prefers('')).toBe(false);
    expect(prefers('*/*')).toBe(false);
    expect(prefers('application/json')).toBe(false);
    expect(prefers('application/json, text/html')).toBe(false);
    expect(prefers('text/html;q=0.5, application/json')).toBe(false);
    expect(prefers('application/xml')).toBe(false);
  });
});
