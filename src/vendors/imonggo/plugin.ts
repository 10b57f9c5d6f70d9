import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { seedImonggo } from '../../../seeds/imonggo.js';
import { clockNow } from '../../core/clock.js';
import { toIsoSeconds } from '../../core/dates.js';
import { type Tenant, TenantLimitError } from '../../core/store.js';
import { parseXmlDocument, XmlSyntaxError } from '../../core/xml-parse.js';
import { denyAccess, readApiToken } from './auth.js';
import { customers } from './customers.js';
import { ImonggoHttpError, ImonggoValidationError } from './errors.js';
import { paramsFromJson, paramsFromXml, type RequestParams, readWritableFields } from './fields.js';
import type { ImonggoData, ImonggoRecord } from './model.js';
import { type RawQuery, readListQuery, single } from './query.js';
import {
  CONTENT_TYPE,
  type Format,
  renderCount,
  renderCreatedId,
  renderLastUpdatedAt,
  renderList,
  renderRecord,
  renderStatusError,
  renderToken,
  renderValidationErrors,
} from './render.js';
import {
  answerLastUpdatedAt,
  createRecord,
  findRecord,
  listRecords,
  selectRecords,
  softDeleteRecord,
  updateRecord,
  writeTime,
} from './repository.js';
import { type ResourceDefinition, recordsOf } from './resource.js';
import { suppliers } from './suppliers.js';
import { apiTokenFor } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant of the request's API token; set by the Imonggo auth hook. */
    imonggo: Tenant<ImonggoData> | null;
  }
}

export interface ImonggoPluginOptions {
  /** Largest request body in bytes; a larger one is refused with 413. */
  bodyLimit: number;
}

const FORMATS: readonly Format[] = ['xml', 'json'];

/**
 * Imonggo's API under /api, with everything its paths answer: its own body parsers, Basic auth,
 * error bodies and 404. Register it with `{ prefix: '/api' }`.
 */
export async function imonggoPlugin(app: FastifyInstance, options: ImonggoPluginOptions): Promise<void> {
  app.store.registerSeeder('imonggo', seedImonggo);
  app.addHook('onRequest', async (request) => {
    request.headers['content-type'] = bodyMediaType(request.headers['content-type']);
  });
  registerBodyParsers(app, options.bodyLimit);
  app.decorateRequest('imonggo', null);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => sendStatusError(request, reply, 404));

  for (const format of FORMATS) {
    app.get(`/tokens.${format}`, (request, reply) => {
      const query = request.query as RawQuery;
      const email = single(query.email);
      // The token API answers 404 unless both parameters are there.
      if (!email || !single(query.password)) return sendStatusError(request, reply, 404);
      return send(reply, format, renderToken(apiTokenFor(email), format));
    });
  }

  await app.register(async (api) => {
    api.addHook('onRequest', async (request, reply) => {
      const token = readApiToken(request.headers.authorization);
      if (token === null) return denyAccess(reply);
      request.imonggo = await app.store.open('imonggo', token);
    });
    resourceRoutes(api, customers);
    resourceRoutes(api, suppliers);
  });
}

