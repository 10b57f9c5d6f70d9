import { readFileSync } from 'node:fs';
import { dereference } from '@readme/openapi-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACTS, DEMO_AUTH_PATH, DOCS_PAGE_TITLE } from '../src/plugins/docs.js';
import type { DemoAuthorization } from '../src/plugins/docs-demo-auth.js';
import {
  DEMO_IMONGGO_TOKEN,
  DEMO_MYPOS_USER,
  DEMO_NOTES,
  DEMO_VALOMNIA_LOGIN,
} from '../src/plugins/docs-demo-credentials.js';
import { withoutPrefills } from '../src/plugins/docs-prefills.js';
import { testApp } from './helpers/app.js';
import { isObject, type JsonObject, loadSpec, objectAt, operationsOf, opKey, specFile } from './helpers/openapi.js';

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
      { url: '/openapi/admin.yaml', name: 'Control API' },
    ]);
    expect(urls.map(({ url }) => url)).toEqual(Object.keys(CONTRACTS).map((contract) => `/openapi/${contract}.yaml`));
  });

  for (const vendor of Object.keys(CONTRACTS)) {
    it(`serves the ${vendor} contract as written`, async () => {
      const spec = await app.inject({ url: `/openapi/${vendor}.yaml` });
      expect(spec.statusCode).toBe(200);
      expect(spec.headers['content-type']).toBe('application/yaml; charset=utf-8');
      expect(spec.body).toMatch(/^openapi: 3\.1/m);
      expect(spec.body).toBe(readFileSync(specFile(vendor), 'utf8'));
    });
  }
});

