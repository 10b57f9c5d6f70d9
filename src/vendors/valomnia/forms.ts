import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isClientDisconnect } from '../../core/client-errors.js';
import { reasonPhrase } from '../../core/error-envelopes.js';
import { imageTooLarge, ValomniaError } from './errors.js';
import { MAX_IMAGE_BYTES } from './images.js';

/** Name and value pairs as a request sent them, in order, repeats included. */
export type Entries = [string, string][];

/** An uploaded file as received: its bytes (at most MAX_IMAGE_BYTES) and the name the client gave. */
export interface Upload {
  bytes: Buffer;
  fileName: string;
}

/** What a write (or a login) sent: the query string's parameters, then the body's, and the image. */
export interface RequestInput {
  query: Entries;
  body: Entries;
  image: Upload | null;
}

const FORM = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data';
/** The multipart field the vendor reads an image from. */
export const IMAGE_FIELD = 'imageFile';

// A customer has about 45 parameters: 100 parts is room for all of them twice, and far too few
// for a body to cost anything to walk. Past any limit, the request is refused with 413.
const MULTIPART_LIMITS = {
  parts: 100,
  fields: 100,
  files: 5,
  fieldNameSize: 200,
  // Longer than any column (255): such a value is refused as save_failed, never stored.
  fieldSize: 64 * 1024,
  fileSize: MAX_IMAGE_BYTES,
};

/**
 * Valomnia's bodies: url-encoded and multipart forms. Any other body (JSON included: the API
 * takes forms only) is drained unread, so the request has only its query parameters.
 */
export async function registerFormParsers(app: FastifyInstance, bodyLimit: number): Promise<void> {
  app.addHook('onRequest', async (request) => {
    const type = request.headers['content-type'];
    if (type === undefined) return;
    const media = (type.split(';', 1)[0] ?? '').trim().toLowerCase();
    if (media !== FORM && media !== MULTIPART) request.headers['content-type'] = 'application/octet-stream';
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit }, (_request, text, done) => {
    done(null, entriesOf(String(text)));
  });
  // Read up to the limit (a larger body is a 413 whatever its type), then dropped.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, _body, done) => done(null, []));
  await app.register(multipart, { limits: MULTIPART_LIMITS, throwFileSizeLimit: true });
}

/** A query string or url-encoded body as ordered entries ("+" is a space, as forms encode it). */
export function entriesOf(text: string): Entries {
  return [...new URLSearchParams(text)];
}

/** The query string of a request URL, undecoded. */
export function rawQueryOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at + 1);
}

/**
 * Reads a request's parameters and its image. A multipart body is read here, as it streams: an
 * image past MAX_IMAGE_BYTES is refused the moment the limit is passed (exceeded_file_size), so
 * no more than the limit is ever held; other files are drained unread.
 */
export async function readInput(request: FastifyRequest): Promise<RequestInput> {
  const query = entriesOf(rawQueryOf(request.url));
  if (!request.isMultipart()) {
    return { query, body: Array.isArray(request.body) ? (request.body as Entries) : [], image: null };
  }
  // busboy would read a body under an empty boundary as a form of no parts, not as the broken
  // body it is.
  if (!/;\s*boundary=("[^"]+"|[^;\s]+)/i.test(request.headers['content-type'] ?? '')) throw malformedBody();
  const body: Entries = [];
  let image: Upload | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        body.push([part.fieldname, String(part.value)]);
        continue;
      }
      if (part.fieldname !== IMAGE_FIELD || image !== null) {
        part.file.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) {
        if (part.file.truncated) throw imageTooLarge();
        chunks.push(chunk as Buffer);
      }
      if (part.file.truncated) throw imageTooLarge();
      image = { bytes: Buffer.concat(chunks), fileName: part.filename };
    }
  } catch (error) {
    throw asRequestError(error);
  }
  return { query, body, image };
}

/** A multipart body the parser cannot read: the HTTP layer's 400. */
function malformedBody(): ValomniaError {
  return new ValomniaError(400, 'bad_request', reasonPhrase(400));
}

/**
 * What a failure while reading a multipart body answers: the vendor's own refusals and the
 * parser's limits (413) as they are, a client that hung up as a disconnect, and anything else
 * busboy raises (no boundary, a body cut short, garbage) as the malformed body it is.
 */
function asRequestError(error: unknown): unknown {
  if (error instanceof ValomniaError || isClientDisconnect(error)) return error;
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status === 413) return error;
  return malformedBody();
}
