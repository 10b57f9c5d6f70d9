import type { FastifyInstance } from 'fastify';
import { sendErrorAnswer } from '../../core/error-envelopes.js';
import { tenantsOfDirectory } from './image-store.js';
import type { ValomniaData } from './model.js';
import { CUSTOMER_IMAGES } from './render.js';
import { valomniaEnvelope } from './replies.js';
import { findImage } from './repository.js';
import type { Sessions } from './sessions.js';
import { sessionIdOf } from './sessions.js';

/** The resized variants, asked for by a prefix before the stored name (the vendor's convention). */
const VARIANTS = { small_: 'small', medium_: 'medium' } as const;

/**
 * Customer images at `/<upload directory>/photoCustomer/<name>` and its `small_`/`medium_`
 * variants. They need no session, as the vendor's uploads are plain files; a request with a live
 * session sees only its own tenant's images. Anything else answers 404.
 */
export function imageRoutes(app: FastifyInstance, sessions: Sessions): void {
  app.get(`/:directory/${CUSTOMER_IMAGES}/:file`, async (request, reply) => {
    const { directory, file } = request.params as { directory: string; file: string };
    const id = sessionIdOf(request.headers.cookie, request.headers.authorization);
    const own = id === null ? null : sessions.resolve(id);
    request.tenant = own;
    const candidates: ValomniaData[] = own
      ? own.data.organization.uploadDirectory === directory
        ? [own.data]
        : []
      : tenantsOfDirectory(request.server.store, directory);
    const prefix = (Object.keys(VARIANTS) as (keyof typeof VARIANTS)[]).find((name) => file.startsWith(name));
    const fileName = prefix ? file.slice(prefix.length) : file;
    for (const data of candidates) {
      const image = findImage(data, CUSTOMER_IMAGES, fileName);
      if (!image) continue;
      const bytes: Uint8Array = prefix ? image[VARIANTS[prefix]] : image.original;
      // Images seeded in the seed worker arrive as plain Uint8Arrays (a Buffer does not survive
      // the thread boundary as one); Buffer.from over the same memory copies nothing.
      return reply
        .code(200)
        .type(image.contentType)
        .send(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
    // A path another vendor owns (/api/photoCustomer/x) keeps that vendor's 404.
    return sendErrorAnswer(reply, request.server.errorEnvelopes.answer(404, request.url, valomniaEnvelope));
  });
}
