import { parseXmlDocument, type XmlElement } from '../../src/core/xml-parse.js';

/** A record element's fields as name → text (null for nil="true"). */
export function fieldsOf(element: XmlElement): Record<string, string | null> {
  return Object.fromEntries(
    element.children.map((child) => [child.name, child.attributes.nil === 'true' ? null : child.text]),
  );
}

/** The records of a list answer (`<customers type="array">…`), each as name → text. */
export function listOf(xml: string): Record<string, string | null>[] {
  return parseXmlDocument(xml).children.map(fieldsOf);
}

/** The text of the single value a `<hash>` answer carries (count, last-updated-at, id). */
export function hashValue(xml: string, name: string): string | null {
  const child = parseXmlDocument(xml).children.find((element) => element.name === name);
  if (!child) throw new Error(`no <${name}> in ${xml}`);
  return child.attributes.nil === 'true' ? null : child.text;
}
