import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, testApp } from '../helpers/app.js';
import { basicAuth } from '../helpers/mypos.js';
import {
  authHeaders,
  createTenant,
  customerCount,
  json,
  LIST_PATH,
  listTenants,
  type Reply,
  send,
  sendJson,
  tenantPath,
  VENDORS,
  type Vendor,
  valomniaCookie,
} from './helpers.js';

/**
 * Strict mode (docs/control-plane.md): only tenants made with POST /__admin/tenants are served;
 * any other credential gets its vendor's own refusal, and the control routes that would create a
 * tenant on first use answer 404 instead.
 */

const MYPOS_REFUSAL = '{"failureDescription":"The email or password is incorrect.","bearerToken":null}';

let app: FastifyInstance;

beforeAll(async () => {
  app = await testApp({ strict: true, dataset: 'docs' });
});
afterAll(async () => {
  await app.close();
});

function imonggoList(token: string | null): Promise<Reply> {
  return send(app, LIST_PATH.imonggo, token === null ? {} : { headers: { authorization: basic(token) } });
}

function valomniaLogin(login: string): Promise<Reply> {
  return send(app, '/j_spring_security_check', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ j_username: login, j_password: 'secret', ajax: 'true' }).toString(),
  });
}

function myposToken(email: string): Promise<Reply> {
  return send(app, '/api/v2/auth/token', { method: 'POST', headers: { authorization: basicAuth(email) } });
}

describe('strict mode: credentials no tenant was made for', () => {
  it('Imonggo: 401 exactly as for a request without a token', async () => {
    const missing = await imonggoList(null);
    const unknown = await imonggoList('strict-unknown-token');
    expect(unknown.status).toBe(401);
    expect(unknown.text).toBe(missing.text);
    expect(unknown.text).toContain('HTTP Basic: Access denied.');
    expect(unknown.headers['www-authenticate']).toBe('Basic realm="Application"');
    expect(unknown.headers['www-authenticate']).toBe(missing.headers['www-authenticate']);
    expect(unknown.headers['content-type']).toBe(missing.headers['content-type']);
    // Every path of the API, writes too.
    const write = await send(app, '/api/suppliers.xml', {
      method: 'POST',
      headers: { authorization: basic('strict-unknown-token'), 'content-type': 'application/xml' },
      body: '<supplier><name>S</name></supplier>',
    });
    expect(write.status).toBe(401);
    expect(write.text).toBe(missing.text);
  });

  it('Valomnia: the login redirects to /login/authfail?ajax=true and starts no session', async () => {
    const res = await valomniaLogin('strict.unknown@example.com');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login/authfail?ajax=true');
    expect(res.headers['set-cookie']).toBeUndefined();
    // The same as a login without a password.
    const noPassword = await send(app, '/j_spring_security_check?j_username=strict.unknown@example.com');
    expect(noPassword.status).toBe(302);
    expect(noPassword.headers.location).toBe(res.headers.location);
    // As a GET with the query string, as the vendor's clients also log in.
    const get = await send(app, '/j_spring_security_check?j_username=strict.unknown@example.com&j_password=x');
    expect(get.headers.location).toBe('/login/authfail?ajax=true');
  });

  it('MYPOS Connect: the token endpoint answers 400 with its failureDescription', async () => {
    const res = await myposToken('strict.unknown@example.com');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.text).toBe(MYPOS_REFUSAL);
  });

  it('makes no tenant for any of them', async () => {
    await imonggoList('strict-nobody');
    await valomniaLogin('strict.nobody@example.com');
    await myposToken('strict.nobody@example.com');
    const listed = (await listTenants(app)).filter((tenant) => tenant.credential.includes('nobody'));
    expect(listed).toEqual([]);
  });
});

