// Bare Fastify hello-world, the cold-start baseline: listens on port 0 and prints its URL the way
// the sandbox does. It answers the same health path the cold-start probe asks the sandbox for.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.get('/__admin/health', async () => ({ status: 'ok' }));

const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`hello listening on ${address}\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => app.close().then(() => process.exit(0)));
