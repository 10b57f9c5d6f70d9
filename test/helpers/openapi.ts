import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dereference } from '@readme/openapi-parser';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { parseXmlDocument, type XmlElement } from '../../src/core/xml-parse.js';

/**
 * Reading the contracts under openapi/ and checking real answers against them: JSON with Ajv
 * (draft 2020-12, the dialect of OpenAPI 3.1), XML with a small checker that walks the parsed tree
 * along the schema's `xml` annotations.
 */

export type JsonObject = { [key: string]: unknown };
/** A schema object of the contract (after dereferencing: no `$ref` left). */
export type Schema = JsonObject;

/** The first line of every XML document the vendors answer. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `value`, or an error naming `what` when it is not one. */
export function objectAt(value: unknown, what: string): JsonObject {
  if (!isObject(value)) throw new Error(`${what} is not an object`);
  return value;
}

/** The contract file of a vendor. */
export function specFile(vendor: string): string {
  return fileURLToPath(new URL(`../../openapi/${vendor}.yaml`, import.meta.url));
}

/** The contract as written (`$ref`s kept); a fresh object on every call. */
export function loadSpec(vendor: string): JsonObject {
  return objectAt(parse(readFileSync(specFile(vendor), 'utf8')), `openapi/${vendor}.yaml`);
}

/** The contract with every `$ref` replaced by its target. */
export async function loadDereferencedSpec(vendor: string): Promise<JsonObject> {
  return objectAt(await dereference(loadSpec(vendor) as never), 'dereferenced spec');
}

/** Follows a local `$ref` ("#/components/…") of a document that is not dereferenced. */
export function resolveLocal(doc: JsonObject, value: unknown): unknown {
  if (!isObject(value) || typeof value.$ref !== 'string') return value;
  const ref = value.$ref;
  if (!ref.startsWith('#/')) throw new Error(`not a local $ref: ${ref}`);
  let target: unknown = doc;
  for (const part of ref.slice(2).split('/')) {
    target = objectAt(target, ref)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return resolveLocal(doc, target);
}

export interface SpecOperation {
  /** Upper case, as Fastify and HTTP write it. */
  method: string;
  /** The path template: "/api/customers/{id}.xml". */
  path: string;
  operation: JsonObject;
}

/** Every operation of a document, in document order. */
export function operationsOf(doc: JsonObject): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [path, item] of Object.entries(objectAt(doc.paths, 'paths'))) {
    for (const method of METHODS) {
      const operation = objectAt(item, path)[method];
      if (operation !== undefined) {
        operations.push({ method: method.toUpperCase(), path, operation: objectAt(operation, `${method} ${path}`) });
      }
    }
  }
  return operations;
}

/** The operation a request goes to: its method and the path template its URL's path fits. */
export function findOperation(operations: readonly SpecOperation[], method: string, url: string): SpecOperation[] {
  const path = url.split('?', 1)[0] ?? '';
  return operations.filter((op) => op.method === method && templatePattern(op.path).test(path));
}

function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * The vendor whose contract declares a route of the app, by its URL (Fastify's form), or null for
 * the sandbox's own routes (control API, docs, contracts). Imonggo owns `/api/…` except the
 * versioned prefixes; Valomnia owns `/api/v1.0/…`, `/api/v1/…` and its paths at the root (login,
 * logout, the upload directories' images).
 */
export function routeVendor(url: string): 'imonggo' | 'valomnia' | null {
  if (/^\/(__admin|docs|openapi)(\/|$)/.test(url)) return null;
  if (/^\/api\/v1(\.0)?(\/|$)/.test(url)) return 'valomnia';
  if (/^\/api\/v[0-9]/.test(url)) return null;
  if (/^\/api(\/|$)/.test(url)) return 'imonggo';
  return 'valomnia';
}

/** `key: value` pairs of a map-valued field (responses, content, examples…), empty when absent. */
export function entriesOf(value: unknown): [string, JsonObject][] {
  if (value === undefined) return [];
  return Object.entries(objectAt(value, 'map')).map(([key, item]) => [key, objectAt(item, key)]);
}

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

export function isXmlMediaType(mediaType: string): boolean {
  return mediaType === 'application/xml' || mediaType === 'text/xml';
}

// Every `x-…` key used anywhere in the document: Ajv must know them as (annotation) keywords.
function extensionKeys(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) extensionKeys(item, found);
  else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('x-')) found.add(key);
      extensionKeys(item, found);
    }
  }
  return found;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** What the XML checker makes of one element: the value it carries and what was wrong with it. */
export interface XmlCheck {
  errors: string[];
  value: unknown;
}

/** The element and text structure a schema asks for, with allOf folded in. */
interface Shape {
  name: string | undefined;
  types: Set<string>;
  properties: [string, Schema][];
  required: Set<string>;
  items: Schema | undefined;
  attributes: Record<string, string>;
  emptyForm: string | undefined;
}

/** Validates values against the schemas of one (dereferenced) contract. */
export class ContractValidator {
  readonly #ajv: Ajv2020;
  readonly #compiled = new WeakMap<object, ValidateFunction>();

