import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

/** The login the vendor's samples show (its organization is "entity1" in the docs dataset). */
export const DOCS_LOGIN = 'foobar@example.com';

/** A live Valomnia session: the Cookie header to send, and the same id as a Bearer token. */
export interface ValomniaSession {
  cookie: string;
  token: string;
  authorization: string;
}

/** Logs in through /j_spring_security_check (a form POST, as the vendor's page shows). */
export async function valomniaLogin(app: FastifyInstance, username: string = DOCS_LOGIN): Promise<ValomniaSession> {
  const response = await app.inject({
    method: 'POST',
    url: '/j_spring_security_check',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ j_username: username, j_password: 'secret', ajax: 'true' }).toString(),
  });
  const setCookie = String(response.headers['set-cookie'] ?? '');
  const match = /JSESSIONID=([0-9A-F]{32})/.exec(setCookie);
  if (response.statusCode !== 302 || !match?.[1]) {
    throw new Error(`login failed: ${response.statusCode} ${setCookie} ${response.body}`);
  }
  return { cookie: `JSESSIONID=${match[1]}`, token: match[1], authorization: `Bearer ${match[1]}` };
}

/** A form-urlencoded body from fields. */
export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** Where the control API answers: an app to inject into, or the base URL of one listening on a socket. */
export type ControlTarget = FastifyInstance | string;

/** A POST to a Valomnia tenant's clock on the control API; fails the test unless it answers 200. */
async function postClock(target: ControlTarget, login: string, action: 'freeze' | 'advance', body: object) {
  const url = `/__admin/tenants/valomnia/${encodeURIComponent(login)}/clock/${action}`;
  const { status, text } =
    typeof target === 'string'
      ? await fetch(`${target}${url}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(async (res) => ({ status: res.status, text: await res.text() }))
      : await target.inject({ method: 'POST', url, payload: body }).then((res) => ({
          status: res.statusCode,
          text: res.body,
        }));
  expect(status, text).toBe(200);
  return (JSON.parse(text) as { now: string }).now;
}

/** Stops a Valomnia tenant's clock at `at` (an ISO time or epoch milliseconds); answers the clock's reading. */
export function freezeClock(target: ControlTarget, login: string, at: string | number): Promise<string> {
  return postClock(target, login, 'freeze', { at });
}

/** Moves a Valomnia tenant's clock by `seconds` (negative: back); answers the clock's reading. */
export function advanceClock(target: ControlTarget, login: string, seconds: number): Promise<string> {
  return postClock(target, login, 'advance', { seconds });
}

/** The `paging` object of a Valomnia list answer. */
export interface ValomniaPaging {
  total: number;
  max: number;
  offset: number;
  previous: string | null;
  next: string | null;
}
