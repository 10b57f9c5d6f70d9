import type { FastifyReply } from 'fastify';
import { credentialShapeProblem } from '../../core/credentials.js';
import { sendErrorAnswer } from '../../core/error-envelopes.js';
import { imonggoEnvelope } from './replies.js';

/**
 * Why the API would refuse a token, or null when it takes it. The control API asks the same
 * question, so it addresses exactly the tenants the API can reach.
 */
export function tokenProblem(token: string): string | null {
  const shape = credentialShapeProblem(token);
  if (shape !== null) return shape;
  // Basic auth ends the user name at the first colon, so no request can carry such a token.
  if (token.includes(':')) return 'it contains ":", which HTTP Basic cannot carry in a user name';
  return null;
}

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
  return tokenProblem(token) === null ? token : null;
}

/** Rails' answer to a request without usable Basic credentials. */
export function denyAccess(reply: FastifyReply): FastifyReply {
  return sendErrorAnswer(reply, imonggoEnvelope(401, ''));
}