describe('the docs page itself', () => {
  it('is titled pos-sandbox, not Swagger UI, and loads its own script after the initializer', async () => {
    const page = await app.inject({ url: '/docs/' });
    expect(page.body).toContain(`<title>${DOCS_PAGE_TITLE}</title>`);
    expect(DOCS_PAGE_TITLE).toMatch(/^pos-sandbox/);
    expect(page.body).not.toContain('Swagger UI');
    const scripts = [...page.body.matchAll(/<script src="([^"]+)"/g)].map((match) => match[1]);
    expect(scripts.indexOf('./static/theme/pos-sandbox.js')).toBeGreaterThan(
      scripts.indexOf('./static/swagger-initializer.js'),
    );
    // No Swagger logo is pasted over the top bar's brand.
    const init = await app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(init.body).not.toContain('img.src');
  });

  it("serves the page script: valid JavaScript carrying each contract's demo note", async () => {
    const script = await app.inject({ url: '/docs/static/theme/pos-sandbox.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/^application\/javascript/);
    expect(() => new Function(script.body)).not.toThrow();
    for (const [vendor, note] of Object.entries(DEMO_NOTES)) {
      expect(script.body).toContain(JSON.stringify({ url: `/openapi/${vendor}.yaml`, vendor, note }));
    }
    expect(script.body).toContain(JSON.stringify(DEMO_AUTH_PATH));
  });

  it('names the demo credential of each vendor in its note', () => {
    expect(DEMO_NOTES.imonggo).toContain(DEMO_IMONGGO_TOKEN);
    expect(DEMO_NOTES.valomnia).toContain(DEMO_VALOMNIA_LOGIN.username);
    expect(DEMO_NOTES.valomnia).toContain(DEMO_VALOMNIA_LOGIN.password);
    expect(DEMO_NOTES.myposconnect).toContain(DEMO_MYPOS_USER.email);
    expect(DEMO_NOTES.myposconnect).toContain(DEMO_MYPOS_USER.password);
  });
});

/** Where Swagger UI would take a parameter's first value from, when the parameter has one. */
function prefillSources(parameter: JsonObject): string[] {
  const schema = isObject(parameter.schema) ? parameter.schema : {};
  const parts = [schema, ...(Array.isArray(schema.allOf) ? schema.allOf.filter(isObject) : [])];
  const media = isObject(parameter.content) ? Object.values(parameter.content).filter(isObject) : [];
  return [
    ...['example', 'examples', 'default'].filter((key) => key in parameter),
    ...parts.flatMap((part) => ['example', 'default'].filter((key) => key in part).map((key) => `schema.${key}`)),
    ...media.flatMap((item) => ['example', 'examples'].filter((key) => key in item).map((key) => `content.${key}`)),
  ];
}

/** Every parameter of every operation of a dereferenced document, with the operation's name. */
function parametersOf(doc: JsonObject): { where: string; parameter: JsonObject }[] {
  return operationsOf(doc).flatMap((op) => {
    const item = objectAt(objectAt(doc.paths, 'paths')[op.path], op.path);
    const all = [
      ...(Array.isArray(item.parameters) ? item.parameters : []),
      ...(Array.isArray(op.operation.parameters) ? op.operation.parameters : []),
    ];
    return all.map((parameter) => ({ where: opKey(op), parameter: objectAt(parameter, 'parameter') }));
  });
}

describe('the contracts as the docs page shows them (withoutPrefills)', () => {
  for (const vendor of Object.keys(CONTRACTS)) {
    it(`${vendor}: no optional query parameter starts filled in; its examples are in its description`, async () => {
      const written = loadSpec(vendor);
      const shown = objectAt(withoutPrefills(written), 'shown');
      expect(written, 'the contract itself is left as it is').toEqual(loadSpec(vendor));
      expect({ ...shown, paths: {}, components: {} }).toEqual({ ...written, paths: {}, components: {} });

      const before = parametersOf(objectAt(await dereference(structuredClone(written) as never), 'written')) as {
        where: string;
        parameter: JsonObject;
      }[];
      const after = parametersOf(objectAt(await dereference(shown as never), 'shown'));
      expect(after.map(({ where, parameter }) => `${where} ${parameter.name}`)).toEqual(
        before.map(({ where, parameter }) => `${where} ${parameter.name}`),
      );
      const optional = after.filter(({ parameter }) => parameter.in !== 'path' && parameter.required !== true);
      expect(optional.length).toBeGreaterThan(5);
      expect(
        optional
          .filter(({ parameter }) => prefillSources(parameter).length > 0)
          .map(({ where, parameter }) => {
            return `${where} ${parameter.name}: ${prefillSources(parameter).join(', ')}`;
          }),
      ).toEqual([]);

      let moved = 0;
      for (const [index, { where, parameter }] of before.entries()) {
        const shownParameter = after[index]?.parameter ?? {};
        const isOptional = parameter.in !== 'path' && parameter.required !== true;
        if (!isOptional || prefillSources(parameter).length === 0) {
          expect(shownParameter, `${where} ${parameter.name} is kept`).toEqual(parameter);
          continue;
        }
        moved += 1;
        const description = String(shownParameter.description);
        expect(description.startsWith(String(parameter.description ?? '').trimEnd()), where).toBe(true);
        const examples = isObject(parameter.examples) ? Object.values(parameter.examples).filter(isObject) : [];
        const schema = isObject(parameter.schema) ? parameter.schema : {};
        for (const value of [parameter.example, schema.default, ...examples.map((example) => example.value)]) {
          if (value !== undefined) expect(description, `${where} ${parameter.name}`).toContain(`\`${String(value)}\``);
        }
      }
      expect(moved).toBeGreaterThan(2);
    });
  }
});

describe(`the demo credentials at ${DEMO_AUTH_PATH}/<vendor>`, () => {
  const demoAuth = async (vendor: string) => {
    const answer = await app.inject({ url: `${DEMO_AUTH_PATH}/${vendor}` });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    return answer.json<DemoAuthorization[]>();
  };
  const bearerOf = (authorizations: DemoAuthorization[]) => {
    const found = authorizations.find((authorization) => 'bearer' in authorization);
    if (!found || !('bearer' in found)) throw new Error('no bearer authorization');
    return found.bearer;
  };
  const advance = async (vendor: string, credential: string, seconds: number) => {
    const url = `/__admin/tenants/${vendor}/${encodeURIComponent(credential)}/clock/advance`;
    expect((await app.inject({ method: 'POST', url, payload: { seconds } })).statusCode).toBe(200);
  };

  it('Imonggo: the sample token as HTTP Basic user name, which lists customers', async () => {
    const authorizations = await demoAuth('imonggo');
    expect(authorizations).toEqual([{ scheme: 'apiToken', basic: { username: DEMO_IMONGGO_TOKEN, password: 'X' } }]);
    const basic = Buffer.from(`${DEMO_IMONGGO_TOKEN}:X`).toString('base64');
    const list = await app.inject({ url: '/api/customers.json', headers: { authorization: `Basic ${basic}` } });
    expect(list.statusCode).toBe(200);
  });

  it('Valomnia: a live session token for bearerToken, the same until it idles out, then a new one', async () => {
    const authorizations = await demoAuth('valomnia');
    expect(authorizations).toEqual([{ scheme: 'bearerToken', bearer: expect.stringMatching(/^[0-9A-F]{32}$/) }]);
    const token = bearerOf(authorizations);
    const list = async (bearer: string) =>
      (await app.inject({ url: '/api/v1.0/customers', headers: { authorization: `Bearer ${bearer}` } })).statusCode;
    expect(await list(token)).toBe(200);
    expect(bearerOf(await demoAuth('valomnia'))).toBe(token);
    const success = await app.inject({ url: '/login/ajaxSuccess', headers: { authorization: `Bearer ${token}` } });
    expect(success.json<{ user: { email: string } }>().user.email).toBe(DEMO_VALOMNIA_LOGIN.username);

    await advance('valomnia', DEMO_VALOMNIA_LOGIN.username, 31 * 60);
    expect(await list(token)).toBe(401);
    const renewed = bearerOf(await demoAuth('valomnia'));
    expect(renewed).not.toBe(token);
    expect(await list(renewed)).toBe(200);
  });

  it('MYPOS Connect: the demo user for basicAuth and a JWT for bearerToken, renewed once expired', async () => {
    const authorizations = await demoAuth('myposconnect');
    expect(authorizations).toEqual([
      { scheme: 'basicAuth', basic: { username: DEMO_MYPOS_USER.email, password: DEMO_MYPOS_USER.password } },
      { scheme: 'bearerToken', bearer: expect.stringMatching(/^eyJ/) },
    ]);
    const token = bearerOf(authorizations);
    const list = async (bearer: string) =>
      (await app.inject({ url: '/api/v2/customers', headers: { authorization: `Bearer ${bearer}` } })).statusCode;
    expect(await list(token)).toBe(200);
    expect(bearerOf(await demoAuth('myposconnect'))).toBe(token);

    await advance('myposconnect', DEMO_MYPOS_USER.email, 2 * 3600 + 1);
    expect(await list(token)).toBe(401);
    const renewed = bearerOf(await demoAuth('myposconnect'));
    expect(renewed).not.toBe(token);
    expect(await list(renewed)).toBe(200);
  });

  it('answers 404 for a vendor it does not know, and 503 when the demo login is refused', async () => {
    expect((await app.inject({ url: `${DEMO_AUTH_PATH}/shopify` })).statusCode).toBe(404);
    expect((await app.inject({ url: `${DEMO_AUTH_PATH}/__proto__` })).statusCode).toBe(404);
    const full = await testApp({ maxTenants: 1 });
    const basic = Buffer.from('someone-else:X').toString('base64');
    await full.inject({ url: '/api/customers.json', headers: { authorization: `Basic ${basic}` } });
    const refused = await full.inject({ url: `${DEMO_AUTH_PATH}/valomnia` });
    await full.close();
    expect(refused.statusCode).toBe(503);
    expect(refused.json<{ error: string }>().error).toBe('demo_login_failed');
  });
});

describe('the demo credentials in strict mode', () => {
  it('are refused with a hint until the demo tenants are made, then work', async () => {
    const strict = await testApp({ strict: true });
    const refused = await strict.inject({ url: `${DEMO_AUTH_PATH}/myposconnect` });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().message).toContain('strict mode: make the demo tenant first');
    const made = await strict.inject({
      method: 'POST',
      url: '/__admin/tenants',
      payload: { vendor: 'myposconnect', credential: 'demo@example.com' },
    });
    expect(made.statusCode).toBe(201);
    const granted = await strict.inject({ url: `${DEMO_AUTH_PATH}/myposconnect` });
    expect(granted.statusCode).toBe(200);
    await strict.close();
  });
});
