// MYPOS Connect's part of `npm run bench`: bearer tokens, the three endpoints measured against the
// ceiling, and the load of the RSS step. The tenant is the email, so each bench role has its own
// email: the creates never touch what the reads read. A user may take 250 tokens per UTC day of
// its tenant's clock, so the bench takes one token per role (per email), never one per request.
// All traffic goes to 127.0.0.1.
import { request } from './lib.mjs';

export const MYPOS_EMAILS = { read: 'bench-read@example.com', write: 'bench-write@example.com' };
/** A customer of the demo dataset with --records 1000 (codes 1000001-1000005, 1000070, 1000071…). */
export const GET_CUSTOMER = '1000300';
/** The create's body: codes and GUIDs come from the system, so the same body adds a new customer. */
export const MYPOS_CREATE_BODY = JSON.stringify({ customerName: 'Bench Mark' });
const JSON_TYPE = 'application/json';
const PAGE = 100;

/** Takes a token for `email` (any password); resolves the Authorization header, `Bearer <jwt>`. */
export async function myposToken(url, email) {
  const res = await request(`${url}/api/v2/auth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${email}:bench`).toString('base64')}` },
  });
  let answer;
  try {
    answer = JSON.parse(res.body.toString('utf8'));
  } catch {
    answer = {};
  }
  if (res.status !== 200 || typeof answer.bearerToken !== 'string') {
    throw new Error(`MYPOS token for ${email}: status ${res.status}, ${res.body}`);
  }
  return `Bearer ${answer.bearerToken}`;
}

/**
 * Takes the read and write roles' tokens and resolves the MYPOS endpoints the throughput step
 * measures, in the shape of run.mjs's ENDPOINTS (with the token in `headers`).
 */
export async function myposEndpoints(url) {
  const read = await myposToken(url, MYPOS_EMAILS.read);
  const write = await myposToken(url, MYPOS_EMAILS.write);
  return [
    {
      key: 'myposList',
      vendor: 'MYPOS',
      label: `GET /api/v2/customers?liPage=1&liPageSize=${PAGE}`,
      method: 'GET',
      path: `/api/v2/customers?liPage=1&liPageSize=${PAGE}`,
      route: '/api/v2/customers',
      headers: { authorization: read },
    },
    {
      key: 'myposGet',
      vendor: 'MYPOS',
      label: `GET /api/v2/customers/${GET_CUSTOMER}`,
      method: 'GET',
      path: `/api/v2/customers/${GET_CUSTOMER}`,
      route: `/api/v2/customers/${GET_CUSTOMER}`,
      headers: { authorization: read },
    },
    {
      key: 'myposCreate',
      vendor: 'MYPOS',
      label: 'POST /api/v2/customers (JSON)',
      method: 'POST',
      path: '/api/v2/customers',
      route: '/api/v2/customers',
      headers: { authorization: write },
      contentType: JSON_TYPE,
      body: MYPOS_CREATE_BODY,
      status: 202,
    },
  ];
}

/**
 * The RSS step's MYPOS part: takes a token for each of `emails` (which seeds its tenant) and
 * resolves the requests of its load: every list page of every tenant (liPageSize=100, so every
 * record is rendered) and one get, each with that tenant's token.
 */
export async function myposRssRequests(url, emails) {
  const requests = [];
  for (const email of emails) {
    const authorization = await myposToken(url, email);
    const headers = { authorization };
    const res = await request(`${url}/api/v2/customers?liPage=1&liPageSize=1`, { headers });
    const rows = res.status === 200 ? JSON.parse(res.body.toString('utf8')) : null;
    const total = rows?.[0]?.liTotalCount;
    if (typeof total !== 'number') throw new Error(`MYPOS list of ${email}: status ${res.status}, ${res.body}`);
    for (let page = 1; page <= Math.ceil(total / PAGE); page += 1) {
      requests.push({ method: 'GET', path: `/api/v2/customers?liPage=${page}&liPageSize=${PAGE}`, headers });
    }
    requests.push({ method: 'GET', path: `/api/v2/customers/${GET_CUSTOMER}`, headers });
  }
  return requests;
}
