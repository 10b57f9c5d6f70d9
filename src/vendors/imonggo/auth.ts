import type { FastifyReply } from 'fastify';
import { ACCESS_DENIED_BODY, AUTH_REALM } from './errors.js';

/** Longest token accepted; a real one is 40 hex digits, and a tenant is kept per token. */
const MAX_TOKEN_LENGTH = 256;

/**
 * The API token from HTTP Basic: the token is the user name, the password is ignored ("X" by
 * convention). Null when the header is missing, not Basic, or carries a blank token.
 */
export function readApiToken(authorization: string | undefined): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const token = colon >= 0 ? decoded.slice(0, colon) : decoded;
  if (token.trim() === '' || token.length > MAX_TOKEN_LENGTH) return null;
  return token;
}

/** Rails' answer to a request without usable Basic credentials. */
export function denyAccess(reply: FastifyReply): FastifyReply {
  return reply
    .code(401)
    .header('www-authenticate', `Basic realm="${AUTH_REALM}"`)
    .type('text/html; charset=utf-8')
    .send(ACCESS_DENIED_BODY);
}
