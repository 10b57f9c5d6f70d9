import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { packageRoot } from '../core/package-root.js';

/** The vendors with a contract under openapi/, by file name, and the title the docs page shows. */
export const VENDOR_SPECS = { imonggo: 'Imonggo', valomnia: 'Valomnia', myposconnect: 'MYPOS Connect' } as const;

/**
 * The contracts at /openapi/<vendor>.yaml and an interactive page at /docs that switches
 * between them. The YAML files are the source of truth; they are served as written.
 */
export async function docsPlugin(app: FastifyInstance): Promise<void> {
  const specs = new Map<string, Promise<string>>();
  for (const vendor of Object.keys(VENDOR_SPECS)) {
    app.get(`/openapi/${vendor}.yaml`, async (_request, reply) => {
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
}

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
  await docs.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: {
      urls: Object.entries(VENDOR_SPECS).map(([vendor, name]) => ({ url: `/openapi/${vendor}.yaml`, name })),
      deepLinking: true,
      tryItOutEnabled: true,
    },
  });
  await docs.ready();
  return docs;
}
