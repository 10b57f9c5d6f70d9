import { describe, expect, it } from 'vitest';
import { parseXmlDocument, XmlSyntaxError } from '../../src/core/xml-parse.js';

describe('parseXmlDocument', () => {
  it('returns the root with its children in document order', () => {
    const root = parseXmlDocument(
      '<?xml version="1.0" encoding="UTF-8"?>\n<customer>\n  <name>John Smith</name>\n  <city>Makati</city>\n</customer>\n',
    );
    expect(root).toEqual({
      name: 'customer',
      attributes: {},
      text: '',
      children: [
        { name: 'name', attributes: {}, text: 'John Smith', children: [] },
        { name: 'city', attributes: {}, text: 'Makati', children: [] },
      ],
    });
  });

  it('keeps a single child in a list', () => {
    const root = parseXmlDocument('<customer><name>Only</name></customer>');
    expect(Array.isArray(root.children)).toBe(true);
    expect(root.children).toHaveLength(1);
    expect(root.children[0]?.text).toBe('Only');
  });

  it('keeps repeated children as separate elements', () => {
    const root = parseXmlDocument('<errors><error>One</error><error>Two</error></errors>');
    expect(root.children.map((child) => [child.name, child.text])).toEqual([
      ['error', 'One'],
      ['error', 'Two'],
    ]);
  });

  it('coerces no values: numbers, booleans and dates stay text', () => {
    const root = parseXmlDocument(
      '<customer><code>007</code><tin>1e3</tin><tax_exempt>true</tax_exempt><id>12</id><zipcode>0123</zipcode><birthdate>2011-04-01</birthdate></customer>',
    );
    expect(Object.fromEntries(root.children.map((child) => [child.name, child.text]))).toEqual({
      code: '007',
      tin: '1e3',
      tax_exempt: 'true',
      id: '12',
      zipcode: '0123',
      birthdate: '2011-04-01',
    });
  });

  it('keeps attributes as text', () => {
    const root = parseXmlDocument('<customer><id type="integer">12</id><email nil="true"></email></customer>');
    expect(root.children[0]?.attributes).toEqual({ type: 'integer' });
    expect(root.children[1]?.attributes).toEqual({ nil: 'true' });
    expect(root.children[1]?.text).toBe('');
  });

  it('gives empty and self-closed elements empty text', () => {
    const root = parseXmlDocument('<customer><remark/><city></city></customer>');
    expect(root.children.map((child) => child.text)).toEqual(['', '']);
  });

  it('decodes the predefined entities', () => {
    const root = parseXmlDocument('<name>Smith &amp; Sons &lt;Ltd&gt; &quot;quoted&quot; &apos;single&apos;</name>');
    expect(root.text).toBe('Smith & Sons <Ltd> "quoted" \'single\'');
  });

  it('does not decode twice', () => {
    expect(parseXmlDocument('<name>&amp;lt;</name>').text).toBe('&lt;');
  });

  // XML 1.0 requires character references to be replaced; Rails (REXML) does. Clients that
  // write non-ASCII as references (PHP's DOMDocument without an encoding) depend on it.
  it('decodes numeric character references', () => {
    expect(parseXmlDocument('<name>Caf&#233; &#x4E2D;&#38;</name>').text).toBe('Café 中&');
  });

  it('reads CDATA as text', () => {
    expect(parseXmlDocument('<remark><![CDATA[a < b & c]]></remark>').text).toBe('a < b & c');
  });

  it('keeps UTF-8 text as it is', () => {
    expect(parseXmlDocument('<name>José Rizal 中文</name>').text).toBe('José Rizal 中文');
  });

  it('trims the text around a value', () => {
    expect(parseXmlDocument('<name>\n  John Smith \n</name>').text).toBe('John Smith');
  });

  it('ignores comments and processing instructions', () => {
    const root = parseXmlDocument(
      '<?xml version="1.0"?><!-- a --><customer><?pi x?><!-- b --><name>N</name></customer>',
    );
    expect(root.name).toBe('customer');
    expect(root.children.map((child) => child.name)).toEqual(['name']);
  });

  it('keeps nested elements as children of children', () => {
    const root = parseXmlDocument('<customer><address><street>S</street></address></customer>');
    expect(root.children[0]?.children[0]).toEqual({ name: 'street', attributes: {}, text: 'S', children: [] });
  });

  const refused: [string, string][] = [
    ['a DOCTYPE', '<!DOCTYPE customer><customer><name>N</name></customer>'],
    ['an external entity', '<?xml version="1.0"?><!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><c>&xxe;</c>'],
    ['an internal entity', '<!DOCTYPE c [<!ENTITY e "expanded">]><c>&e;</c>'],
    ['a lower-case doctype', '<!doctype c><c/>'],
    ['an ENTITY without a DOCTYPE', '<c><!ENTITY e "x"></c>'],
    ['two roots', '<customer><name>A</name></customer><customer><name>B</name></customer>'],
    ['two self-closed roots', '<a/><b/>'],
    ['no root at all', ''],
    ['only a declaration', '<?xml version="1.0"?>'],
    ['plain text', 'hello'],
    ['an unclosed element', '<customer><name>N</name>'],
    ['mismatched tags', '<customer><name>N</nam></customer>'],
    ['text after the root', '<customer></customer>tail'],
    ['text after a self-closed root', '<customer/>tail'],
    ['a bare ampersand', '<name>A & B</name>'],
    ['a duplicate attribute', '<name a="1" a="2">N</name>'],
    ['an unquoted attribute', '<name a=1>N</name>'],
  ];

  it.each(refused)('refuses %s with XmlSyntaxError', (_label, xml) => {
    expect(() => parseXmlDocument(xml)).toThrow(XmlSyntaxError);
  });

  it('refuses a billion-laughs body before expanding anything', () => {
    const lol = [
      '<!DOCTYPE lolz [',
      '<!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
      ']>',
      '<lolz>&lol9;</lolz>',
    ].join('\n');
    const started = performance.now();
    expect(() => parseXmlDocument(lol)).toThrow(XmlSyntaxError);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
