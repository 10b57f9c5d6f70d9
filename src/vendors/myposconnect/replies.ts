import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { logRequestError } from '../../core/client-errors.js';
import { type ErrorAnswer, reasonPhrase, sendErrorAnswer } from '../../core/error-envelopes.js';
import { CapacityError } from '../../core/limits.js';
import {
  DENIED_TEXT,
  INVALID_REQUEST_TEXT,
  MyposError,
  MyposFrameworkError,
  noResourceText,
  SERVER_ERROR_TEXT,
  TOO_LARGE_TEXT,
} from './errors.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

/** An answer with ASP.NET's `{"Message": …}` body. */
export function messageAnswer(statusCode: number, message: string): ErrorAnswer {
  return { statusCode, contentType: JSON_TYPE, body: JSON.stringify({ Message: message }) };
}

/**
 * MYPOS's envelope for a bare status on its paths, routed or not: ASP.NET's texts where it has
 * one (400, 401, 404, 500), IIS-style sentences for what only the HTTP layer raises.
 */
export function myposEnvelope(statusCode: number, path: string, url?: string): ErrorAnswer {
  switch (statusCode) {
    case 400:
      return messageAnswer(400, INVALID_REQUEST_TEXT);
    case 401:
      return messageAnswer(401, DENIED_TEXT);
    case 404:
      // ASP.NET names the absolute URI called, query included, where it is known.
      return messageAnswer(404, noResourceText(url !== undefined && /^https?:\/\//i.test(url) ? url : path));
    case 413:
      return messageAnswer(413, TOO_LARGE_TEXT);
    case 500:
      return messageAnswer(500, SERVER_ERROR_TEXT);
    default:
      return messageAnswer(statusCode, `${reasonPhrase(statusCode)}.`);
  }
}

/** `{"failureDescription": …}` with a status. */
export function sendFailure(reply: FastifyReply, statusCode: number, failureDescription: string): FastifyReply {
  return reply.code(statusCode).type(JSON_TYPE).send(JSON.stringify({ failureDescription }));
}

/** The URI the client called, absolute, as ASP.NET's 404 names it. */
export function requestUri(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}${request.url}`;
}

/** MYPOS's error handler: API refusals as failureDescription, the framework's as Message. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof MyposError) return sendFailure(reply, error.statusCode, error.failureDescription);
  if (error instanceof MyposFrameworkError)
    return sendErrorAnswer(reply, messageAnswer(error.statusCode, error.message));
  if (error instanceof CapacityError) return sendErrorAnswer(reply, myposEnvelope(503, request.url));
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendErrorAnswer(reply, myposEnvelope(413, request.url));
  // A client that hung up is logged at debug and answered nowhere; anything unexpected is a 500.
  return sendErrorAnswer(reply, myposEnvelope(Math.min(logRequestError(request, error), 500), request.url));
}
