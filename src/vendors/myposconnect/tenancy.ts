/** Longest email taken; a tenant is kept per email. */
const MAX_EMAIL_LENGTH = 256;

/**
 * Why the token endpoint would refuse an email (and make no tenant for it), or null. The control
 * API asks the same question, so it addresses exactly the tenants a token can reach.
 */
export function emailProblem(email: string): string | null {
  if (email.trim() === '') return 'it is blank';
  if (email.length > MAX_EMAIL_LENGTH) return `it is longer than ${MAX_EMAIL_LENGTH} characters`;
  return null;
}

/** Users are emails, compared regardless of case and surrounding spaces. */
export function canonicalEmail(email: string): string {
  return email.trim().toLowerCase();
}
