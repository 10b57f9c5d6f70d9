import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { BodyTap, bodyNotKept, captureResponse, redactQuery } from '../core/captured-body.js';
import { clockNow } from '../core/clock.js';
import { ControlPlane, type ControlPlaneOptions } from '../core/control-plane.js';
import type { ErrorAnswer } from '../core/error-envelopes.js';
import type { Fault, FaultPlan, FaultRuleState } from '../core/faults.js';
import type { CapturedBody, JournalRecord } from '../core/journal.js';
import { operationIndex } from '../core/operations.js';
import { SnapshotShelf } from '../core/snapshots.js';
import type { Tenant } from '../core/store.js';
import { TextParts } from '../core/text-parts.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The tenant the request's credential names, set by the vendor plugin as soon as it knows
     * it (its auth hook, or the login handler): what the journal and the fault rules go by.
     */
    tenant: Tenant | null;
    /** What the control plane notes about the request while it runs. */
    traffic: Traffic | null;
  }
  interface FastifyInstance {
    /** Each tenant's request journal and fault rules. */
    controlPlane: ControlPlane;
    /** The named snapshots of the tenants. */
    snapshots: SnapshotShelf;
  }
}

interface Traffic {
  atMs: number;
  /** The Content-Type the client sent: vendor hooks rewrite the header for their parsers. */
  contentType: string | undefined;
  started: number;
  tap: BodyTap | null;
  multipartSize: number | null;
  responseBody: CapturedBody | null;
  /** A fault that acts on the answer the route makes (its write is applied). */
  pending: FaultRuleState | null;
  /** The kind of fault this request met. */
  fault: string | null;
  /** Set once the journal has its entry (a reset writes it before the connection goes). */
  journaled: boolean;
  /** The entry, while the answer is still going out (its duration is set when it is done). */
  entry: JournalRecord | null;
  /** The client closed the connection before the answer was complete. */
  aborted: boolean;
  /** The pool's buffer the answer went out in, given back once it is out. */
  answerBuffer: Buffer | null;
}

/**
 * Journals every request whose tenant is known and applies the tenant's fault rules, on every
 * vendor's paths at once: vendors only set `request.tenant`. Register it before the vendors.
 */
