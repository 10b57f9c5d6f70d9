import { toDbTime } from '../../core/dates.js';
import { renderOnce } from '../../core/rendered-records.js';
import { keptBytes, pageOf, type TextParts } from '../../core/text-parts.js';
import { integerElement, textElement, XML_DECLARATION, xmlDocument } from '../../core/xml-render.js';
import { statusText } from './errors.js';
import type { ImonggoRecord } from './model.js';
import type { ResourceDefinition } from './resource.js';

/** The extension a request came in with picks the wire format. */
export type Format = 'xml' | 'json';

export const CONTENT_TYPE: Record<Format, string> = {
  xml: 'application/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** A resource's list items, each rendered once per record (see renderOnce), as bytes. */
interface ListItems<R> {
  xml: (record: R) => Buffer;
  json: (record: R) => Buffer;
  /** The XML page's head and tail around the items. */
  xmlHead: string;
  xmlTail: string;
}
const listItems = new WeakMap<object, ListItems<never>>();

function listItemsOf<R extends ImonggoRecord>(resource: ResourceDefinition<R>): ListItems<R> {
  let items = listItems.get(resource) as ListItems<R> | undefined;
  if (!items) {
    items = {
      xml: renderOnce((record: R) => keptBytes(recordXml(resource, record, '  '))),
      json: renderOnce((record: R) => keptBytes(JSON.stringify(recordJson(resource, record)))),
      xmlHead: `${XML_DECLARATION}<${resource.collection} type="array">\n`,
      xmlTail: `</${resource.collection}>\n`,
    };
    listItems.set(resource, items as ListItems<never>);
  }
  return items;
}

function recordXml<R extends ImonggoRecord>(resource: ResourceDefinition<R>, record: R, indent: string): string {
  const inner = `${indent}  `;
  const lines = [`${indent}<${resource.element}>\n`];
  for (const field of resource.wireFields) {
    const value = record[field] as unknown;
    lines.push(textElement(field, value === null || value === undefined ? null : String(value), inner));
  }
  lines.push(`${indent}</${resource.element}>\n`);
  return lines.join('');
}

function recordJson<R extends ImonggoRecord>(resource: ResourceDefinition<R>, record: R): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const field of resource.wireFields) json[field] = record[field] ?? null;
  return json;
}

/** One record: GET, PUT and a customer create answer this. */
export function renderRecord<R extends ImonggoRecord>(
  resource: ResourceDefinition<R>,
  record: R,
  format: Format,
): string {
  if (format === 'json') return JSON.stringify(recordJson(resource, record));
  return XML_DECLARATION + recordXml(resource, record, '');
}

/** A page of records; the XML of an empty page is the vendor's own exact form. */
export function renderList<R extends ImonggoRecord>(
  resource: ResourceDefinition<R>,
  records: readonly R[],
  format: Format,
): string | TextParts {
  const items = listItemsOf(resource);
  if (format === 'json') return pageOf('[', records, items.json, ',', ']');
  if (records.length === 0) return `${XML_DECLARATION}${resource.emptyListXml}\n`;
  return pageOf(items.xmlHead, records, items.xml, null, items.xmlTail);
}

/** q=count. */
export function renderCount(count: number, format: Format): string {
  if (format === 'json') return JSON.stringify({ count });
  return xmlDocument('hash', integerElement('count', count, '  '));
}

/** q=last_updated_at: a database time ("2011-04-13 04:37:45"), or nil when there are no records. */
export function renderLastUpdatedAt(iso: string | null, format: Format): string {
  const value = iso === null ? null : toDbTime(iso);
  if (format === 'json') return JSON.stringify({ last_updated_at: value });
  return xmlDocument('hash', textElement('last-updated-at', value, '  '));
}

/** The answer of a create that returns only the new id (suppliers). */
export function renderCreatedId(id: number, format: Format): string {
  if (format === 'json') return JSON.stringify({ id });
  return xmlDocument('hash', integerElement('id', id, '  '));
}

/** 422: Rails' `<errors><error>…</error></errors>`; JSON clients get `{"error": "…"}`. */
export function renderValidationErrors(messages: readonly string[], format: Format): string {
  if (format === 'json') return JSON.stringify({ error: messages.join(', ') });
  return xmlDocument('errors', messages.map((message) => textElement('error', message, '  ')).join(''));
}

/** Any other refusal, in the body Rails' public exceptions app gives xml and json requests. */
export function renderStatusError(statusCode: number, format: Format): string {
  const error = statusText(statusCode);
  if (format === 'json') return JSON.stringify({ status: statusCode, error });
  return xmlDocument('hash', integerElement('status', statusCode, '  ') + textElement('error', error, '  '));
}

/** The token API's answer. */
export function renderToken(token: string, format: Format): string {
  if (format === 'json') return JSON.stringify({ api_token: token });
  return xmlDocument('hash', textElement('api_token', token, '  '));
}