  constructor(doc: JsonObject) {
    this.#ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
    // OpenAPI's own schema keywords and the document's extensions only annotate.
    this.#ajv.addVocabulary(['xml', 'discriminator', 'externalDocs', ...extensionKeys(doc)]);
    this.#ajv.addFormat('date-time', {
      type: 'string',
      validate: (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)),
    });
    this.#ajv.addFormat('date', { type: 'string', validate: isRealDate });
  }

  /** Ajv's complaints about `value`, one line each; empty when it fits. */
  validate(schema: Schema, value: unknown): string[] {
    let check = this.#compiled.get(schema);
    if (!check) {
      check = this.#ajv.compile(schema);
      this.#compiled.set(schema, check);
    }
    if (check(value)) return [];
    return (check.errors ?? []).map(
      (error: ErrorObject) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
    );
  }

  /**
   * Where the keys of a JSON value come out of the order its schema lists them in (`properties`,
   * with allOf parts folded in), at any depth; empty when every object is in order. Keys the schema
   * does not list are left to `validate`. Of `oneOf`/`anyOf` alternatives, the first the value
   * fits is the one followed.
   */
  orderErrors(schema: Schema, value: unknown, path = ''): string[] {
    const alternatives = schema.oneOf ?? schema.anyOf;
    if (Array.isArray(alternatives)) {
      const fit = alternatives.map((a) => objectAt(a, 'oneOf')).find((a) => this.validate(a, value).length === 0);
      return fit ? this.orderErrors(fit, value, path) : [];
    }
    const shape = shapeOf(schema);
    if (Array.isArray(value)) {
      const items = shape.items;
      return items ? value.flatMap((item, index) => this.orderErrors(items, item, `${path}/${index}`)) : [];
    }
    if (!isObject(value) || shape.properties.length === 0) return [];
    const errors: string[] = [];
    const order = shape.properties.map(([key]) => key);
    const listed = Object.keys(value).filter((key) => order.includes(key));
    const expected = [...listed].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const at = listed.findIndex((key, index) => key !== expected[index]);
    if (at >= 0) {
      errors.push(
        `${path || '/'}: "${listed[at]}" where the schema has "${expected[at]}" (key ${at + 1} of ${listed.length})`,
      );
    }
    for (const [key, property] of shape.properties) {
      if (key in value) errors.push(...this.orderErrors(property, value[key], `${path}/${key}`));
    }
    return errors;
  }

  /**
   * Checks an XML text against a schema: the root element's name, every child element's name
   * and order (the schema's property order), the attributes (`nil="true"` only where null is
   * allowed, `x-xml-attributes` always, `x-xml-empty` for an empty list), then the values the
   * elements carry, with Ajv. `document` also asks for the XML declaration and a final newline
   * (answers); `ordered: false` lets fields come in any order (request bodies).
   */
  checkXml(xml: string, schema: Schema, options: { document: boolean; ordered?: boolean }): XmlCheck {
    const errors: string[] = [];
    if (options.document) {
      if (!xml.startsWith(XML_DECLARATION)) errors.push(`does not start with ${JSON.stringify(XML_DECLARATION)}`);
      if (!xml.endsWith('>\n')) errors.push('does not end with a newline after the root element');
    }
    let root: XmlElement;
    try {
      root = parseXmlDocument(xml);
    } catch (error) {
      return { errors: [...errors, `not well-formed XML: ${(error as Error).message}`], value: undefined };
    }
    const value = elementValue(root, schema, undefined, '', errors, options.ordered ?? true);
    if (errors.length === 0) errors.push(...this.validate(schema, value).map((error) => `values: ${error}`));
    return { errors, value };
  }
}