export const controlPlanePlugin = fp<ControlPlaneOptions>(
  async (app, options) => {
    const plane = new ControlPlane(options);
    app.decorate('controlPlane', plane);
    app.decorate('snapshots', new SnapshotShelf(app.store));
    app.decorateRequest('tenant', null);
    app.decorateRequest('traffic', null);

    // The hooks take callbacks, not promises: they run on every request to every vendor, and the
    // plain path (no fault armed) costs no promise and no microtask.
    app.addHook('onRequest', (request, _reply, done) => {
      request.traffic = {
        atMs: Date.now(),
        contentType: request.headers['content-type'],
        started: performance.now(),
        tap: null,
        multipartSize: null,
        responseBody: null,
        pending: null,
        fault: null,
        journaled: false,
        entry: null,
        aborted: false,
        answerBuffer: null,
      };
      done();
    });

    if (plane.journaling) {
      app.addHook('preParsing', (request, _reply, payload, done) => {
        const traffic = request.traffic;
        // Most requests (every read) have no body: no tap for them.
        const { headers } = request;
        if (!traffic || (headers['transfer-encoding'] === undefined && !(Number(headers['content-length']) > 0))) {
          return done(null, payload);
        }
        // Multipart bodies are read by the route itself, straight from the socket.
        if (/^multipart\//i.test(traffic.contentType ?? '')) {
          // Its size is what the head announces; -1 when it is sent chunked.
          traffic.multipartSize = Number(headers['content-length'] ?? -1);
          return done(null, payload);
        }
        // The parser reads the same stream: its listener joins in this turn, before the body flows.
        const tap = new BodyTap();
        traffic.tap = tap;
        payload.on('data', (chunk: Buffer) => tap.take(chunk));
        done(null, payload);
      });
    }

    app.addHook('preHandler', (request, reply, done) => {
      const plan = request.tenant ? plane.armedFaultsOf(request.tenant) : undefined;
      if (!plan) return done();
      applyBefore(request, reply, plan).then((answered) => {
        if (!answered) done();
      }, done);
    });

    // A fault that acts before the route runs; true when it answered (or dropped) the request.
    async function applyBefore(request: FastifyRequest, reply: FastifyReply, plan: FaultPlan): Promise<boolean> {
      const rule = await fire(request, plan);
      if (!rule) return false;
      const traffic = request.traffic as Traffic;
      traffic.fault = rule.fault.kind;
      // A client that goes away before a faulted answer is complete (during a delay or a
      // dribble) gets no onSend or onResponse; the journal still takes it, marked aborted.
      if (plane.journaling) reply.raw.once('close', () => onClose(request, reply));
      if (rule.fault.kind === 'delay') {
        await sleep(rule.fault.ms);
        return false;
      }
      if (rule.writeApplied) {
        traffic.pending = rule;
        return false;
      }
      if (rule.fault.kind === 'reset') {
        journal(request, reply, null);
        reply.hijack();
        request.raw.socket?.destroy();
        return true;
      }
      const answer = faultAnswer(rule.fault, request);
      reply.code(answer.statusCode).type(answer.contentType);
      if (answer.headers) reply.headers(answer.headers);
      reply.send(answer.body);
      return true;
    }

    app.addHook('onSend', (request, reply, payload, done) => {
      const traffic = request.traffic;
      if (!traffic || !request.tenant) return done(null, payload instanceof TextParts ? payload.joined() : payload);
      if (!traffic.pending) return done(null, noteAnswer(request, reply, traffic, payload));
      answerFaulted(request, reply, traffic, payload).then((sent) => done(null, sent), done);
    });

    // The answer as it leaves: a text answer encoded once (a page's parts copied one after
    // another) into a buffer of the pool that goes to the socket (see AnswerBuffers), and kept in
    // the journal (a page as its parts), which takes the request before it is sent, so a client
    // that asks the journal the moment its answer arrives finds the entry (its duration is
    // completed when the answer is out). Gives back the payload to send.
    function noteAnswer(request: FastifyRequest, reply: FastifyReply, traffic: Traffic, payload: unknown): unknown {
      let sent = payload;
      const page = payload instanceof TextParts ? payload : null;
      if (typeof payload === 'string' || page !== null) {
        const encoded = page !== null ? plane.answerBuffers.join(page) : plane.answerBuffers.encode(payload as string);
        sent = encoded.bytes;
        traffic.answerBuffer = encoded.buffer;
      }
      if (plane.journaling && traffic.responseBody === null && traffic.fault !== 'reset') {
        traffic.responseBody = captureResponse(
          plane.bodies,
          sent,
          contentTypeOf(reply),
          reply.getHeader('content-length'),
          page?.parts ?? null,
        );
      }
      if (!traffic.journaled) journal(request, reply, reply.statusCode);
      return sent;
    }

    async function answerFaulted(request: FastifyRequest, reply: FastifyReply, traffic: Traffic, payload: unknown) {
      const pending = traffic.pending;
      traffic.pending = null;
      const kind = pending?.fault.kind;
      // A cut-off or slowed answer is journaled as the route made it; a replaced one as sent. The
      // route's answer is made bytes once, for the journal and for the cut (a page's parts always:
      // Fastify sends no such object).
      const cut = kind === 'truncate' || kind === 'dribble';
      const made =
        (cut && payload !== null && payload !== undefined) || payload instanceof TextParts
          ? await bytesOf(payload)
          : payload;
      if (plane.journaling && cut) {
        traffic.responseBody = captureResponse(
          plane.bodies,
          made,
          contentTypeOf(reply),
          reply.getHeader('content-length'),
        );
      }
      const sent = pending ? await applyAfter(pending.fault, request, reply, made) : made;
      return kind === 'reset' ? sent : noteAnswer(request, reply, traffic, sent);
    }

    app.addHook('onResponse', (request, reply, done) => {
      const traffic = request.traffic;
      if (request.tenant && traffic) {
        // Out whole: the socket reads no more from the answer's buffer.
        if (traffic.answerBuffer && reply.raw.writableFinished) plane.answerBuffers.give(traffic.answerBuffer);
        traffic.answerBuffer = null;
        if (traffic.entry) traffic.entry.durationMs = elapsedMs(traffic);
        else if (!traffic.journaled) journal(request, reply, reply.statusCode);
      }
      done();
    });

    function onClose(request: FastifyRequest, reply: FastifyReply): void {
      const traffic = request.traffic;
      if (!traffic || !request.tenant || reply.raw.writableEnded) return;
      traffic.aborted = true;
      if (traffic.entry) {
        traffic.entry.aborted = true;
        traffic.entry.durationMs = elapsedMs(traffic);
      } else if (!traffic.journaled) {
        journal(request, reply, reply.raw.headersSent ? reply.statusCode : null);
      }
    }

    function journal(request: FastifyRequest, _reply: FastifyReply, status: number | null): void {
      const traffic = request.traffic as Traffic;
      const tenant = request.tenant as Tenant;
      traffic.journaled = true;
      plane.count(tenant, request.method, status, traffic.fault !== null);
      if (!plane.journaling) return;
      const url = request.url;
      const queryAt = url.indexOf('?');
      const contentType = traffic.contentType ?? null;
      const entry: Omit<JournalRecord, 'id'> = {
        atMs: traffic.atMs,
        tenantAtMs: clockNow(tenant.clock, traffic.atMs),
        method: request.method,
        path: queryAt === -1 ? url : url.slice(0, queryAt),
        query: queryAt === -1 ? '' : redactQuery(url.slice(queryAt + 1)),
        status,
        durationMs: elapsedMs(traffic),
        fault: traffic.fault,
        aborted: traffic.aborted,
        head: request.raw.rawHeaders.join('\n'),
        requestBody:
          traffic.multipartSize !== null
            ? bodyNotKept(contentType, traffic.multipartSize, 'multipart')
            : traffic.tap && traffic.tap.received > 0
              ? traffic.tap.captured(plane.bodies, contentType)
              : null,
        responseBody: traffic.responseBody,
      };
      plane.journalOf(tenant).add(entry);
      traffic.entry = entry as JournalRecord;
    }

    // The rule that fires, if any: the operation is looked up in the contracts only when a rule names one.
    async function fire(request: FastifyRequest, plan: ReturnType<ControlPlane['faultsOf']>) {
      const url = request.url;
      const queryAt = url.indexOf('?');
      const path = queryAt === -1 ? url : url.slice(0, queryAt);
      // Asked of the rules themselves: list() would copy every rule's state on each request.
      const operations = plan.namesOperation ? await operationIndex() : undefined;
      return plan.fire({
        method: request.method,
        path,
        operationId: () => operations?.operationOf(request.method, path) ?? null,
      });
    }

    // The answer in the envelope of the vendor whose path was called, told the absolute URI (an
    // ASP.NET 404 names it).
    function faultAnswer(fault: Fault, request: FastifyRequest): ErrorAnswer {
      const host = request.headers.host ?? '';
      const url = `${request.protocol}://${/^[\w.:[\]-]+$/.test(host) ? host : 'localhost'}${request.url}`;
      if (fault.kind === 'rateLimit') {
        const answer = app.errorEnvelopes.answer(429, url);
        return { ...answer, headers: { ...answer.headers, 'retry-after': String(fault.retryAfter) } };
      }
      return app.errorEnvelopes.answer(fault.kind === 'status' ? fault.status : 500, url);
    }

    // A fault on the answer the route made: replaced, cut off or slowed.
    async function applyAfter(fault: Fault, request: FastifyRequest, reply: FastifyReply, payload: unknown) {
      switch (fault.kind) {
        case 'status':
        case 'rateLimit': {
          const answer = faultAnswer(fault, request);
          reply.code(answer.statusCode).type(answer.contentType);
          if (answer.headers) reply.headers(answer.headers);
          return answer.body;
        }
        case 'reset':
          // The route ran (its write is applied); its answer never leaves.
          journal(request, reply, null);
          request.raw.socket?.destroy();
          return payload;
        case 'truncate': {
          const body = await bytesOf(payload);
          // Nothing to cut in half: the connection closes before the head, as a reset does.
          if (body.length < 2) {
            journal(request, reply, null);
            request.raw.socket?.destroy();
            return payload;
          }
          reply.header('content-length', String(body.length));
          // The connection dies before the answer finishes, so the journal takes it now.
          journal(request, reply, reply.statusCode);
          return cutOff(body);
        }
        case 'dribble': {
          const body = await bytesOf(payload);
          reply.header('content-length', String(body.length));
          return dribble(body, fault.ms);
        }
        default:
          return payload;
      }
    }
  },
  { name: 'control-plane', fastify: '5.x' },
);

