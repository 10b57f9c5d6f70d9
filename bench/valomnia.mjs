// Valomnia's part of `npm run bench`: session logins, the four endpoints measured against the
// ceiling, and the load of the RSS step. Sessions are per login, so each bench role has its own
// login (tenant): the creates never touch what the reads read. All traffic goes to 127.0.0.1.
import { request } from './lib.mjs';

export const VALOMNIA_LOGINS = { read: 'bench-read@example.com', write: 'bench-write@example.com' };
/** The demo dataset's customer with the seeded logo (seeds/valomnia.ts), and a plain one. */
export const LOGO_CUSTOMER = 256;
export const SHOW_CUSTOMER = 300;
const FORM = 'application/x-www-form-urlencoded';
const PAGE = 100;

/** Logs `login` in (any password); resolves the Cookie header of its session, `JSESSIONID=<id>`. */
export async function valomniaLogin(url, login) {
  const res = await request(`${url}/j_spring_security_check`, {
    method: 'POST',
    headers: { 'content-type': FORM },
    body: new URLSearchParams({ j_username: login, j_password: 'x', ajax: 'true' }).toString(),
  });
  const setCookie = (res.headers['set-cookie'] ?? []).join(', ');
  const match = /JSESSIONID=([0-9A-F]{32})/i.exec(setCookie);
  if (res.status !== 302 || !match) {
    throw new Error(`Valomnia login ${login}: status ${res.status}, set-cookie "${setCookie}"`);
  }
  return `JSESSIONID=${match[1]}`;
}

/** GET `path` with a session; resolves the parsed JSON, throws unless 200. */
async function getJson(url, path, cookie) {
  const res = await request(url + path, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`Valomnia GET ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body.toString('utf8'));
}

/** The path (no origin) of the `variant` copy of customer 256's logo in the session's tenant. */
export async function logoVariantPath(url, cookie, variant = 'medium_') {
  const customer = await getJson(url, `/api/v1.0/customers/${LOGO_CUSTOMER}`, cookie);
  if (!customer.logo) throw new Error(`Valomnia customer ${LOGO_CUSTOMER} has no logo (not the demo dataset?)`);
  const { pathname } = new URL(customer.logo);
  const at = pathname.lastIndexOf('/');
  return `${pathname.slice(0, at + 1)}${variant}${pathname.slice(at + 1)}`;
}

let createSerial = 0;
/**
 * A create body whose reference no earlier call in this process used (`BENCH-1`, `BENCH-2`...):
 * references must be unique per tenant, and one process talks to one fresh write tenant.
 */
export function createBody() {
  createSerial += 1;
  return `reference=BENCH-${createSerial}&name=Bench%20Mark`;
}

/**
 * Logs the read and write roles in and resolves the Valomnia endpoints the throughput step
 * measures, in the shape of run.mjs's ENDPOINTS (with the session in `headers`). The create's
 * `body` is a function: every request gets a fresh reference.
 */
export async function valomniaEndpoints(url) {
  const read = await valomniaLogin(url, VALOMNIA_LOGINS.read);
  const write = await valomniaLogin(url, VALOMNIA_LOGINS.write);
  const image = await logoVariantPath(url, read);
  return [
    {
      key: 'valomniaList',
      vendor: 'Valomnia',
      label: 'GET /api/v1.0/customers?max=100',
      method: 'GET',
      path: '/api/v1.0/customers?max=100',
      route: '/api/v1.0/customers',
      headers: { cookie: read },
    },
    {
      key: 'valomniaShow',
      vendor: 'Valomnia',
      label: `GET /api/v1.0/customers/${SHOW_CUSTOMER}`,
      method: 'GET',
      path: `/api/v1.0/customers/${SHOW_CUSTOMER}`,
      route: `/api/v1.0/customers/${SHOW_CUSTOMER}`,
      headers: { cookie: read },
    },
    {
      key: 'valomniaCreate',
      vendor: 'Valomnia',
      label: 'POST /api/v1.0/customers (form)',
      method: 'POST',
      path: '/api/v1.0/customers',
      route: '/api/v1.0/customers',
      headers: { cookie: write },
      contentType: FORM,
      body: createBody,
      status: 201,
    },
    {
      key: 'valomniaImage',
      vendor: 'Valomnia',
      label: `GET /<upload dir>/photoCustomer/medium_<logo of ${LOGO_CUSTOMER}>`,
      method: 'GET',
      path: image,
      route: image,
      headers: { cookie: read },
    },
  ];
}

/**
 * The RSS step's Valomnia part: logs each of `logins` in (which seeds its tenant) and resolves
 * the requests of its load: every page of every tenant's customers (so every record is
 * rendered), one show, a linked list and the medium_ logo, each with that tenant's session.
 */
export async function valomniaRssRequests(url, logins) {
  const requests = [];
  for (const login of logins) {
    const cookie = await valomniaLogin(url, login);
    const headers = { cookie };
    const { total } = (await getJson(url, '/api/v1.0/customers?max=1', cookie)).paging;
    for (let offset = 0; offset < total; offset += PAGE) {
      requests.push({ method: 'GET', path: `/api/v1.0/customers?max=${PAGE}&offset=${offset}`, headers });
    }
    requests.push({ method: 'GET', path: `/api/v1.0/customers/${SHOW_CUSTOMER}`, headers });
    requests.push({ method: 'GET', path: '/api/v1.0/customerCategories', headers });
    requests.push({ method: 'GET', path: await logoVariantPath(url, cookie), headers });
  }
  return requests;
}
