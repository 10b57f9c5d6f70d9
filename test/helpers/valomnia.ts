import type { FastifyInstance } from 'fastify';

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
