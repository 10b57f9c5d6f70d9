import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The claims of a MYPOS bearer token. */
export interface TokenClaims {
  /** The user's email: the tenant. */
  sub: string;
  /** Issued at and expiry, in seconds of the tenant's clock. */
  iat: number;
  exp: number;
  /** The tenant it was issued for (an id of the process's): a token outlives no tenant. */
  tnt: string;
}

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/**
 * HS256 JSON Web Tokens: the few lines of RFC 7515/7519 the vendor's tokens need, over node's
 * HMAC. Only HS256 is accepted, so a token with `alg: none` or any other is refused, whatever its
 * signature says.
 */
export class TokenSigner {
  readonly #secret: Buffer;

  /** A signer with the given secret (the store's: kept in a data directory, tokens survive a restart). */
  constructor(secret: Buffer = randomBytes(32)) {
    this.#secret = secret;
  }

  sign(claims: TokenClaims): string {
    const body = `${HEADER}.${base64url(JSON.stringify(claims))}`;
    return `${body}.${this.#signature(body)}`;
  }

  /** The claims of a token this signer made, or null for anything else. */
  verify(token: string): TokenClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const [header, payload, signature] = parts as [string, string, string];
    if (header !== HEADER) return null;
    const expected = Buffer.from(this.#signature(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<TokenClaims>;
      if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.iat !== 'number') {
        return null;
      }
      if (typeof claims.tnt !== 'string') return null;
      return claims as TokenClaims;
    } catch {
      return null;
    }
  }

  #signature(body: string): string {
    return createHmac('sha256', this.#secret).update(body).digest('base64url');
  }
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
