import { describe, expect, it } from 'vitest';
import {
  isClientDisconnect,
  rawHttpResponse,
  requestTargetOf,
  statusOfClientError,
} from '../../src/core/client-errors.js';
import {
  type ErrorEnvelope,
  ErrorEnvelopes,
  pathOfUrl,
  reasonPhrase,
  sandboxEnvelope,
} from '../../src/core/error-envelopes.js';

/** An envelope that says which vendor answered, for telling table entries apart. */
function named(name: string): ErrorEnvelope {
  return (statusCode, path) => ({ statusCode, contentType: 'text/plain', body: `${name} ${statusCode} ${path}` });
}

describe('ErrorEnvelopes: path prefix to envelope', () => {
  const table = new ErrorEnvelopes();
  table.register('/api/', named('imonggo'));
  table.register('/api/v1.0', named('valomnia'));
  table.register('/api/v1/', named('valomnia-v1'));
  table.register('/api/v2', named('mypos'));
  table.register('/j_spring_security_check', named('valomnia-login'));
  table.register('/__admin/', named('admin'));

  it.each([
    ['/api/customers.xml', 'imonggo'],
    ['/api', 'imonggo'],
    ['/api/', 'imonggo'],
    ['/api/v1.0/customers', 'valomnia'],
    ['/api/v1.0', 'valomnia'],
    ['/api/v1/orders', 'valomnia-v1'],
    ['/api/v1.5/orders', 'imonggo'],
    ['/api/v10/orders', 'imonggo'],
    ['/api/v2/products', 'mypos'],
    ['/api/v2', 'mypos'],
    ['/j_spring_security_check', 'valomnia-login'],
    ['/__admin/tenants', 'admin'],
    ['/__admin', 'admin'],
  ])('%s answers in the %s envelope (longest prefix wins, on a segment boundary)', (path, name) => {
    expect(table.envelopeFor(path)(400, path).body).toBe(`${name} 400 ${path}`);
  });

  it.each(['/', '/apix', '/apiary/x', '/__admins', '/docs', '/j_spring_security_check2', ''])(
    "%j is nobody's: the sandbox's own envelope",
    (path) => {
      expect(table.envelopeFor(path)).toBe(sandboxEnvelope);
    },
  );

  it('answer() reads the path out of a URL: query, fragment and absolute form', () => {
    expect(table.answer(404, '/api/customers.json?x=/__admin/').body).toBe('imonggo 404 /api/customers.json');
    expect(table.answer(404, 'http://example.com/__admin/health#x').body).toBe('admin 404 /__admin/health');
    expect(table.answer(404, '*').body).toBe(sandboxEnvelope(404, '*').body);
  });

  it('refuses a prefix taken by another envelope, and a prefix that is not a path', () => {
    const own = new ErrorEnvelopes();
    own.register('/api', named('one'));
    expect(() => own.register('/api/', named('two'))).toThrow(/already/);
    expect(() => own.register('api', named('three'))).toThrow();
    expect(() => own.register('/', named('root'))).toThrow();
  });

  it("a table of its own starts empty: every path is the sandbox's", () => {
    expect(new ErrorEnvelopes().envelopeFor('/api/customers.xml')).toBe(sandboxEnvelope);
  });
});

describe('pathOfUrl', () => {
  it.each([
    ['/api/customers.xml?page=2', '/api/customers.xml'],
    ['/a#b?c', '/a'],
    ['http://host:3000/api/x?y', '/api/x'],
    ['HTTPS://host', '/'],
    ['/', '/'],
  ])('%s → %s', (url, path) => {
    expect(pathOfUrl(url)).toBe(path);
  });
});

describe("the sandbox's own envelope", () => {
  it('is JSON {error, message}, as the control API answers', () => {
    expect(sandboxEnvelope(404, '/nowhere')).toEqual({
      statusCode: 404,
      contentType: 'application/json; charset=utf-8',
      body: '{"error":"not_found","message":"Not Found"}',
    });
    expect(JSON.parse(sandboxEnvelope(400, '/').body)).toEqual({ error: 'bad_request', message: 'Bad Request' });
    expect(JSON.parse(sandboxEnvelope(408, '/').body)).toEqual({
      error: 'request_timeout',
      message: 'Request Timeout',
    });
    expect(JSON.parse(sandboxEnvelope(431, '/').body)).toEqual({
      error: 'request_header_fields_too_large',
      message: 'Request Header Fields Too Large',
    });
    expect(JSON.parse(sandboxEnvelope(500, '/').body)).toEqual({
      error: 'server_error',
      message: 'Internal Server Error',
    });
    expect(JSON.parse(sandboxEnvelope(599, '/').body)).toEqual({ error: 'error', message: 'Error' });
  });

  it('reasonPhrase is the HTTP one', () => {
    expect(reasonPhrase(413)).toBe('Payload Too Large');
    expect(reasonPhrase(299)).toBe('Error');
  });
});

