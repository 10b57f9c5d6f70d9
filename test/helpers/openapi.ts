import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileErrors, dereference, validate } from '@readme/openapi-parser';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { buildApp } from '../../src/app.js';
import { createMemoryDb, TenantStore } from '../../src/core/store.js';
import { parseXmlDocument, type XmlElement } from '../../src/core/xml-parse.js';
import { testApp } from './app.js';

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

/** The vendors with a contract under openapi/. */
export type ContractVendor = 'imonggo' | 'valomnia' | 'myposconnect';

/**
 * The vendor whose contract declares a route of the app, by its URL (Fastify's form), or null for
 * the sandbox's own routes (control API, docs, contracts). Imonggo owns `/api/…` except the
 * versioned prefixes; Valomnia owns `/api/v1.0/…`, `/api/v1/…` and its paths at the root (login,
 * logout, the upload directories' images); MYPOS Connect owns `/api/v2/…`.
 */
export function routeVendor(url: string): ContractVendor | null {
  // The sandbox's own pages: the index, the control API, the docs.
  if (url === '/' || /^\/(__admin|docs|openapi)(\/|$)/.test(url)) return null;
  if (/^\/api\/v1(\.0)?(\/|$)/.test(url)) return 'valomnia';
  if (/^\/api\/v2(\/|$)/.test(url)) return 'myposconnect';
  if (/^\/api\/v[0-9]/.test(url)) return null;
  if (/^\/api(\/|$)/.test(url)) return 'imonggo';
  return 'valomnia';
}

/** An operation's name in test titles and maps: "GET /api/customers.xml". */
export function opKey(op: { method: string; path: string }): string {
  return `${op.method} ${op.path}`;
}

/** A vendor's contract ready to check answers: dereferenced, its validator, its operations by opKey. */
export interface LoadedContract {
  spec: JsonObject;
  validator: ContractValidator;
  operations: Map<string, SpecOperation>;
}

export async function loadContract(vendor: string): Promise<LoadedContract> {
  const spec = await loadDereferencedSpec(vendor);
  return {
    spec,
    validator: new ContractValidator(spec),
    operations: new Map(operationsOf(spec).map((op) => [opKey(op), op])),
  };
}

// ---------------------------------------------------------------------------------------------
// Checks every contract test makes of its document

/** Asserts the vendor's contract is valid OpenAPI 3.1, without warnings. */
export async function expectValidDocument(vendor: string): Promise<void> {
  expect(loadSpec(vendor).openapi).toMatch(/^3\.1\.\d+$/);
  const result = await validate(loadSpec(vendor) as never);
  expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  expect(result.warnings).toEqual([]);
}

/** Asserts the app serves the contract file, byte for byte, at /openapi/<vendor>.yaml. */
export async function expectServedAsWritten(vendor: string): Promise<void> {
  const app = await testApp();
  const answer = await app.inject({ url: `/openapi/${vendor}.yaml` });
  await app.close();
  expect(answer.statusCode).toBe(200);
  expect(answer.body).toBe(readFileSync(specFile(vendor), 'utf8'));
}

/** Asserts every operation has an operationId none other has, at least one tag and a summary. */
export function expectOperationsNamed(operations: readonly SpecOperation[]): void {
  const ids = operations.map((op) => op.operation.operationId);
  expect(new Set(ids).size).toBe(ids.length);
  for (const op of operations) {
    expect(Array.isArray(op.operation.tags) && op.operation.tags.length > 0, opKey(op)).toBe(true);
    expect(typeof op.operation.summary, opKey(op)).toBe('string');
  }
}

/**
 * The routes the app registers for a vendor (see routeVendor), as Fastify writes them
 * ("/api/customers/:id.xml"), without the HEAD route Fastify adds beside each GET on its own.
 */
export async function registeredRoutes(vendor: ContractVendor): Promise<{ method: string; url: string }[]> {
  const store = new TenantStore(createMemoryDb(), { seed: { dataset: 'empty', seed: 1, records: 0 }, maxTenants: 1 });
  const app = buildApp({ store });
  const routes: { method: string; url: string }[] = [];
  // buildApp registers its plugins lazily, so this hook still sees every route.
  app.addHook('onRoute', (route) => {
    if (routeVendor(route.url) !== vendor) return;
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method !== 'HEAD') routes.push({ method, url: route.url });
    }
  });
  await app.ready();
  await app.close();
  return routes;
}

/** One example of a contract: where it stands, the schema it must fit, and whether it is an answer's. */
export interface DeclaredExample {
  /** "GET /api/customers.xml 200", or "… request" for a request body's. */
  where: string;
  mediaType: string;
  schema: Schema;
  name: string;
  example: JsonObject;
  isAnswer: boolean;
}

