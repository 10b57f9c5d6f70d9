import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type {
  ConnectionError,
  FastifyBaseLogger,
  FastifyError,
  FastifyPluginAsync,
  FastifyReply,
  FastifyServerOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import {
  errorStatus,
  isClientDisconnect,
  logRequestError,
  rawHttpResponse,
  requestTargetOf,
  statusOfClientError,
} from '../core/client-errors.js';
import { type ErrorEnvelopes, pathOfUrl, sendErrorAnswer } from '../core/error-envelopes.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Path prefix → error envelope. Each vendor plugin registers its prefixes here. */
    errorEnvelopes: ErrorEnvelopes;
  }
}

/** The pieces of one app that answer what happens outside any route. */
export interface HttpEdge {
  /** Fastify's `frameworkErrors`: errors the router raises before routing (a broken %-escape). */
  frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']>;
  /** Fastify's `clientErrorHandler`: what the HTTP parser refuses, requests that stall, hang-ups. */
  clientErrorHandler: NonNullable<FastifyServerOptions['clientErrorHandler']>;
  /**
   * Register before every other plugin: shares the table as `app.errorEnvelopes`, answers a
   * missing Host, and sets the root error and not-found handlers (paths no plugin owns).
   */
  plugin: FastifyPluginAsync;
}

/**
 * Everything that can go wrong before a vendor's own handlers see a request answers through one
 * table, in the envelope of the vendor whose path was called: never Fastify's default JSON and
 * never an empty body.
 */
export function httpEdge(envelopes: ErrorEnvelopes): HttpEdge {
  // The latest request each connection carried, so that a timeout or a parse error in its body
  // (whose raw bytes hold no request line) still knows the path.
  const latest = new WeakMap<Socket, ServerResponse>();
  let log: FastifyBaseLogger | undefined;

  const clientErrorHandler = (error: ConnectionError, socket: Socket): void => {
    const statusCode = statusOfClientError(error);
    const response = latest.get(socket);
    // A request still being received is the one at fault; otherwise the packet the parser
    // refused may start with a request line of its own.
    const pending = response && !response.req.complete ? response.req : undefined;
    const target = pending
      ? { method: pending.method ?? '', path: pathOfUrl(pending.url ?? '/') }
      : requestTargetOf(error.rawPacket);
    const context = { err: error, statusCode, path: target?.path };
    if (isClientDisconnect(error)) log?.debug(context, 'client disconnected');
    else log?.info(context, 'client error');

    if (socket.destroyed) return;
    // A request already answered (a 401 or 413 sent before its body was read) gets no second
    // answer when its body then stalls or breaks; nor does a response still being written. A
    // fresh request line the parser refused after a finished response does get one.
    const answered = pending
      ? response?.headersSent === true
      : response?.headersSent === true && !response.writableEnded;
    if (socket.writable && !answered) {
      socket.write(rawHttpResponse(envelopes.answer(statusCode, target?.path), target?.method === 'HEAD'));
    }
    socket.destroy();
  };

  const frameworkErrors: HttpEdge['frameworkErrors'] = (error, request, reply) => {
    const statusCode = errorStatus(error, 400);
    request.log.info({ err: error, statusCode }, 'request refused before routing');
    sendErrorAnswer(reply as FastifyReply, envelopes.answer(statusCode, request.url));
  };

  const plugin = fp(
    async (app) => {
      log = app.log;
      app.decorate('errorEnvelopes', envelopes);
      app.server.on('request', (request, response: ServerResponse) => latest.set(request.socket, response));

      // Node answers a missing Host with an empty 400 of its own unless told not to
      // (requireHostHeader: false); the answer is then this one, in the envelope of the path.
      app.addHook('onRequest', (request, reply, done) => {
        if (request.headers.host === undefined && request.raw.httpVersion === '1.1') {
          reply.header('connection', 'close');
          sendErrorAnswer(reply, envelopes.answer(400, request.url));
          return;
        }
        done();
      });

      // An answer sent before its request's body was read in full (a refusal while an upload still
      // streams): the connection closes after it. Otherwise a body a parser stopped reading (a
      // multipart past its size limit) would sit unread, the client's writes stalling until the
      // request timeout, and the connection could not carry another request anyway.
      app.addHook('onSend', (request, reply, payload, done) => {
        if (!request.raw.complete) reply.header('connection', 'close');
        done(null, payload);
      });

      app.setErrorHandler((error: FastifyError, request, reply) => {
        const statusCode = logRequestError(request, error);
        return sendErrorAnswer(reply, envelopes.answer(statusCode, request.url));
      });
      app.setNotFoundHandler((request, reply) => sendErrorAnswer(reply, envelopes.answer(404, request.url)));
    },
    { name: 'http-edge', fastify: '5.x' },
  );

  return { frameworkErrors, clientErrorHandler, plugin };
}
