/**
 * The vendor's timestamps: UTC with milliseconds, no zone, trailing zeros of the fraction dropped
 * ("2020-08-21T12:47:18.177", "2020-08-21T12:47:18.1", "2020-08-21T12:47:18"). Stored ones end in
 * "Z" with three digits of milliseconds.
 */
export function wireTime(stored: string | null): string | null {
  if (stored === null) return null;
  const local = stored.endsWith('Z') ? stored.slice(0, -1) : stored;
  const [whole, fraction = ''] = local.split('.');
  const kept = fraction.replace(/0+$/, '');
  return kept === '' ? (whole ?? local) : `${whole}.${kept}`;
}

/** Epoch ms as stored ("2020-08-21T12:47:18.177Z"). */
export function storedTime(ms: number): string {
  return new Date(ms).toISOString();
}
