import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from './helpers/app.js';

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
    expect(await select.locator('option').allTextContents()).toEqual(['Imonggo', 'Valomnia', 'MYPOS Connect']);

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
