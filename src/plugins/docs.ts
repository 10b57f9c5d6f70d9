import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { packageRoot } from '../core/package-root.js';

/** The vendors with a contract under openapi/, by file name, and the title the docs page shows. */
export const VENDOR_SPECS = { imonggo: 'Imonggo' } as const;

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

  // Swagger UI wants a document of its own; an empty index keeps the vendor files unparsed here.
  await app.register(swagger, {
    mode: 'static',
    specification: {
      document: { openapi: '3.1.0', info: { title: 'pos-sandbox', version: '1' }, paths: {} },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: {
      urls: Object.entries(VENDOR_SPECS).map(([vendor, name]) => ({ url: `/openapi/${vendor}.yaml`, name })),
      deepLinking: true,
      tryItOutEnabled: true,
    },
  });
}