describe('requestTargetOf: the request line at the start of a raw packet', () => {
  const packet = (text: string) => Buffer.from(text, 'latin1');

  it.each([
    ['FOO /api/customers.xml HTTP/1.1\r\nHost: x\r\n\r\n', 'FOO', '/api/customers.xml'],
    ['get /api/customers.json?x=1 HTTP/1.1\r\n', 'get', '/api/customers.json'],
    ['\r\nGET /__admin/health HTTP/1.1\r\n', 'GET', '/__admin/health'],
    ['GET /api/cust\u00ffomers.xml HTTP/1.1\r\n', 'GET', '/api/cust\u00ffomers.xml'],
    ['GET http://host/api/customers.xml HTTP/1.1\r\n', 'GET', '/api/customers.xml'],
    // A line cut short by the packet's end still names its path.
    [`GET /api/${'9'.repeat(70_000)}`, 'GET', `/api/${'9'.repeat(70_000)}`],
  ])('%j', (text, method, path) => {
    expect(requestTargetOf(packet(text))).toEqual({ method, path });
  });

  it.each([
    'Host: x\r\nX-Big: aaaa',
    'Referer: /api/customers.xml\r\n',
    'zz\r\nabc\r\n0\r\n\r\n',
    '',
    'GET\r\n',
    'GET * HTTP/1.1\r\n',
  ])('%j has no request line', (text) => {
    expect(requestTargetOf(packet(text))).toBeNull();
  });

  it('takes only buffers', () => {
    expect(requestTargetOf(undefined)).toBeNull();
    expect(requestTargetOf({ type: 'Buffer', data: [] })).toBeNull();
  });
});

describe('statusOfClientError', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413],
    ['HPE_INVALID_METHOD', 400],
    ['HPE_INVALID_CHUNK_SIZE', 400],
    ['HPE_UNEXPECTED_CONTENT_LENGTH', 400],
    [undefined, 400],
  ])('%s → %i', (code, status) => {
    expect(statusOfClientError(Object.assign(new Error('x'), { code }))).toBe(status);
  });
});

describe('rawHttpResponse', () => {
  const answer = { statusCode: 404, contentType: 'application/xml; charset=utf-8', body: '<hash>é</hash>\n' };

  it('writes a whole response that closes the connection', () => {
    expect(rawHttpResponse(answer).toString()).toBe(
      'HTTP/1.1 404 Not Found\r\nContent-Type: application/xml; charset=utf-8\r\nContent-Length: 16\r\nConnection: close\r\n\r\n<hash>é</hash>\n',
    );
  });

  it("adds the envelope's headers and leaves the body out for HEAD", () => {
    const text = rawHttpResponse({ ...answer, headers: { 'WWW-Authenticate': 'Basic realm="x"' } }, true).toString();
    expect(text).toBe(
      'HTTP/1.1 404 Not Found\r\nContent-Type: application/xml; charset=utf-8\r\nContent-Length: 16\r\nWWW-Authenticate: Basic realm="x"\r\nConnection: close\r\n\r\n',
    );
  });
});

describe('isClientDisconnect', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it.each([
    ['ECONNRESET', withCode('ECONNRESET', 'aborted')],
    ['EPIPE', withCode('EPIPE')],
    ['ECONNABORTED', withCode('ECONNABORTED')],
    ['premature close', withCode('ERR_STREAM_PREMATURE_CLOSE')],
    ['EOF mid-request', withCode('HPE_INVALID_EOF_STATE')],
    ['an aborted request', new Error('aborted')],
  ])('%s is a disconnect', (_label, error) => {
    expect(isClientDisconnect(error)).toBe(true);
  });

  it.each([
    ['a parse error', withCode('HPE_INVALID_METHOD')],
    ['a plain error', new Error('boom')],
    ['a string', 'aborted'],
    ['nothing', undefined],
  ])('%s is not', (_label, error) => {
    expect(isClientDisconnect(error)).toBe(false);
  });
});
