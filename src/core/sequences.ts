/**
 * Why a sequence would hand out an id already taken: `next` must be past every record's id.
 * Imported data is checked with it, so a create can never make a second record of an id. Null
 * when it holds.
 */
export function sequenceProblem(records: readonly { id: number }[], next: number, name: string): string | null {
  const last = records.at(-1)?.id;
  if (!Number.isInteger(next) || next < 1) return `${name} must be a whole number from 1`;
  // Records are kept in id order (checked with their shape), so the last holds the largest id.
  return last !== undefined && next <= last ? `${name} must be greater than the largest id, ${last}` : null;
}