function elapsedMs(traffic: Traffic): number {
  return Math.round((performance.now() - traffic.started) * 1000) / 1000;
}

function contentTypeOf(reply: FastifyReply): string | null {
  const type = reply.getHeader('content-type');
  return type === undefined ? null : String(type);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function bytesOf(payload: unknown): Promise<Buffer> {
  if (payload === null || payload === undefined) return Buffer.alloc(0);
  if (payload instanceof TextParts) return payload.joined();
  if (typeof payload === 'string') return Buffer.from(payload);
  if (Buffer.isBuffer(payload)) return payload;
  const chunks: Buffer[] = [];
  for await (const chunk of payload as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

// The head announces the whole body; half of it is sent, then the stream fails and the
// connection is closed, as when a server dies mid-answer.
function cutOff(body: Buffer): Readable {
  const half = body.subarray(0, Math.floor(body.length / 2));
  let sent = false;
  return new Readable({
    read() {
      if (sent) return;
      sent = true;
      if (half.length > 0) this.push(half);
      setImmediate(() => this.destroy(new Error('the answer was cut off by a truncate fault')));
    },
  });
}

// The whole body, in even slices spread over `ms`.
function dribble(body: Buffer, ms: number): Readable {
  const slices = Math.max(1, Math.min(body.length, Math.ceil(ms / 50)));
  const size = Math.ceil(body.length / slices);
  const gap = ms / slices;
  let at = 0;
  return new Readable({
    read() {
      if (body.length === 0) {
        this.push(null);
        return;
      }
      if (at >= body.length) return;
      setTimeout(() => {
        const slice = body.subarray(at, at + size);
        at += size;
        this.push(slice);
        if (at >= body.length) this.push(null);
      }, gap);
    },
  });
}
