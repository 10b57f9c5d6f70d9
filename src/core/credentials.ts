/** Longest credential a vendor takes: far above any real one, and a tenant is kept per credential. */
export const MAX_CREDENTIAL_LENGTH = 256;

/**
 * Why a vendor would refuse a credential for its shape alone (blank, or longer than any real one),
 * or null. Each vendor adds its own rules on top (Imonggo: no ":").
 */
export function credentialShapeProblem(credential: string): string | null {
  if (credential.trim() === '') return 'it is blank';
  if (credential.length > MAX_CREDENTIAL_LENGTH) return `it is longer than ${MAX_CREDENTIAL_LENGTH} characters`;
  return null;
}

/** A login name compared regardless of case and surrounding spaces (Valomnia's logins, MYPOS's emails). */
export function caseInsensitiveName(name: string): string {
  return name.trim().toLowerCase();
}
