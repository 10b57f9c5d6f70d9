import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { packageRoot } from '../core/package-root.js';
import { DemoAuthorizer, DemoLoginError, type DemoVendor } from './docs-demo-auth.js';
import { DEMO_NOTES } from './docs-demo-credentials.js';
import { docsPageScript } from './docs-page-script.js';

/** The vendors with a contract under openapi/, by file name, and the title the docs page shows. */
export const VENDOR_SPECS = { imonggo: 'Imonggo', valomnia: 'Valomnia', myposconnect: 'MYPOS Connect' } as const;

/** Every contract under openapi/, by file name, with its title: the vendors', then the control API's. */
export const CONTRACTS = { ...VENDOR_SPECS, admin: 'Control API' } as const;

/** What the docs page calls itself, in the browser's tab and in its top bar. */
export const DOCS_PAGE_TITLE = 'pos-sandbox · interactive API docs';

/** Where the docs page asks for a vendor's live demo authorizations (`/docs/demo-auth/<vendor>`). */
export const DEMO_AUTH_PATH = '/docs/demo-auth';

/**
 * The contracts at /openapi/<vendor>.yaml and an interactive page at /docs that switches
 * between them. The YAML files are the source of truth; they are served as written. The page is
 * pre-authorised with each vendor's demo credentials (see docs-demo-credentials.ts), which it
 * takes from DEMO_AUTH_PATH.
 */
export async function docsPlugin(app: FastifyInstance): Promise<void> {
  const specs = new Map<string, Promise<string>>();
  for (const vendor of Object.keys(CONTRACTS)) {
    app.get(specUrl(vendor), async (_request, reply) => {
      let text = specs.get(vendor);
      if (!text) {
        text = readFile(join(packageRoot(), 'openapi', `${vendor}.yaml`), 'utf8');
        specs.set(vendor, text);
      }
      return reply.type('application/yaml; charset=utf-8').send(await text);
    });
  }

  // Swagger UI's plugins cost about a sixth of the process's start, and CI runs never open the
  // page; they are loaded into an app of their own on the first visit, which /docs relays to.
  let swaggerUi: Promise<FastifyInstance> | undefined;
  const relay = async (request: FastifyRequest, reply: FastifyReply) => {
    swaggerUi ??= buildSwaggerUi();
    const answer = await (await swaggerUi).inject({ method: 'GET', url: request.url, headers: request.headers });
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) reply.header(name, value);
    }
    return reply.code(answer.statusCode).send(answer.rawPayload);
  };
  app.get('/docs', relay);
  app.get('/docs/*', relay);

  const demo = new DemoAuthorizer(app);
  app.get<{ Params: { vendor: string } }>(`${DEMO_AUTH_PATH}/:vendor`, async (request, reply) => {
    const { vendor } = request.params;
    reply.header('cache-control', 'no-store');
    if (!Object.hasOwn(DEMO_NOTES, vendor)) {
      return reply.code(404).send({ error: 'not_found', message: `no demo credentials for ${vendor}` });
    }
    try {
      return await demo.authorizations(vendor as DemoVendor);
    } catch (error) {
      if (!(error instanceof DemoLoginError)) throw error;
      // The sandbox is full, or strict and without the demo tenant: the page stays unauthorised
      // and says why in the console.
      const hint = app.store.strict
        ? ` (strict mode: make the demo tenant first, POST /__admin/tenants with its credential)`
        : '';
      return reply.code(503).send({ error: 'demo_login_failed', message: `${error.message}${hint}` });
    }
  });
}

function specUrl(vendor: string): string {
  return `/openapi/${vendor}.yaml`;
}

// The top bar's brand, where Swagger's logo was.
const BRAND_CSS = '.swagger-ui .topbar .pos-sandbox-brand { color: #fff; font: bold 1.6em sans-serif; }\n';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

async function buildSwaggerUi(): Promise<FastifyInstance> {
  const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([
    import('@fastify/swagger'),
    import('@fastify/swagger-ui'),
  ]);
  const docs = Fastify({ logger: false });
  // Swagger UI wants a document of its own; an empty index keeps the vendor files unparsed here.
  await docs.register(swagger, {
    mode: 'static',
    specification: {
      document: { openapi: '3.1.0', info: { title: 'pos-sandbox', version: '1' }, paths: {} },
    },
  });
  const page = docsPageScript({
    brand: 'pos-sandbox',
    specs: [
      ...Object.keys(VENDOR_SPECS).map((vendor) => ({
        url: specUrl(vendor),
        vendor,
        note: DEMO_NOTES[vendor as DemoVendor],
      })),
      { url: specUrl('admin') },
    ],
    demoAuthPath: DEMO_AUTH_PATH,
  });
  await docs.register(swaggerUi, {
    routePrefix: '/docs',
    // The top bar shows the page's own brand (docs-page-script.ts). Only null stops the plugin
    // from pasting Swagger's logo over it; its types leave null out.
    logo: null as unknown as undefined,
    theme: {
      title: DOCS_PAGE_TITLE,
      js: [{ filename: 'pos-sandbox.js', content: page }],
      css: [{ filename: 'pos-sandbox.css', content: BRAND_CSS }],
    },
    uiConfig: {
      urls: Object.entries(CONTRACTS).map(([contract, name]) => ({ url: specUrl(contract), name })),
      deepLinking: true,
      tryItOutEnabled: true,
    },
  });
  await docs.ready();
  return docs;
}
