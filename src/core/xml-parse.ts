import { createRequire } from 'node:module';
import type { X2jOptions, XMLParser } from 'fast-xml-parser';
import type { SaxesParser } from 'saxes';

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

/** How deep elements may nest, the root being 1: Rails' XmlMini refuses a deeper document. */
export const MAX_XML_DEPTH = 100;

// Well-formedness is checked by saxes, a conformant XML 1.0 + Namespaces parser, before the tree
// is built: fast-xml-parser's own validator lets through undeclared entities, "--" in comments,
// "<" in attribute values, misplaced XML declarations, characters XML forbids and undeclared
// prefixes. XML 1.0's rules apply whatever version a declaration names, as the vendor reads 1.0.
const CHECK_OPTIONS = { xmlns: true, position: false, defaultXMLVersion: '1.0', forceXMLVersion: true } as const;
type Checker = SaxesParser<typeof CHECK_OPTIONS>;

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
  // decoding; the check has refused any other name (&nbsp;). The parser takes a map of named
  // entities here (OrderedObjParser reads an object), though its typings only say boolean.
  htmlEntities: { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as unknown as boolean,
  transformTagName: safeName,
  transformAttributeName: safeName,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
};

interface LoadedXml {
  parser: XMLParser;
  newChecker: () => Checker;
}
let loaded: LoadedXml | undefined;

// fast-xml-parser and saxes are loaded on the first XML body rather than at start: most runs read
// few or none, and loading them costs a noticeable share of the process's cold start.
function xmlLibrary(): LoadedXml {
  if (!loaded) {
    const load = createRequire(import.meta.url);
    const fxp = load('fast-xml-parser') as typeof import('fast-xml-parser');
    const saxes = load('saxes') as typeof import('saxes');
    loaded = { parser: new fxp.XMLParser(PARSER_OPTIONS), newChecker: () => newChecker(saxes.SaxesParser) };
  }
  return loaded;
}

// The check keeps one parser between bodies (saxes resets itself after a clean close); one that
// failed mid-document is dropped. Parsing is synchronous, so bodies never share it at once.
let idleChecker: Checker | undefined;
let depth = 0;

function newChecker(Parser: typeof SaxesParser): Checker {
  const checker = new Parser(CHECK_OPTIONS);
  // A DOCTYPE is where entity expansion (billion laughs) and external entities (file reads) come
  // from; no vendor document needs one. saxes reads its text without expanding or fetching
  // anything and reports it here, before any reference to its entities is read.
  checker.on('doctype', () => {
    throw new XmlSyntaxError('DOCTYPE and entity declarations are not accepted');
  });
  // Counted as each start tag opens, before saxes resolves its prefixes: that walks up the open
  // elements, so an unbounded depth would make a megabyte of nesting take minutes.
  checker.on('opentagstart', () => {
    depth += 1;
    if (depth > MAX_XML_DEPTH) throw new XmlSyntaxError(`elements nest deeper than ${MAX_XML_DEPTH}`);
  });
  checker.on('closetag', () => {
    depth -= 1;
  });
  return checker;
}

/** Throws XmlSyntaxError unless `xml` is a well-formed XML 1.0 document, namespaces included. */
function checkWellFormed(xml: string, library: LoadedXml): void {
  const checker = idleChecker ?? library.newChecker();
  idleChecker = undefined;
  depth = 0;
  try {
    checker.write(xml).close();
  } catch (error) {
    throw error instanceof XmlSyntaxError ? error : new XmlSyntaxError((error as Error).message);
  }
  idleChecker = checker;
}

type OrderedNode = Record<string, unknown>;

/** Parses a whole document and returns its root element; throws XmlSyntaxError when malformed. */
export function parseXmlDocument(xml: string): XmlElement {
  const library = xmlLibrary();
  checkWellFormed(xml, library);
  let nodes: OrderedNode[];
  try {
    nodes = library.parser.parse(xml) as OrderedNode[];
  } catch (error) {
    throw new XmlSyntaxError((error as Error).message);
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
