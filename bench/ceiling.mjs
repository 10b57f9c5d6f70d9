// The ceiling: bare Fastify (logger off) answering each benchmarked request with the exact bytes
// and content-type the sandbox returned for it, held as constants. No auth, no parsing beyond
// reading the request body, no store. Usage: node bench/ceiling.mjs <responses.json>
// where the JSON is [{ method, path, contentType, status, bodyBase64, stringify? }]. The bytes
// may be anything (JSON, XML, an image): they are sent as a Buffer with the content type given.
// An entry with `stringify: true` is the bare route a JSON list is held to: it keeps the page as
// parsed records and answers JSON.stringify of them on every request, as a plain handler would.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const responses = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const app = Fastify({ logger: false });

// Fastify parses neither XML nor forms; read the body as a string and keep it, nothing more.
app.addContentTypeParser(
  ['application/xml', 'text/xml', 'application/x-www-form-urlencoded'],
  { parseAs: 'string' },
  (_request, body, done) => done(null, body),
);

for (const { method, path, contentType, status, bodyBase64, stringify } of responses) {
  const body = Buffer.from(bodyBase64, 'base64');
  if (stringify) {
    const records = JSON.parse(body.toString('utf8'));
    app.route({
      method,
      url: path,
      handler: (_request, reply) => reply.code(status).type(contentType).send(JSON.stringify(records)),
    });
  } else {
    app.route({ method, url: path, handler: (_request, reply) => reply.code(status).type(contentType).send(body) });
  }
}

const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`ceiling listening on ${address}\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => app.close().then(() => process.exit(0)));