// The value an element carries, read along its schema; structural problems go to `errors`.
function elementValue(
  element: XmlElement,
  schema: Schema,
  expectedName: string | undefined,
  parentPath: string,
  errors: string[],
  ordered: boolean,
): unknown {
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(alternatives)) {
    const attempts = alternatives.map((alternative) => {
      const attemptErrors: string[] = [];
      const value = elementValue(
        element,
        objectAt(alternative, 'oneOf'),
        expectedName,
        parentPath,
        attemptErrors,
        ordered,
      );
      return { value, errors: attemptErrors };
    });
    const fit = attempts.find((attempt) => attempt.errors.length === 0);
    if (fit) return fit.value;
    errors.push(
      `${parentPath}/${element.name}: fits none of the alternatives (${attempts.map((a) => a.errors[0]).join(' | ')})`,
    );
    return undefined;
  }

  const shape = shapeOf(schema);
  const name = shape.name ?? expectedName;
  const path = `${parentPath}/${element.name}`;
  if (name === undefined) {
    errors.push(`${path}: the schema names no element (give it xml.name)`);
    return undefined;
  }
  if (element.name !== name) {
    errors.push(`${parentPath}/: found <${element.name}> where the schema wants <${name}>`);
    return undefined;
  }

  const { nil, ...attributes } = element.attributes;
  if (nil !== undefined) {
    if (nil !== 'true') errors.push(`${path}: nil="${nil}"; only nil="true" is used`);
    if (!shape.types.has('null')) errors.push(`${path}: nil="true" but the schema does not allow null`);
    if (element.text !== '' || element.children.length > 0) errors.push(`${path}: nil="true" on a non-empty element`);
    if (Object.keys(attributes).length > 0)
      errors.push(`${path}: attributes beside nil: ${JSON.stringify(attributes)}`);
    return null;
  }

  if (shape.types.has('array')) {
    if (element.children.length === 0 && shape.emptyForm !== undefined) {
      const empty = parseXmlDocument(shape.emptyForm);
      compareAttributes(element.attributes, empty.attributes, `${path} (empty list, x-xml-empty)`, errors);
      if (element.text !== '') errors.push(`${path}: text in an empty list`);
      return [];
    }
    compareAttributes(attributes, shape.attributes, path, errors);
    if (element.text !== '') errors.push(`${path}: text beside the list items: ${JSON.stringify(element.text)}`);
    if (!shape.items) {
      errors.push(`${path}: array schema without items`);
      return undefined;
    }
    const items = shape.items;
    return element.children.map((child, index) =>
      elementValue(child, items, undefined, `${path}[${index}]`, errors, ordered),
    );
  }

  if (shape.types.has('object') || shape.properties.length > 0) {
    compareAttributes(attributes, shape.attributes, path, errors);
    if (element.text !== '') errors.push(`${path}: text beside the fields: ${JSON.stringify(element.text)}`);
    const value: JsonObject = {};
    let next = 0;
    for (const child of element.children) {
      const index = shape.properties.findIndex(
        ([key, property], i) => (!ordered || i >= next) && elementName(key, property) === child.name,
      );
      const entry = shape.properties[index];
      if (!entry || (!ordered && entry[0] in value)) {
        const known = shape.properties.some(([key, property]) => elementName(key, property) === child.name);
        errors.push(`${path}: <${child.name}> is ${known ? 'out of order or repeated' : 'not in the schema'}`);
        continue;
      }
      const [key, property] = entry;
      value[key] = elementValue(child, property, elementName(key, property), path, errors, ordered);
      next = index + 1;
    }
    for (const [key, property] of shape.properties) {
      if (shape.required.has(key) && !(key in value))
        errors.push(`${path}: <${elementName(key, property)}> is missing`);
    }
    return value;
  }

  compareAttributes(attributes, shape.attributes, path, errors);
  if (element.children.length > 0) errors.push(`${path}: child elements in a scalar`);
  return scalarValue(element.text, shape.types);
}

function elementName(key: string, property: Schema): string {
  return shapeOf(property).name ?? key;
}

function compareAttributes(
  actual: Record<string, string>,
  expected: Record<string, string>,
  path: string,
  errors: string[],
): void {
  for (const [name, value] of Object.entries(expected)) {
    if (actual[name] !== value) errors.push(`${path}: wants ${name}="${value}", has ${JSON.stringify(actual[name])}`);
  }
  for (const name of Object.keys(actual)) {
    if (!(name in expected)) errors.push(`${path}: undeclared attribute ${name}="${actual[name]}"`);
  }
}

// Element text is untyped: read it as the schema's type where it fits, else leave it a string
// for Ajv to refuse.
function scalarValue(text: string, types: ReadonlySet<string>): unknown {
  if ((types.has('integer') || types.has('number')) && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function shapeOf(schema: Schema): Shape {
  const shape: Shape = {
    name: undefined,
    types: new Set(),
    properties: [],
    required: new Set(),
    items: undefined,
    attributes: {},
    emptyForm: undefined,
  };
  const parts = [schema, ...(Array.isArray(schema.allOf) ? schema.allOf.map((part) => objectAt(part, 'allOf')) : [])];
  for (const part of parts) {
    if (isObject(part.xml) && typeof part.xml.name === 'string') shape.name ??= part.xml.name;
    const type = part.type;
    for (const t of Array.isArray(type) ? type : type === undefined ? [] : [type]) shape.types.add(String(t));
    if (type === undefined && 'const' in part) shape.types.add(part.const === null ? 'null' : typeof part.const);
    if (isObject(part.properties)) {
      for (const [key, property] of Object.entries(part.properties)) {
        const existing = shape.properties.findIndex(([known]) => known === key);
        const schemaOfProperty = objectAt(property, key);
        if (existing < 0) shape.properties.push([key, schemaOfProperty]);
        else {
          const previous = shape.properties[existing];
          if (previous) shape.properties[existing] = [key, { allOf: [previous[1], schemaOfProperty] }];
        }
      }
    }
    if (Array.isArray(part.required)) for (const key of part.required) shape.required.add(String(key));
    if (isObject(part.items)) shape.items ??= part.items;
    if (isObject(part['x-xml-attributes'])) {
      for (const [name, value] of Object.entries(part['x-xml-attributes'])) shape.attributes[name] = String(value);
    }
    if (typeof part['x-xml-empty'] === 'string') shape.emptyForm ??= part['x-xml-empty'];
  }
  return shape;
}