describe('strict mode: tenants made with POST /__admin/tenants', () => {
  it('serves the same credentials on all three vendors once created', async () => {
    const token = 'strict-made-token';
    const login = 'strict.made@example.com';
    expect((await imonggoList(token)).status).toBe(401);
    expect((await valomniaLogin(login)).headers.location).toBe('/login/authfail?ajax=true');
    expect((await myposToken(login)).status).toBe(400);

    await createTenant(app, { vendor: 'imonggo', credential: token, dataset: 'empty' });
    await createTenant(app, { vendor: 'valomnia', credential: login });
    await createTenant(app, { vendor: 'myposconnect', credential: login });

    expect((await imonggoList(token)).status).toBe(200);
    expect(await customerCount(app, 'imonggo', { authorization: basic(token) })).toBe(0);
    const cookie = await valomniaCookie(app, login);
    expect((await send(app, LIST_PATH.valomnia, { headers: { cookie } })).status).toBe(200);
    expect((await send(app, '/login/ajaxSuccess', { headers: { cookie } })).status).toBe(200);
    const token2 = json<{ failureDescription: null; bearerToken: string }>(await myposToken(login));
    expect(token2.failureDescription).toBeNull();
    const list = await send(app, LIST_PATH.myposconnect, {
      headers: { authorization: `Bearer ${token2.bearerToken}` },
    });
    expect(list.status).toBe(200);
    expect(JSON.parse(list.text)).toHaveLength(6);
  });

  it('takes a Valomnia or MYPOS login of the created tenant in any case', async () => {
    await createTenant(app, { vendor: 'valomnia', credential: 'strict.case@example.com' });
    await createTenant(app, { vendor: 'myposconnect', credential: 'strict.case@example.com' });
    expect((await valomniaLogin('STRICT.Case@Example.com')).headers.location).toBe('/login/ajaxSuccess');
    expect((await myposToken('Strict.CASE@example.com')).status).toBe(200);
  });

  it('refuses a credential again once its tenant is deleted', async () => {
    for (const vendor of VENDORS) {
      const credential = vendor === 'imonggo' ? 'strict-deleted' : 'strict.deleted@example.com';
      await createTenant(app, { vendor, credential });
      const headers = await authHeaders(app, vendor, credential);
      expect((await send(app, LIST_PATH[vendor], { headers })).status).toBe(200);
      expect((await send(app, tenantPath(vendor, credential), { method: 'DELETE' })).status).toBe(204);
    }
    expect((await imonggoList('strict-deleted')).status).toBe(401);
    expect((await valomniaLogin('strict.deleted@example.com')).headers.location).toBe('/login/authfail?ajax=true');
    expect((await myposToken('strict.deleted@example.com')).text).toBe(MYPOS_REFUSAL);
  });

  it('lists only the tenants made with POST /__admin/tenants', async () => {
    const strictApp = await testApp({ strict: true });
    try {
      await send(strictApp, LIST_PATH.imonggo, { headers: { authorization: basic('walk-in') } });
      await createTenant(strictApp, { vendor: 'imonggo', credential: 'ordered' });
      await send(strictApp, LIST_PATH.imonggo, { headers: { authorization: basic('ordered') } });
      await send(strictApp, '/api/v2/auth/token', { method: 'POST', headers: { authorization: basicAuth('walk@in') } });
      await send(strictApp, `${tenantPath('valomnia', 'walk@in')}/reset`, { method: 'POST' });
      expect((await listTenants(strictApp)).map((tenant) => [tenant.vendor, tenant.credential])).toEqual([
        ['imonggo', 'ordered'],
      ]);
    } finally {
      await strictApp.close();
    }
  });
});

