import { createHash } from 'node:crypto';
import type { ValomniaData } from './model.js';

/**
 * Gives a tenant of a dataset without a shared organization (demo, empty) an organization of its
 * own, named after its login, so that no two tenants share an upload directory.
 */
export function personalizeOrganization(data: ValomniaData, login: string): void {
  if (data.organization.sharedName) return;
  const name = organizationNameOf(login);
  data.organization = { ...data.organization, name, uploadDirectory: `${name}-${thirteenDigitsOf(login)}` };
}

/** The part of a login before "@", lower-cased, letters and digits only; "org" when nothing is left. */
function organizationNameOf(login: string): string {
  const local = login.split('@', 1)[0] ?? '';
  return (
    local
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 40) || 'org'
  );
}

// The vendor's upload directories end in the organization's creation time in epoch ms; here the
// 13 digits come from the login, so they are the same on every run and differ between logins.
function thirteenDigitsOf(login: string): string {
  const hash = createHash('sha256').update(login).digest();
  return String(1_000_000_000_000n + (hash.readBigUInt64BE(0) % 9_000_000_000_000n));
}
