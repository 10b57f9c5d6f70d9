import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_PAGE_TITLE } from '../src/plugins/docs.js';
import { DEMO_IMONGGO_TOKEN, DEMO_MYPOS_USER, DEMO_VALOMNIA_LOGIN } from '../src/plugins/docs-demo-credentials.js';
import { basic, testApp } from './helpers/app.js';

/**
 * What a person sees at /docs, in a real browser: Debian's headless Chromium, driven by
 * playwright-core. Swagger UI renders each vendor's contract from the files the sandbox serves.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The flags this machine's closed network needs: without them Chromium keeps trying Google's hosts.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// `npm test` on a machine without Chromium skips these tests and says so; CI installs Chromium and
// sets REQUIRE_CHROMIUM, so there a missing browser fails the run instead.
const available = existsSync(CHROMIUM);
if (!available && process.env.REQUIRE_CHROMIUM) {
  throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium or set CHROMIUM_PATH`);
}
if (!available) console.warn(`skipping the browser tests: no Chromium at ${CHROMIUM} (apt install chromium)`);

let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!available) return;
  app = await testApp();
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function openDocs(): Promise<Page> {
  const page = await browser.newPage();
  const failed: string[] = [];
  page.on('requestfailed', (request) => failed.push(request.url()));
  await page.goto(`${base}/docs`);
  await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
  expect(failed).toEqual([]);
  return page;
}

/** The "METHOD path" of every operation the page shows. */
async function operations(page: Page): Promise<string[]> {
  return page.locator('.opblock-summary').evaluateAll((blocks) =>
    blocks.map((block) => {
      const method = block.querySelector('.opblock-summary-method')?.textContent?.trim() ?? '';
      const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
      return `${method} ${path}`;
    }),
  );
}

describe.skipIf(!available)('the docs page in a browser', () => {
  it('offers the three contracts and shows Valomnia next to Imonggo', { timeout: 60_000 }, async () => {
    const page = await openDocs();
    const select = page.locator('.topbar select');
    expect(await select.locator('option').allTextContents()).toEqual([
      'Imonggo',
      'Valomnia',
      'MYPOS Connect',
      'Control API',
    ]);

    const imonggo = await operations(page);
    expect(imonggo).toContain('GET /api/customers.xml');
    expect(imonggo).not.toContain('GET /api/v1.0/customers');

    await select.selectOption({ label: 'Valomnia' });
    await page.locator('.opblock-summary-path[data-path="/api/v1.0/customers"]').first().waitFor({ timeout: 20_000 });
    const valomnia = await operations(page);
    for (const operation of [
      'POST /j_spring_security_check',
      'GET /login/ajaxSuccess',
      'GET /api/v1.0/customers',
      'POST /api/v1.0/customers',
      'POST /api/v1.0/customers/reference/{reference}',
      'DELETE /api/v1.0/customers/{id}',
      'GET /api/v1.0/regions/{id}',
    ]) {
      expect(valomnia).toContain(operation);
    }
    expect(await page.locator('.info .title').first().textContent()).toMatch(/Valomnia/);
    await page.close();
  });

  it("shows the MYPOS Connect operations, and none of the other vendors'", { timeout: 60_000 }, async () => {
    const page = await openDocs();
    await page.locator('.topbar select').selectOption({ label: 'MYPOS Connect' });
    await page.locator('.opblock-summary-path[data-path="/api/v2/auth/token"]').first().waitFor({ timeout: 20_000 });
    expect((await operations(page)).sort()).toEqual(
      [
        'POST /api/v2/auth/token',
        'GET /api/v2/customers',
        'POST /api/v2/customers',
        'GET /api/v2/customers/{identifier}',
        'PUT /api/v2/customers/{identifier}',
        'DELETE /api/v2/customers/{identifier}',
      ].sort(),
    );
    expect(await page.locator('.info .title').first().textContent()).toMatch(/MYPOS Connect/);
    // The document renders whole: the schemas are listed, and an operation opens on its answers.
    const titles = page.locator(
      '.models [data-json-schema-level="0"] > .json-schema-2020-12-head .json-schema-2020-12__title',
    );
    await titles.first().waitFor({ timeout: 20_000 });
    expect(await titles.allTextContents()).toEqual(
      expect.arrayContaining(['Customer', 'FlatRow', 'TokenIssued', 'CustomerCreateBody']),
    );
    await page.locator('.opblock-summary-path[data-path="/api/v2/customers"]').first().click();
    const responses = page.locator('.opblock.is-open .responses-table tr.response .response-col_status');
    await responses.first().waitFor({ timeout: 20_000 });
    expect((await responses.allTextContents()).map((text) => text.trim())).toEqual(['200', '400', '401', '403', '500']);
    expect(await page.locator('.errors-wrapper').count()).toBe(0);
    await page.close();
  });
});