function resourceRoutes<R extends ImonggoRecord>(api: FastifyInstance, resource: ResourceDefinition<R>): void {
  const base = `/${resource.collection}`;
  for (const format of FORMATS) {
    api.get(`${base}.${format}`, (request, reply) => {
      const { data } = tenantOf(request);
      const records = recordsOf(data, resource);
      const query = readListQuery(request.query as RawQuery, resource.paging);
      if (query.inquiry === 'count') {
        return send(reply, format, renderCount(selectRecords(records, query).length, format));
      }
      // last_updated_at is over the whole collection: filters do not narrow it.
      if (query.inquiry === 'last_updated_at') {
        return send(reply, format, renderLastUpdatedAt(answerLastUpdatedAt(data, resource), format));
      }
      return send(reply, format, renderList(resource, listRecords(records, query), format));
    });

    api.get(`${base}/:id.${format}`, (request, reply) => {
      const record = findRecord(recordsOf(tenantOf(request).data, resource), idOf(request));
      if (!record) throw new ImonggoHttpError(404);
      return send(reply, format, renderRecord(resource, record, format));
    });

    api.post(`${base}.${format}`, async (request, reply) => {
      const tenant = tenantOf(request);
      const written = readWritableFields(resource.writable, fieldsOf(request, resource.element));
      const record = createRecord(tenant.data, resource, written, now(tenant, resource));
      await request.server.store.write();
      const body =
        resource.createAnswer === 'id' ? renderCreatedId(record.id, format) : renderRecord(resource, record, format);
      return send(reply, format, body);
    });

    api.put(`${base}/:id.${format}`, async (request, reply) => {
      const tenant = tenantOf(request);
      const current = findRecord(recordsOf(tenant.data, resource), idOf(request));
      if (!current) throw new ImonggoHttpError(404);
      const written = readWritableFields(resource.writable, fieldsOf(request, resource.element));
      const record = updateRecord(tenant.data, resource, current, written, now(tenant, resource));
      await request.server.store.write();
      return send(reply, format, renderRecord(resource, record, format));
    });

    api.delete(`${base}/:id.${format}`, async (request, reply) => {
      const tenant = tenantOf(request);
      if (!softDeleteRecord(tenant.data, resource, idOf(request), now(tenant, resource)))
        throw new ImonggoHttpError(404);
      await request.server.store.write();
      // The vendor answers a delete with a bare 200 (the docs call it with curl -I).
      return reply.code(200).type(CONTENT_TYPE[format]).send('');
    });
  }
}

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

function registerBodyParsers(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/xml', 'text/xml'],
    { parseAs: 'string', bodyLimit },
    (_request, body, done) => {
      // Rails reads a blank body as no params at all, not as malformed XML.
      if ((body as string).trim() === '') return done(null, new Map());
      try {
        done(null, paramsFromXml(parseXmlDocument(body as string)));
      } catch (error) {
        done(error as Error);
      }
    },
  );
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    if ((body as string).trim() === '') return done(null, new Map());
    try {
      done(null, paramsFromJson(JSON.parse(body as string)));
    } catch (error) {
      done(error as Error);
    }
  });
  // Rails parses only the types it knows and leaves any other body unread: the request goes on
  // with no params (so a create answers "Name can't be blank").
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, _body, done) => done(null, new Map()));
}

function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const format = formatOfUrl(request.url);
  if (error instanceof ImonggoValidationError) {
    return reply.code(422).type(CONTENT_TYPE[format]).send(renderValidationErrors(error.messages, format));
  }
  if (error instanceof ImonggoHttpError) return sendStatusError(request, reply, error.statusCode);
  if (error instanceof TenantLimitError) return sendStatusError(request, reply, 503);
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendStatusError(request, reply, 413);
  // Malformed XML (and JSON) is documented as a 500; anything unexpected is one too.
  if (!(error instanceof XmlSyntaxError || error instanceof SyntaxError)) request.log.error(error);
  return sendStatusError(request, reply, 500);
}

/** Answers with a status in Imonggo's envelope, in the format the URL asks for. */
export function sendStatusError(request: FastifyRequest, reply: FastifyReply, statusCode: number): FastifyReply {
  const format = formatOfUrl(request.url);
  return reply.code(statusCode).type(CONTENT_TYPE[format]).send(renderStatusError(statusCode, format));
}

function send(reply: FastifyReply, format: Format, body: string): FastifyReply {
  return reply.code(200).type(CONTENT_TYPE[format]).send(body);
}

/** The format a URL asks for by its extension; XML, the documented one, otherwise. */
function formatOfUrl(url: string): Format {
  const path = url.split('?', 1)[0] ?? '';
  return path.endsWith('.json') ? 'json' : 'xml';
}

function tenantOf(request: FastifyRequest): Tenant<ImonggoData> {
  if (!request.imonggo) throw new Error('route is not behind the Imonggo auth hook');
  return request.imonggo;
}

function idOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

/** The fields a body carried for a record (`<customer>…</customer>`); none for any other root. */
function fieldsOf(request: FastifyRequest, element: string): Map<string, string | null> {
  const params: RequestParams = request.body instanceof Map ? request.body : new Map();
  return params.get(element) ?? new Map();
}

function now<R extends ImonggoRecord>(tenant: Tenant<ImonggoData>, resource: ResourceDefinition<R>): string {
  return writeTime(tenant.data, resource, toIsoSeconds(clockNow(tenant.clock)));
}