/** Every example of a (dereferenced) document's answers and request bodies, in document order. */
export function examplesOf(doc: JsonObject): DeclaredExample[] {
  const found: DeclaredExample[] = [];
  for (const op of operationsOf(doc)) {
    const places: [string, unknown, boolean][] = entriesOf(op.operation.responses).map(([status, response]) => [
      `${opKey(op)} ${status}`,
      response.content,
      true,
    ]);
    if (isObject(op.operation.requestBody)) {
      places.push([`${opKey(op)} request`, op.operation.requestBody.content, false]);
    }
    for (const [where, content, isAnswer] of places) {
      for (const [mediaType, media] of entriesOf(content)) {
        const schema = objectAt(media.schema, `${where} ${mediaType} schema`);
        for (const [name, example] of entriesOf(media.examples)) {
          found.push({ where, mediaType, schema, name, example, isAnswer });
        }
      }
    }
  }
  return found;
}

/** "<opKey> <status>" for every status every operation declares. */
export function declaredStatuses(operations: readonly SpecOperation[]): string[] {
  return operations.flatMap((op) =>
    Object.keys(objectAt(op.operation.responses, 'responses')).map((status) => `${opKey(op)} ${status}`),
  );
}

/**
 * Requests sorted to the one operation each goes to, by opKey; `strays` names those that fit
 * none or several.
 */
export function sortToOperations<T>(
  requests: readonly T[],
  target: (request: T) => { method: string; url: string },
  find: (method: string, url: string) => SpecOperation[],
): { byOperation: Map<string, T[]>; strays: string[] } {
  const byOperation = new Map<string, T[]>();
  const strays: string[] = [];
  for (const request of requests) {
    const { method, url } = target(request);
    const matches = find(method, url);
    const [match] = matches;
    if (!match || matches.length > 1) strays.push(`${method} ${url} (${matches.length} operations)`);
    else byOperation.set(opKey(match), [...(byOperation.get(opKey(match)) ?? []), request]);
  }
  return { byOperation, strays };
}

// ---------------------------------------------------------------------------------------------
// Checking real answers and requests against an operation

/** What an answer is checked on (Fastify's inject answers fit). */
export interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/**
 * What is wrong with an answer, as the operation declares its responses: a status it does not
 * declare, a required header missing, a header sent twice or not fitting its schema, a body where
 * none is declared, a content type not declared. The body of a declared content type is left to
 * `checkContent` (its media object, its media type, the whole Content-Type header). Empty when
 * nothing is wrong.
 */
export function checkAnswer<A extends Answer>(
  validator: ContractValidator,
  op: SpecOperation,
  answer: A,
  checkContent: (media: JsonObject, mediaType: string, contentType: string) => string[],
): string[] {
  const responses = objectAt(op.operation.responses, 'responses');
  const response = responses[String(answer.statusCode)];
  if (!isObject(response)) {
    return [`status ${answer.statusCode} is not declared (declared: ${Object.keys(responses).join(', ')})`];
  }
  const errors: string[] = [];
  for (const [name, header] of entriesOf(response.headers)) {
    const value = answer.headers[name.toLowerCase()];
    if (value === undefined) {
      if (header.required === true) errors.push(`header ${name} is missing`);
    } else if (Array.isArray(value)) {
      errors.push(`header ${name} is sent ${value.length} times`);
    } else if (isObject(header.schema)) {
      errors.push(...validator.validate(header.schema, String(value)).map((error) => `header ${name}: ${error}`));
    }
  }
  if (response.content === undefined) {
    if (answer.body !== '') errors.push('a body where the response declares none');
    return errors;
  }
  const contentType = String(answer.headers['content-type'] ?? '');
  const mediaType = mediaTypeOf(contentType);
  const content = objectAt(response.content, 'content');
  const media = content[mediaType];
  if (!isObject(media)) {
    return [...errors, `content-type "${contentType}" is not declared (declared: ${Object.keys(content).join(', ')})`];
  }
  return [...errors, ...checkContent(media, mediaType, contentType)];
}

/** The error of a Content-Type header that names no UTF-8 charset, if it does not. */
export function charsetErrors(contentType: string): string[] {
  return /;\s*charset=utf-8/i.test(contentType) ? [] : [`content-type "${contentType}" gives no utf-8 charset`];
}

/** A JSON body read, or what is wrong with it. */
export function parseJsonBody(body: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(body) };
  } catch {
    return { error: `not JSON: ${JSON.stringify(body.slice(0, 80))}` };
  }
}

/** The schema the operation declares for a request body of `mediaType`, or undefined when it declares none. */
export function requestSchema(op: SpecOperation, mediaType: string): Schema | undefined {
  const content = objectAt(objectAt(op.operation.requestBody, 'requestBody').content, 'content');
  const media = content[mediaType];
  return isObject(media) ? objectAt(media.schema, 'schema') : undefined;
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
