import type { FastifyInstance } from 'fastify';
import { decodeUtf8 } from '../../core/text.js';
import { parseXmlDocument } from '../../core/xml-parse.js';
import { paramsFromJson, paramsFromXml, type RequestParams } from './fields.js';

const READ_MEDIA_TYPES = new Set(['application/xml', 'text/xml', 'application/json']);

/**
 * The media type a body is parsed as. Rails reads XML and JSON and leaves any other body unread,
 * however odd its Content-Type; everything else becomes octet-stream so that even a header no
 * parser understands (`foo`, `;;;`) reaches the route as "no params" rather than an error.
 */
function bodyMediaType(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const mediaType = (header.split(';', 1)[0] ?? '').trim().toLowerCase();
  return READ_MEDIA_TYPES.has(mediaType) ? mediaType : 'application/octet-stream';
}

/**
 * Reads a body into params; Rails takes a blank body as no params at all, not as malformed. The
 * bytes are decoded strictly: a body that is not UTF-8 is malformed, not silently repaired.
 */
function paramsParser(toParams: (text: string) => RequestParams) {
  return (_request: unknown, body: Buffer, done: (error: Error | null, params?: RequestParams) => void) => {
    let params: RequestParams;
    try {
      const text = decodeUtf8(body);
      params = text.trim() === '' ? new Map() : toParams(text);
    } catch (error) {
      // Malformed XML or JSON, or bytes that are not UTF-8: the error handler answers the documented 500.
      return done(error as Error);
    }
    done(null, params);
  };
}

/** Imonggo's body handling: XML and JSON become params, any other body is left unread. */
export function registerBodyParsers(app: FastifyInstance, bodyLimit: number): void {
  app.addHook('onRequest', async (request) => {
    request.headers['content-type'] = bodyMediaType(request.headers['content-type']);
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/xml', 'text/xml'],
    { parseAs: 'buffer', bodyLimit },
    paramsParser((text) => paramsFromXml(parseXmlDocument(text))),
  );
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit },
    paramsParser((text) => paramsFromJson(JSON.parse(text))),
  );
  // Still read up to the limit (a larger body is a 413 whatever its type), then dropped.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, _body, done) => done(null, new Map()));
}
