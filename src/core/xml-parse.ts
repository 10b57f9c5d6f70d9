import { createRequire } from 'node:module';
import type { X2jOptions, XMLParser, XMLValidator } from 'fast-xml-parser';

/** One parsed XML element; children are always a list, even when there is one. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  /** The element's own text, trimmed; '' when it has none. */
  text: string;
  children: XmlElement[];
}

/** A body that is not well-formed XML, or that declares a DOCTYPE or entities. */
export class XmlSyntaxError extends Error {
  readonly code = 'XML_SYNTAX';
}

// A DOCTYPE is where entity expansion (billion laughs) and external entities (file reads) come
// from; no vendor document needs one, so any body that declares one is refused before parsing.
const DECLARATIONS = /<!(?:DOCTYPE|ENTITY)/i;

// Names that would reach Object.prototype if used as keys; fast-xml-parser refuses them outright,
// while a Rails app just ignores an element it has no column for. Renamed, no field matches them.
const PROTOTYPE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const safeName = (name: string) => (PROTOTYPE_NAMES.has(name) ? `#unsafe:${name}` : name);

const PARSER_OPTIONS: X2jOptions = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  // Only XML's five predefined entities, plus numeric references (&#233;), which XML requires
  // decoding; HTML names like &nbsp; stay as written. The parser takes a map of named entities
  // here (OrderedObjParser reads an object), though its typings only say boolean.
  htmlEntities: { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as unknown as boolean,
  transformTagName: safeName,
  transformAttributeName: safeName,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
};

interface LoadedXml {
  parser: XMLParser;
  validator: typeof XMLValidator;
}
let loaded: LoadedXml | undefined;

// fast-xml-parser is loaded on the first XML body rather than at start: most runs read few or
// none, and loading it costs a noticeable share of the process's cold start.
function xmlLibrary(): LoadedXml {
  if (!loaded) {
    const module = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
    loaded = { parser: new module.XMLParser(PARSER_OPTIONS), validator: module.XMLValidator };
  }
  return loaded;
}

type OrderedNode = Record<string, unknown>;

/** Parses a whole document and returns its root element; throws XmlSyntaxError when malformed. */
export function parseXmlDocument(xml: string): XmlElement {
  if (DECLARATIONS.test(xml)) throw new XmlSyntaxError('DOCTYPE and entity declarations are not accepted');
  const { parser, validator } = xmlLibrary();
  const valid = validator.validate(xml);
  if (valid !== true) throw new XmlSyntaxError(valid.err.msg);
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(xml) as OrderedNode[];
  } catch (error) {
    throw new XmlSyntaxError((error as Error).message);
  }
  // The validator lets anything through after a self-closed root (`<customer/>tail`), and the
  // parser drops it; XML allows only comments and processing instructions there.
  const afterRoot = endOfSelfClosedRoot(xml);
  if (afterRoot !== null && skipMisc(xml, afterRoot) !== xml.length) {
    throw new XmlSyntaxError('text after the root element');
  }
  const roots = nodes.map(toElement).filter((element): element is XmlElement => element !== null);
  const [root] = roots;
  if (!root || roots.length > 1) throw new XmlSyntaxError('a document has exactly one root element');
  return root;
}

function toElement(node: OrderedNode): XmlElement | null {
  const name = Object.keys(node).find((key) => key !== ':@' && key !== '#text');
  if (name === undefined) return null;
  const content = node[name] as OrderedNode[];
  const attributes = (node[':@'] as Record<string, string> | undefined) ?? {};
  let text = '';
  const children: XmlElement[] = [];
  for (const part of content) {
    if ('#text' in part) text += String(part['#text']);
    else {
      const child = toElement(part);
      if (child) children.push(child);
    }
  }
  return { name, attributes, text, children };
}

// Both scanners below are linear: no regex backtracking over a client's megabyte.

/** Where whitespace, comments and processing instructions starting at `from` end. */
function skipMisc(xml: string, from: number): number {
  let at = from;
  for (;;) {
    while (at < xml.length && /\s/.test(xml.charAt(at))) at += 1;
    const close = xml.startsWith('<!--', at) ? '-->' : xml.startsWith('<?', at) ? '?>' : null;
    if (close === null) return at;
    const end = xml.indexOf(close, at);
    if (end < 0) return at;
    at = end + close.length;
  }
}

/** The index just past the root element when its start tag closes itself (`<a/>`), else null. */
function endOfSelfClosedRoot(xml: string): number | null {
  let at = skipMisc(xml, 0);
  let quote = '';
  for (at += 1; at < xml.length; at += 1) {
    const c = xml.charAt(at);
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return xml.charAt(at - 1) === '/' ? at + 1 : null;
  }
  return null;
}
