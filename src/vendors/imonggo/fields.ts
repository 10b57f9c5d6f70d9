import { parseCalendarDate } from '../../core/dates.js';
import { truncateChars, truncateUtf8Bytes } from '../../core/text.js';
import type { XmlElement } from '../../core/xml-parse.js';

/**
 * A parsed request body the way Rails hands it to a controller: the record's fields under its
 * element name ("customer" → fields). Values are strings or null (`nil="true"`, JSON null).
 */
export type RequestParams = Map<string, Map<string, string | null>>;

/** How a writable field takes a value from a request. */
export interface WritableField {
  name: string;
  kind: 'text' | 'boolean' | 'date';
  /** Column width in characters: longer text is cut to it, as the vendor does, instead of being refused. */
  width?: number;
  /** Column size in bytes of UTF-8, for a column without a width (TEXT): longer text is cut to it too. */
  maxBytes?: number;
}

/** What a MySQL TEXT column holds, in bytes: the vendor's limit for text without a documented width. */
export const MYSQL_TEXT_BYTES = 65_535;

export type FieldValue = string | boolean | null;

/** Reads the writable fields present in `input`; everything else (read-only, unknown) is ignored. */
export function readWritableFields(
  fields: readonly WritableField[],
  input: ReadonlyMap<string, string | null>,
): Map<string, FieldValue> {
  const values = new Map<string, FieldValue>();
  for (const field of fields) {
    if (!input.has(field.name)) continue;
    values.set(field.name, castValue(field, input.get(field.name) ?? null));
  }
  return values;
}

function castValue(field: WritableField, raw: string | null): FieldValue {
  if (raw === null) return null;
  switch (field.kind) {
    case 'text':
      if (field.width !== undefined) return truncateChars(raw, field.width);
      return field.maxBytes === undefined ? raw : truncateUtf8Bytes(raw, field.maxBytes);
    case 'boolean':
      // Rails' boolean cast: blank is nil, "true"/"t"/"1"/"yes"/"on" are true, the rest false.
      if (raw.trim() === '') return null;
      return /^(true|t|1|yes|on)$/i.test(raw.trim());
    case 'date':
      // An invalid birthdate is stored as null rather than refused, as the vendor does.
      return parseCalendarDate(raw);
  }
}

/** The params of an XML body: the root element's leaf children become its fields. */
export function paramsFromXml(root: XmlElement): RequestParams {
  const fields = new Map<string, string | null>();
  for (const child of root.children) {
    // A nested element is no column's value; Rails would choke on it, we leave it out.
    if (child.children.length > 0) continue;
    // Rails reads content before the nil attribute: nil="true" is null only when there is no text
    // (a Shopify integration sends <email nil="true">shop.ify@example.com</email>).
    fields.set(child.name, child.attributes.nil === 'true' && child.text.trim() === '' ? null : child.text);
  }
  return new Map([[root.name, fields]]);
}

/** The params of a JSON body: each top-level object becomes a record's fields. */
export function paramsFromJson(body: unknown): RequestParams {
  const params: RequestParams = new Map();
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return params;
  for (const [name, value] of Object.entries(body)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const fields = new Map<string, string | null>();
    for (const [field, fieldValue] of Object.entries(value)) {
      if (fieldValue === null) fields.set(field, null);
      else if (typeof fieldValue !== 'object') fields.set(field, String(fieldValue));
    }
    params.set(name, fields);
  }
  return params;
}
