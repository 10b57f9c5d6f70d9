import type { FastifyReply, FastifyRequest } from 'fastify';
import { clockNow } from '../../core/clock.js';
import { credentialShapeProblem } from '../../core/credentials.js';
import { type Tenant, type TenantStore, UnknownTenantError } from '../../core/store.js';
import { TOKEN_TEXTS } from './errors.js';
import type { TokenClaims, TokenSigner } from './jwt.js';
import type { MyposData } from './model.js';
import { JSON_TYPE } from './replies.js';

/** A token lasts two hours of the tenant's clock. */
export const TOKEN_LIFETIME_S = 2 * 60 * 60;
/** Tokens one user may take in one UTC day of the tenant's clock. */
export const TOKENS_PER_DAY = 250;

/**
 * `POST /api/v2/auth/token`: HTTP Basic `email:password` in, a bearer token out. Any body is
 * ignored. Failures are 400 with a failureDescription, as the vendor's page says.
 */
export async function issueToken(
  request: FastifyRequest,
  reply: FastifyReply,
  store: TenantStore,
  signer: TokenSigner,
): Promise<FastifyReply> {
  const fail = (text: string) =>
    reply
      .code(400)
      .type(JSON_TYPE)
      .send(JSON.stringify({ failureDescription: text, bearerToken: null }));
  const basic = /^Basic\s+(\S*)\s*$/i.exec(request.headers.authorization ?? '');
  if (!basic) return fail(TOKEN_TEXTS.noBasic);
  const encoded = basic[1] ?? '';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return fail(TOKEN_TEXTS.unreadable);
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return fail(TOKEN_TEXTS.unreadable);
  const email = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (email.trim() === '' || password.trim() === '') return fail(TOKEN_TEXTS.blank);
  if (credentialShapeProblem(email) !== null) return fail(TOKEN_TEXTS.tooLong);

  let tenant: Tenant<MyposData>;
  try {
    tenant = await store.open('myposconnect', email);
  } catch (error) {
    // Strict mode: a user no tenant was made for cannot log in.
    if (error instanceof UnknownTenantError) return fail(TOKEN_TEXTS.unknownUser);
    throw error;
  }
  request.tenant = tenant;
  const nowMs = clockNow(tenant.clock);
  const day = new Date(nowMs).toISOString().slice(0, 10);
  const issuedToday = tenant.data.tokens.day === day ? tenant.data.tokens.issued : 0;
  if (issuedToday >= TOKENS_PER_DAY) return fail(TOKEN_TEXTS.dailyLimit);
  tenant.data.tokens = { day, issued: issuedToday + 1 };
  const iat = Math.floor(nowMs / 1000);
  const bearerToken = signer.sign({
    sub: tenant.credential,
    iat,
    exp: iat + TOKEN_LIFETIME_S,
    // The tenant's random id: a token outlives no delete or re-creation of its tenant.
    tnt: tenant.id,
  });
  await store.write(tenant);
  return reply
    .code(200)
    .type(JSON_TYPE)
    .send(JSON.stringify({ failureDescription: null, bearerToken }));
}

// Tokens whose signature has been checked, with their claims: a client sends the same token with
// every request for two hours, and the HMAC cost more than the rest of a small read. Only what
// verified is kept (forged tokens cannot fill it), at most VERIFIED_KEPT, the oldest dropped.
const VERIFIED_KEPT = 10_000;
const verifiedTokens = new WeakMap<TokenSigner, Map<string, TokenClaims>>();

function verified(token: string, signer: TokenSigner): TokenClaims | null {
  let kept = verifiedTokens.get(signer);
  if (!kept) {
    kept = new Map();
    verifiedTokens.set(signer, kept);
  }
  const known = kept.get(token);
  if (known) return known;
  const claims = signer.verify(token);
  if (claims) {
    if (kept.size >= VERIFIED_KEPT) kept.delete(kept.keys().next().value as string);
    kept.set(token, claims);
  }
  return claims;
}

/**
 * The tenant of a request's bearer token, or null: no token, one this process did not sign (a
 * forged or `alg: none` one), one whose tenant was deleted since, or one expired on the tenant's
 * clock.
 */
export function tenantOfBearer(
  authorization: string | undefined,
  store: TenantStore,
  signer: TokenSigner,
): Tenant<MyposData> | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!bearer?.[1]) return null;
  const claims = verified(bearer[1], signer);
  if (!claims) return null;
  const tenant = store.find('myposconnect', claims.sub) as Tenant<MyposData> | undefined;
  if (!tenant || tenant.id !== claims.tnt) return null;
  if (clockNow(tenant.clock) >= claims.exp * 1000) return null;
  return tenant;
}
