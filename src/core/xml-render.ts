/**
 * Helpers for writing XML by hand. Hot paths build their documents with these instead of a
 * generic builder: string concatenation is several times faster, and golden files pin the output.
 */

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

// Rails' Builder escapes only these three in element text; quotes go out as they are.
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
// Characters XML 1.0 cannot carry at all; Ruby's Builder writes them as '*', and so do we.
const FORBIDDEN_CLASS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF';
const FORBIDDEN = new RegExp(`[${FORBIDDEN_CLASS}]`, 'g');
const NEEDS_ESCAPE = new RegExp(`[&<>${FORBIDDEN_CLASS}]`);

/** Escapes text for element content. */
export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(FORBIDDEN, '*').replace(/[&<>]/g, (c) => ESCAPES[c] ?? c);
}

/** `<name>value</name>`, or `<name nil="true"></name>` for null, as Rails writes them. */
export function textElement(name: string, value: string | null, indent: string): string {
  return value === null
    ? `${indent}<${name} nil="true"></${name}>\n`
    : `${indent}<${name}>${escapeXml(value)}</${name}>\n`;
}

/** `<name type="integer">n</name>`. */
export function integerElement(name: string, value: number, indent: string): string {
  return `${indent}<${name} type="integer">${value}</${name}>\n`;
}

/** A one-level `<root>…</root>` document from already rendered child lines. */
export function xmlDocument(root: string, body: string): string {
  return `${XML_DECLARATION}<${root}>\n${body}</${root}>\n`;
}
