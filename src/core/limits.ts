/**
 * Records one tenant may hold, every collection together. Far above what a test suite or the
 * 100,000-record scale bench needs, and low enough that one client cannot grow a tenant until the
 * process runs out of memory. A create past it is refused in the vendor's own envelope.
 */
export const MAX_RECORDS_PER_TENANT = 250_000;

/**
 * A request the sandbox refuses because it is full (too many tenants, or records in a tenant).
 * Every vendor answers it with 503 in its own envelope: a limit of the sandbox, not of the vendor.
 */
export class CapacityError extends Error {}

/** A write the sandbox refuses because a tenant already holds as much as it may. */
export class RecordLimitError extends CapacityError {
  readonly code = 'RECORD_LIMIT';
}

/** Throws RecordLimitError when a tenant holding `held` records may not take one more. */
export function ensureRoomForRecord(held: number, limit: number = MAX_RECORDS_PER_TENANT): void {
  if (held >= limit) throw new RecordLimitError(`a tenant holds at most ${limit} records`);
}