/** Where UPDATE_SCREENSHOT=1 writes the page as a partner first sees it answer (committed). */
const SCREENSHOT = fileURLToPath(new URL('../docs/screenshots/docs-page.png', import.meta.url));

/** Shows a vendor's contract and waits until the page has authorised it with the demo credentials. */
async function showVendor(page: Page, label: string, path: string): Promise<void> {
  await page.locator('.topbar select').selectOption({ label });
  await page.locator(`.opblock-summary-path[data-path="${path}"]`).first().waitFor({ timeout: 20_000 });
  await page.locator('.auth-wrapper .authorize.locked').waitFor({ timeout: 20_000 });
}

/** Opens an operation in "Try it out" mode; answers its block. */
async function tryOut(page: Page, method: string, path: string): Promise<Locator> {
  await page.locator(`.opblock-${method} .opblock-summary-path[data-path="${path}"]`).first().click();
  const block = page.locator(`.opblock-${method}.is-open`).filter({
    has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
  });
  const button = block.locator('.try-out__btn');
  await button.waitFor({ timeout: 20_000 });
  if ((await button.textContent())?.trim() === 'Try it out') await button.click();
  await block.locator('.execute').waitFor({ timeout: 20_000 });
  return block;
}

/** The value of every query-parameter input of an open block, by parameter name. */
async function queryInputs(block: Locator): Promise<Record<string, string>> {
  const rows = block.locator('tr[data-param-in="query"]');
  const values: Record<string, string> = {};
  for (const row of await rows.all()) {
    const name = (await row.getAttribute('data-param-name')) ?? '?';
    const field = row.locator('.parameters-col_description input, .parameters-col_description select').first();
    values[name] = await field.inputValue();
  }
  return values;
}

/** Clicks Execute and answers the live response's status and the request URL Swagger UI sent. */
async function execute(block: Locator): Promise<{ status: string; url: string; curl: string }> {
  await block.locator('.execute').click();
  const status = block.locator('.live-responses-table tbody .response-col_status').first();
  await status.waitFor({ timeout: 30_000 });
  return {
    status: (await status.textContent())?.trim() ?? '',
    url: (await block.locator('.request-url pre').first().textContent())?.trim() ?? '',
    curl: (await block.locator('.curl-command').first().textContent()) ?? '',
  };
}

