/**
 * Why data cannot be a vendor's tenant data, judged against that vendor's seeded data (the
 * template): the same top-level fields and kinds; each collection's records plain objects with the
 * template records' fields, each value of a JSON type the template's records hold there (null
 * always allowed), ids ascending where records have them; nested objects the same way. It keeps
 * out data the vendor's code would trip over; what the vendor itself refuses on write (an email's
 * form) is its repositories' business. Null when the data passes.
 */
export function dataShapeProblem(data: unknown, template: unknown): string | null {
  return shapeProblem(data, template, 'data');
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function shapeProblem(value: unknown, template: unknown, at: string): string | null {
  const kind = kindOf(template);
  if (kind === 'array') {
    if (!Array.isArray(value)) return `${at} must be a list`;
    return recordsProblem(value, template as unknown[], at);
  }
  if (kind === 'object') {
    if (kindOf(value) !== 'object') return `${at} must be an object`;
    const want = Object.keys(template as object);
    const have = Object.keys(value as object);
    const missing = want.filter((key) => !have.includes(key));
    const extra = have.filter((key) => !want.includes(key));
    if (missing.length > 0 || extra.length > 0) {
      return `${at} must have the fields ${want.join(', ')}${extra.length > 0 ? ` (not ${extra.join(', ')})` : ''}`;
    }
    for (const key of want) {
      const problem = shapeProblem(
        (value as Record<string, unknown>)[key],
        (template as Record<string, unknown>)[key],
        `${at}.${key}`,
      );
      if (problem) return problem;
    }
    return null;
  }
  if (kind === 'null') return null;
  const have = kindOf(value);
  return have === kind || have === 'null'
    ? null
    : `${at} must be ${kind === 'bytes' ? 'bytes ({"$base64": …})' : `a ${kind}`}`;
}

// A collection: every record has the fields the template's records have, of the kinds seen there.
function recordsProblem(records: unknown[], template: unknown[], at: string): string | null {
  if (template.length === 0) return records.length === 0 ? null : `${at} must be empty`;
  const kinds = new Map<string, Set<string>>();
  const samples = new Map<string, unknown>();
  for (const record of template) {
    if (kindOf(record) !== 'object') {
      // A list of plain values (ids): the values' kinds must match.
      const wanted = new Set(template.map(kindOf));
      const wrong = records.findIndex((item) => !wanted.has(kindOf(item)));
      return wrong === -1 ? null : `${at}[${wrong}] must be a ${[...wanted].join(' or ')}`;
    }
    for (const [key, inner] of Object.entries(record as object)) {
      const seen = kinds.get(key) ?? new Set<string>();
      kinds.set(key, seen);
      seen.add(kindOf(inner));
      const empty = inner === null || (Array.isArray(inner) && inner.length === 0);
      if (!empty && !samples.has(key)) samples.set(key, inner);
    }
  }
  const fields = [...kinds.keys()];
  let lastId = Number.NEGATIVE_INFINITY;
  for (const [index, record] of records.entries()) {
    const here = `${at}[${index}]`;
    if (kindOf(record) !== 'object') return `${here} must be an object`;
    const keys = Object.keys(record as object);
    const extra = keys.filter((key) => !kinds.has(key));
    const missing = fields.filter((key) => !keys.includes(key));
    if (extra.length > 0 || missing.length > 0) {
      return `${here} must have the fields ${fields.join(', ')}${extra.length > 0 ? ` (not ${extra.join(', ')})` : ''}`;
    }
    for (const key of fields) {
      const inner = (record as Record<string, unknown>)[key];
      const kind = kindOf(inner);
      const seen = kinds.get(key) as Set<string>;
      // A field the template only ever left empty takes any JSON value.
      if (kind === 'null' || seen.has(kind) || (seen.size === 1 && seen.has('null'))) {
        if ((kind === 'object' || kind === 'array') && samples.has(key)) {
          const problem = shapeProblem(inner, samples.get(key), `${here}.${key}`);
          if (problem) return problem;
        }
        continue;
      }
      return `${here}.${key} must be ${[...seen].filter((k) => k !== 'null').join(' or ')}`;
    }
    const id = (record as { id?: unknown }).id;
    if (typeof id === 'number') {
      if (!(id > lastId)) return `${here}.id must be greater than the id before it (records are kept in id order)`;
      lastId = id;
    }
  }
  return null;
}
