import { XMLParser, XMLValidator } from 'fast-xml-parser';

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

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
});

type OrderedNode = Record<string, unknown>;

/** Parses a whole document and returns its root element; throws XmlSyntaxError when malformed. */
export function parseXmlDocument(xml: string): XmlElement {
  if (DECLARATIONS.test(xml)) throw new XmlSyntaxError('DOCTYPE and entity declarations are not accepted');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new XmlSyntaxError(valid.err.msg);
  const nodes = parser.parse(xml) as OrderedNode[];
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
