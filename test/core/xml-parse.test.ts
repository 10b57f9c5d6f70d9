import { describe, expect, it } from 'vitest';
import { MAX_XML_DEPTH, parseXmlDocument, XmlSyntaxError } from '../../src/core/xml-parse.js';

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

  // Well-formed documents that only look like declarations, or that use what XML allows.
  it('reads a CDATA section that contains <!DOCTYPE and <!ENTITY as text', () => {
    const text = '<!DOCTYPE c [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;';
    expect(parseXmlDocument(`<remark><![CDATA[${text}]]></remark>`).text).toBe(text);
  });

  it('ignores comments and processing instructions that contain <!DOCTYPE and <!ENTITY', () => {
    const root = parseXmlDocument(
      '<!-- <!DOCTYPE c> --><?pi <!ENTITY e "x">?><c><!-- <!ENTITY e "x"> --><name>N</name></c><!-- <!DOCTYPE -->',
    );
    expect(root.children.map((child) => [child.name, child.text])).toEqual([['name', 'N']]);
  });

  it('accepts a byte-order mark before the XML declaration', () => {
    expect(parseXmlDocument('\uFEFF<?xml version="1.0" encoding="UTF-8" standalone="yes"?><c>x</c>').text).toBe('x');
  });

  it('accepts declared namespace prefixes and keeps names as written', () => {
    const root = parseXmlDocument('<a:c xmlns:a="urn:x" xmlns="urn:y"><a:name a:type="t">N</a:name></a:c>');
    expect(root.name).toBe('a:c');
    expect(root.children[0]).toEqual({ name: 'a:name', attributes: { 'a:type': 't' }, text: 'N', children: [] });
  });

  it('accepts ">" in attribute values and text, and "]" in text', () => {
    const root = parseXmlDocument('<c a=">" b=\'"/>\'><name>a > b ] c</name></c>');
    expect(root.attributes).toEqual({ a: '>', b: '"/>' });
    expect(root.children[0]?.text).toBe('a > b ] c');
  });

  it('reads the same document twice, after a refused one', () => {
    expect(parseXmlDocument('<c><name>One</name></c>').children[0]?.text).toBe('One');
    expect(() => parseXmlDocument('<c><name>Broken</c>')).toThrow(XmlSyntaxError);
    expect(parseXmlDocument('<c><name>Two</name></c>').children[0]?.text).toBe('Two');
  });

  it(`reads elements nested ${MAX_XML_DEPTH} deep, the root counted`, () => {
    const xml = `${'<a>'.repeat(MAX_XML_DEPTH - 1)}<b/>${'</a>'.repeat(MAX_XML_DEPTH - 1)}`;
    expect(parseXmlDocument(xml).name).toBe('a');
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
    ['an undeclared entity', '<name>Non&nbsp;Breaking</name>'],
    ['an HTML entity with a number-like name', '<name>&eacute;</name>'],
    ['"--" inside a comment', '<c><!-- a -- b --></c>'],
    ['a comment ending in "--->"', '<c><!-- a ---></c>'],
    ['"<" in an attribute value', '<c a="<"/>'],
    ['"]]>" in text', '<c>a ]]> b</c>'],
    ['an XML declaration after the root', '<c/><?xml version="1.0"?>'],
    ['an XML declaration inside the root', '<c><?xml version="1.0"?></c>'],
    ['an XML declaration after whitespace', ' <?xml version="1.0"?><c/>'],
    ['an upper-case XML declaration', '<?XML version="1.0"?><c/>'],
    ['an XML declaration without a version', '<?xml encoding="UTF-8"?><c/>'],
    ['version 2.0', '<?xml version="2.0"?><c/>'],
    ['a raw NUL', '<c>a\u0000b</c>'],
    ['a raw control character', '<c>a\u0001b</c>'],
    ['a raw U+FFFE', '<c>\uFFFE</c>'],
    ['a raw NUL in an attribute', '<c a="\u0000"/>'],
    ['a NUL reference', '<c>&#0;</c>'],
    ['a control character reference', '<c>&#x1;</c>'],
    ['a control character reference in an attribute', '<c a="&#1;"/>'],
    ['a surrogate reference', '<c>&#xD800;</c>'],
    ['a U+FFFF reference', '<c>&#xFFFF;</c>'],
    ['a reference past U+10FFFF', '<c>&#x110000;</c>'],
    ['control characters under an XML 1.1 declaration', '<?xml version="1.1"?><c>&#x1;</c>'],
    ['an undeclared prefix on the root', '<a:c/>'],
    ['an undeclared prefix on a child', '<c><a:name>N</a:name></c>'],
    ['an undeclared prefix on an attribute', '<c a:b="1"/>'],
    ['the same attribute under two prefixes of one namespace', '<c xmlns:a="u" xmlns:b="u" a:x="1" b:x="2"/>'],
    ['a DOCTYPE after a comment that mentions one', '<!-- <!DOCTYPE --><!DOCTYPE c [<!ENTITY e "x">]><c>&e;</c>'],
    ['a DOCTYPE whose entity holds "]>"', '<!DOCTYPE c [<!ENTITY e "]>x">]><c>&e;</c>'],
    [`elements nested ${MAX_XML_DEPTH + 1} deep`, `${'<a>'.repeat(MAX_XML_DEPTH)}<b/>${'</a>'.repeat(MAX_XML_DEPTH)}`],
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

  // Every step is linear: a megabyte of the worst shapes takes about a second at most, where a
  // quadratic step (saxes resolving prefixes up an unbounded nesting) would take minutes.
  const megabyte: [string, string][] = [
    ['nesting', `${'<a>'.repeat(150_000)}${'</a>'.repeat(150_000)}`],
    ['prefixed nesting', `<p:a xmlns:p="u">${'<p:a>'.repeat(90_000)}${'</p:a>'.repeat(90_000)}</p:a>`],
    ['siblings', `<c>${'<a x="1"/>'.repeat(100_000)}</c>`],
    ['attributes', `<c ${Array.from({ length: 100_000 }, (_, i) => `a${i}="1"`).join(' ')}/>`],
    ['entity references', `<c>${'&amp;&#233;'.repeat(90_000)}</c>`],
    ['one comment', `<c><!--${'-x'.repeat(500_000)}--></c>`],
    ['one text', `<c>${'x'.repeat(1_000_000)}</c>`],
  ];

  it.each(megabyte)('handles a megabyte of %s in linear time', (_label, xml) => {
    expect(xml.length).toBeGreaterThan(900_000);
    const started = performance.now();
    try {
      parseXmlDocument(xml);
    } catch (error) {
      expect(error).toBeInstanceOf(XmlSyntaxError);
    }
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
