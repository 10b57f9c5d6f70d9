import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isClientDisconnect, logRequestError } from '../../core/client-errors.js';
import { type ErrorAnswer, errorCode, reasonPhrase, sendErrorAnswer } from '../../core/error-envelopes.js';
import { CapacityError } from '../../core/limits.js';
import { SERVER_ERROR_TEXT, UNAUTHORIZED_TEXT, UNKNOWN_PATH_TEXT, ValomniaError } from './errors.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

/** What a status answers on Valomnia's paths when no route says more. */
const STATUS_TEXT: Readonly<Record<number, { error: string; description: string }>> = {
  401: { error: 'unauthorized', description: UNAUTHORIZED_TEXT },
  404: { error: 'not_found', description: UNKNOWN_PATH_TEXT },
  500: { error: 'server_error', description: SERVER_ERROR_TEXT },
};

/** An error body: `{"error": "<code>", "error_description": "<text>"}`. */
export function errorBody(error: string, description: string): string {
  return JSON.stringify({ error, error_description: description });
}

/**
 * Valomnia's envelope for a bare status, on every path it owns, routed or not: its own texts
 * for 401, 404 and 500; for the statuses only the HTTP layer raises (400 before routing, 408,
 * 413, 431, 503) the reason phrase, in snake case as the code.
 */
export function valomniaEnvelope(statusCode: number): ErrorAnswer {
  const known = STATUS_TEXT[statusCode] ?? { error: errorCode(statusCode), description: reasonPhrase(statusCode) };
  return { statusCode, contentType: JSON_TYPE, body: errorBody(known.error, known.description) };
}

/** Answers a thrown ValomniaError. */
export function sendValomniaError(reply: FastifyReply, error: ValomniaError): FastifyReply {
  return reply.code(error.statusCode).type(JSON_TYPE).send(errorBody(error.error, error.description));
}

/** Multipart failures of the client's making: the limits of parts, files and fields. */
const MULTIPART_LIMITS = new Set(['FST_PARTS_LIMIT', 'FST_FILES_LIMIT', 'FST_FIELDS_LIMIT']);

/** Valomnia's error handler: every failure on its paths answers in its own envelope. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ValomniaError) return sendValomniaError(reply, error);
  if (error instanceof CapacityError) return sendErrorAnswer(reply, valomniaEnvelope(503));
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || MULTIPART_LIMITS.has(error.code)) {
    return sendErrorAnswer(reply, valomniaEnvelope(413));
  }
  if (isClientDisconnect(error)) return sendErrorAnswer(reply, valomniaEnvelope(logRequestError(request, error)));
  const statusCode = logRequestError(request, error);
  // A body the parsers refuse (a broken multipart, bytes that are not UTF-8) is the client's fault.
  return sendErrorAnswer(reply, valomniaEnvelope(statusCode >= 500 ? 500 : 400));
}