describe('strict mode: control routes of a credential without a tenant', () => {
  const ROUTES: [string, string, string, unknown?][] = [
    ['POST', 'reset', '/reset'],
    ['GET', 'the clock', '/clock'],
    ['POST', 'a clock freeze', '/clock/freeze', { at: '2020-01-01T00:00:00Z' }],
    ['POST', 'a clock set', '/clock/set', { at: '2020-01-01T00:00:00Z' }],
    ['POST', 'a clock advance', '/clock/advance', { seconds: 5 }],
    ['POST', 'a clock release', '/clock/release'],
    ['GET', 'the journal', '/requests'],
    ['GET', 'the journal count', '/requests/count'],
    ['DELETE', 'clearing the journal', '/requests'],
    ['GET', 'the fault rules', '/faults'],
    ['POST', 'a fault rule', '/faults', { fault: { kind: 'status', status: 500 } }],
    ['DELETE', 'clearing the fault rules', '/faults'],
    ['DELETE', 'the tenant itself', ''],
  ];

  for (const vendor of VENDORS) {
    it.each(ROUTES)(`${vendor}: %s %s answers 404 not_found and makes nothing`, async (method, _what, suffix, body) => {
      const credential = vendor === 'imonggo' ? 'strict-control' : 'strict.control@example.com';
      const path = `${tenantPath(vendor, credential)}${suffix}`;
      const res = body === undefined ? await send(app, path, { method }) : await sendJson(app, method, path, body);
      expect(res.status, res.text).toBe(404);
      expect(JSON.parse(res.text)).toMatchObject({ error: 'not_found', message: expect.any(String) });
      const listed = (await listTenants(app)).filter((tenant) => tenant.credential === credential);
      expect(listed).toEqual([]);
    });
  }

  it('MYPOS permissions of a user without a tenant: 404 not_found', async () => {
    const path = `${tenantPath('myposconnect', 'strict.control@example.com')}/permissions`;
    const get = await send(app, path);
    expect(get.status, get.text).toBe(404);
    expect(JSON.parse(get.text)).toMatchObject({ error: 'not_found' });
    const put = await sendJson(app, 'PUT', path, { read: false });
    expect(put.status, put.text).toBe(404);
  });

  it('answers the same routes as usual once the tenant is made', async () => {
    const vendor: Vendor = 'imonggo';
    await createTenant(app, { vendor, credential: 'strict-control-made', clock: '2021-01-01T00:00:00Z' });
    const path = tenantPath(vendor, 'strict-control-made');
    expect(json(await send(app, `${path}/clock`))).toEqual({ now: '2021-01-01T00:00:00.000Z', frozen: true });
    expect(json(await send(app, `${path}/requests`))).toEqual({ requests: [] });
    expect(json(await send(app, `${path}/requests/count`))).toEqual({ count: 0 });
    expect((await send(app, `${path}/reset`, { method: 'POST' })).status).toBe(200);
    expect((await sendJson(app, 'POST', `${path}/faults`, { fault: { kind: 'status', status: 500 } })).status).toBe(
      201,
    );
  });
});

describe('strict mode in the real process', () => {
  let child: ChildProcess | undefined;
  let url: string;

  beforeAll(async () => {
    child = spawn(process.execPath, ['dist/pos-sandbox.js', '--strict', '--port', '0', '--log-level', 'silent'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    for await (const chunk of child.stdout ?? []) {
      out += String(chunk);
      const match = /pos-sandbox listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        url = match[1];
        break;
      }
    }
    if (!url) throw new Error(`exited before listening: ${out}`);
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('refuses an unknown credential and serves a created one, over a real socket', async () => {
    const refused = await fetch(`${url}/api/customers.xml?q=count`, {
      headers: { authorization: basic('cli-walk-in') },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Basic realm="Application"');
    expect(await refused.text()).toContain('HTTP Basic: Access denied.');

    const order = await fetch(`${url}/__admin/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ vendor: 'imonggo', credential: 'cli-ordered', dataset: 'empty' }),
    });
    expect(order.status).toBe(201);

    const served = await fetch(`${url}/api/customers.xml?q=count`, {
      headers: { authorization: basic('cli-ordered') },
    });
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('<count type="integer">0</count>');

    const login = await fetch(`${url}/j_spring_security_check`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'j_username=cli%40walk.in&j_password=x&ajax=true',
    });
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toBe('/login/authfail?ajax=true');

    const tenants = (await (await fetch(`${url}/__admin/tenants`)).json()) as { tenants: { credential: string }[] };
    expect(tenants.tenants.map((tenant) => tenant.credential)).toEqual(['cli-ordered']);
  });
});
