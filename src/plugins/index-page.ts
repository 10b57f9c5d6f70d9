import type { FastifyInstance, FastifyRequest } from 'fastify';
import { packageVersion } from '../config.js';
import type { VendorName } from '../core/store.js';
import { VENDOR_SPECS } from './docs.js';

/**
 * Where each vendor's API lives and how a client gets in. The vendors themselves come from the
 * store (each vendor plugin registers itself there); their paths are fixed by the vendors' real
 * APIs and by the prefixes app.ts mounts them at, so they are written here, keyed by vendor. A
 * test calls every path listed and checks that something other than the sandbox's generic 404
 * answers, so this table cannot drift from the routes unnoticed.
 */
const VENDOR_PATHS: Record<VendorName, VendorPaths> = {
  imonggo: {
    basePath: '/api',
    customers: '/api/customers.xml',
    auth: 'HTTP Basic: the API token as the user name, any password',
  },
  valomnia: {
    basePath: '/api/v1.0',
    login: '/j_spring_security_check',
    customers: '/api/v1.0/customers',
    auth: 'session cookie from POST /j_spring_security_check (j_username, j_password)',
  },
  myposconnect: {
    basePath: '/api/v2',
    token: '/api/v2/auth/token',
    customers: '/api/v2/customers',
    auth: 'bearer token from POST /api/v2/auth/token (HTTP Basic: email and password)',
  },
};

interface VendorPaths {
  /** The prefix every route of the vendor's API is under. */
  basePath: string;
  /** Where a session is opened (Valomnia's form login). */
  login?: string;
  /** Where a bearer token is issued (MYPOS Connect). */
  token?: string;
  /** The customers list, the resource every vendor has. */
  customers: string;
  /** How a request authenticates, in a few words. */
  auth: string;
}

/** What `GET /` answers: the sandbox's version and where everything is. */
export interface SandboxIndex {
  name: 'pos-sandbox';
  version: string;
  vendors: Array<{ vendor: string; name: string; openapi?: string } & Partial<VendorPaths>>;
  docs: string;
  controlApi: { basePath: string; health: string; tenants: string; openapi: string };
}

/** The index of the sandbox at `/`: JSON for API clients, a small HTML page for a browser. */
export async function indexPagePlugin(app: FastifyInstance): Promise<void> {
  app.get('/', async (request, reply) => {
    const index = sandboxIndex(app.store.vendors());
    reply.header('vary', 'Accept');
    if (prefersHtml(request)) return reply.type('text/html; charset=utf-8').send(renderHtml(index));
    return reply.type('application/json; charset=utf-8').send(index);
  });
}

/** The index for the vendors registered (in registration order). */
export function sandboxIndex(vendors: readonly string[]): SandboxIndex {
  return {
    name: 'pos-sandbox',
    version: packageVersion(),
    vendors: vendors.map((vendor) => ({
      vendor,
      name: (VENDOR_SPECS as Record<string, string>)[vendor] ?? vendor,
      ...(VENDOR_PATHS as Record<string, VendorPaths | undefined>)[vendor],
      ...(vendor in VENDOR_SPECS ? { openapi: `/openapi/${vendor}.yaml` } : {}),
    })),
    docs: '/docs',
    controlApi: {
      basePath: '/__admin',
      health: '/__admin/health',
      tenants: '/__admin/tenants',
      openapi: '/openapi/admin.yaml',
    },
  };
}

/**
 * Whether the request's Accept ranks text/html above application/json (a browser's does; curl's
 * `*` / `*` and a missing header do not, and a tie goes to JSON).
 */
export function prefersHtml(request: Pick<FastifyRequest, 'headers'>): boolean {
  const accept = request.headers.accept;
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    return { range, q: Number.isFinite(weight) ? weight : 0 };
  });
  // A type's weight is that of the most specific range matching it.
  const weightOf = (type: string): number => {
    const [main] = type.split('/');
    for (const candidate of [type, `${main}/*`, '*/*']) {
      const match = ranges.find((r) => r.range === candidate);
      if (match) return match.q;
    }
    return 0;
  };
  return weightOf('text/html') > weightOf('application/json');
}

function renderHtml(index: SandboxIndex): string {
  const link = (path: string) => `<a href="${escapeHtml(path)}"><code>${escapeHtml(path)}</code></a>`;
  const code = (path: string) => `<code>${escapeHtml(path)}</code>`;
  const rows = index.vendors.map((v) => {
    const entry = [v.login && `login ${code(v.login)}`, v.token && `token ${code(v.token)}`].filter(Boolean).join(', ');
    return [
      '<tr>',
      `<td>${escapeHtml(v.name)}</td>`,
      `<td>${v.basePath ? code(v.basePath) : ''}</td>`,
      `<td>${v.customers ? code(v.customers) : ''}</td>`,
      `<td>${escapeHtml(v.auth ?? '')}${entry ? `<br>${entry}` : ''}</td>`,
      `<td>${v.openapi ? link(v.openapi) : ''}</td>`,
      '</tr>',
    ].join('');
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pos-sandbox ${escapeHtml(index.version)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.5; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
code { font-size: .95em; }
</style>
</head>
<body>
<h1>pos-sandbox <small>${escapeHtml(index.version)}</small></h1>
<p>A local emulator of retail and field-sales APIs, each at the vendor's own paths.
Try them in the interactive docs: ${link(index.docs)}.</p>
<table>
<thead><tr><th>vendor</th><th>base path</th><th>customers</th><th>authentication</th><th>contract</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<h2>Control API</h2>
<p>Make tenants, set their clocks, read their request journals, add fault rules and take snapshots
under ${code(index.controlApi.basePath)}: health ${link(index.controlApi.health)}, tenants
${link(index.controlApi.tenants)}, contract ${link(index.controlApi.openapi)}.</p>
<p>API clients get this index as JSON (any request to <code>/</code> whose Accept does not prefer HTML).</p>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
