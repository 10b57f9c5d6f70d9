import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isClientDisconnect, logRequestError } from '../../core/client-errors.js';
import { type ErrorAnswer, pathOfUrl, sendErrorAnswer } from '../../core/error-envelopes.js';
import { CapacityError } from '../../core/limits.js';
import { sendParts, TextParts } from '../../core/text-parts.js';
import { XmlSyntaxError } from '../../core/xml-parse.js';
import { ACCESS_DENIED_BODY, AUTH_REALM, ImonggoHttpError, ImonggoValidationError } from './errors.js';
import { CONTENT_TYPE, type Format, renderStatusError, renderValidationErrors } from './render.js';

/** A 200 with a rendered body (a page as its parts). */
export function send(reply: FastifyReply, format: Format, body: string | Buffer | TextParts): FastifyReply {
  reply.code(200).type(CONTENT_TYPE[format]);
  return body instanceof TextParts ? sendParts(reply, body) : reply.send(body);
}

/**
 * Imonggo's envelope for a status: Rails' `<hash><status/><error/></hash>`, or its JSON form when
 * the path ends in .json. The app answers in it on every path Imonggo owns, routed or not.
 */
export function imonggoEnvelope(statusCode: number, path: string): ErrorAnswer {
  // A 401 is Rails' HTTP Basic refusal, never the `<hash>` (a fault rule's 401 answers it too).
  if (statusCode === 401) {
    return {
      statusCode,
      contentType: 'text/html; charset=utf-8',
      body: ACCESS_DENIED_BODY,
      headers: { 'www-authenticate': `Basic realm="${AUTH_REALM}"` },
    };
  }
  const format = formatOfUrl(path);
  return { statusCode, contentType: CONTENT_TYPE[format], body: renderStatusError(statusCode, format) };
}

/** Answers with a status in Imonggo's envelope, in the format the URL asks for. */
export function sendStatusError(request: FastifyRequest, reply: FastifyReply, statusCode: number): FastifyReply {
  return sendErrorAnswer(reply, imonggoEnvelope(statusCode, request.url));
}

/** Imonggo's error handler: every failure on its paths answers in its own envelope. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ImonggoValidationError) {
    const format = formatOfUrl(request.url);
    return reply.code(422).type(CONTENT_TYPE[format]).send(renderValidationErrors(error.messages, format));
  }
  if (error instanceof ImonggoHttpError) return sendStatusError(request, reply, error.statusCode);
  // The sandbox is full (tenants, or records in this tenant): Rails' answer to an unavailable app.
  if (error instanceof CapacityError) return sendStatusError(request, reply, 503);
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendStatusError(request, reply, 413);
  // A client that hung up mid-request is no fault of the server: logged at debug, answered nowhere.
  if (isClientDisconnect(error)) return sendStatusError(request, reply, logRequestError(request, error));
  // Malformed XML (and JSON) is documented as a 500; anything unexpected is one too, and logged.
  if (!(error instanceof XmlSyntaxError || error instanceof SyntaxError)) request.log.error(error);
  return sendStatusError(request, reply, 500);
}

/** The format a URL asks for by its extension; XML, the documented one, otherwise. */
function formatOfUrl(url: string): Format {
  return pathOfUrl(url).endsWith('.json') ? 'json' : 'xml';
}
