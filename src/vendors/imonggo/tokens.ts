import { createHash } from 'node:crypto';

/**
 * The API token the token API hands out for an email: 40 hex digits like the vendor's, derived
 * from the email alone, so the same login always reaches the same tenant.
 */
export function apiTokenFor(email: string): string {
  return createHash('sha1').update(`pos-sandbox:imonggo:${email.trim().toLowerCase()}`).digest('hex');
}