describe.skipIf(!available)('trying the API from the docs page', () => {
  it('is titled pos-sandbox, in the tab and in the top bar', { timeout: 60_000 }, async () => {
    const page = await openDocs();
    expect(await page.title()).toBe(DOCS_PAGE_TITLE);
    expect(await page.title()).not.toMatch(/swagger/i);
    expect((await page.locator('.topbar .pos-sandbox-brand').textContent())?.trim()).toBe('pos-sandbox');
    expect(await page.locator('.topbar img').count()).toBe(0);
    await page.close();
  });

  const vendors = [
    {
      label: 'Imonggo',
      path: '/api/customers.json',
      credential: DEMO_IMONGGO_TOKEN,
      sent: `Authorization: Basic ${Buffer.from(`${DEMO_IMONGGO_TOKEN}:X`).toString('base64')}`,
    },
    { label: 'Valomnia', path: '/api/v1.0/customers', credential: DEMO_VALOMNIA_LOGIN.username, sent: 'Bearer ' },
    { label: 'MYPOS Connect', path: '/api/v2/customers', credential: DEMO_MYPOS_USER.email, sent: 'Bearer eyJ' },
  ];
  for (const vendor of vendors) {
    it(`${vendor.label}: Try it out → Execute on GET ${vendor.path} answers 200, no filter filled in`, {
      timeout: 90_000,
    }, async () => {
      const page = await openDocs();
      await showVendor(page, vendor.label, vendor.path);
      expect(await page.locator('.info .description').first().textContent()).toContain(vendor.credential);

      const block = await tryOut(page, 'get', vendor.path);
      const inputs = await queryInputs(block);
      expect(Object.keys(inputs).length, 'the list takes query parameters').toBeGreaterThan(2);
      expect(Object.entries(inputs).filter(([, value]) => value !== '')).toEqual([]);

      const answer = await execute(block);
      expect(answer.status).toBe('200');
      expect(answer.url, 'no query parameter was sent').toBe(`${base}${vendor.path}`);
      expect(answer.curl).toContain(vendor.sent);
      expect(await block.locator('.live-responses-table .response-col_description pre').first().textContent()).not.toBe(
        '',
      );

      if (vendor.label === 'Imonggo' && process.env.UPDATE_SCREENSHOT) {
        mkdirSync(dirname(SCREENSHOT), { recursive: true });
        // The last (empty) parameters, Execute, and the live answer below.
        await page.setViewportSize({ width: 1280, height: 1100 });
        await block.locator('.execute').evaluate((element) => {
          element.scrollIntoView({ block: 'start' });
          element.ownerDocument.defaultView?.scrollBy(0, -260);
        });
        await page.screenshot({ path: SCREENSHOT });
      }
      await page.close();
    });
  }

  it("shows an error example as the sandbox sends it (Imonggo's 413, not one made from the schema)", {
    timeout: 60_000,
  }, async () => {
    const page = await openDocs();
    await page.locator('.opblock-post .opblock-summary-path[data-path="/api/customers.xml"]').first().click();
    const example = page.locator('.opblock.is-open .responses-table tr.response[data-code="413"] pre').first();
    await example.waitFor({ timeout: 20_000 });
    const wire = await app.inject({
      method: 'POST',
      url: '/api/customers.xml',
      headers: { authorization: basic(), 'content-type': 'application/xml' },
      payload: 'x'.repeat(1024 * 1024 + 1),
    });
    expect(wire.statusCode).toBe(413);
    expect(wire.body).toContain('<status type="integer">413</status>');
    expect(await example.textContent()).toBe(wire.body);
    await page.close();
  });

  it('logs Valomnia in again when the demo session has idled out', { timeout: 90_000 }, async () => {
    const page = await openDocs();
    await showVendor(page, 'Valomnia', '/api/v1.0/customers');
    const block = await tryOut(page, 'get', '/api/v1.0/customers');
    const first = await execute(block);
    expect(first.status).toBe('200');

    // 31 minutes without a request on the demo tenant's clock: its session is over.
    const login = encodeURIComponent(DEMO_VALOMNIA_LOGIN.username);
    const advanced = await app.inject({
      method: 'POST',
      url: `/__admin/tenants/valomnia/${login}/clock/advance`,
      payload: { seconds: 31 * 60 },
    });
    expect(advanced.statusCode).toBe(200);
    const token = /Bearer ([0-9A-F]{32})/.exec(first.curl)?.[1] ?? '';
    const stale = await app.inject({ url: '/api/v1.0/customers', headers: { authorization: `Bearer ${token}` } });
    expect(stale.statusCode).toBe(401);

    const second = await execute(block);
    expect(second.status).toBe('200');
    expect(second.curl).not.toContain(token);
    await page.close();
  });
});
