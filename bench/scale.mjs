// The scale section of `npm run bench`: one sandbox, two tenants grown through the API to 1,000
// and 100,000 customers, the same reads against each at one connection, then the create rate and
// the process's memory. Every read must cost the same at either size: within 2x of its 1k rate,
// p99 under 5 ms. All traffic goes to 127.0.0.1.
import http from 'node:http';
import {
  basicAuth,
  cannon,
  cannonInChild,
  median,
  procStatusMb,
  request,
  startNodeServer,
  stopProcess,
} from './lib.mjs';

export const SCALE_SIZES = [1_000, 100_000];
// createCeilingThen: the bare-Fastify POST rate of the run the 10,000 creates/s target was set
// against (bench/RESULTS.md, 2026-11-25 06:42), so the target can be held as a share of a ceiling.
export const SCALE_TARGETS = { readRatio: 0.5, p99Ms: 5, createsPerSecond: 10_000, createCeilingThen: 44_563 };

/** Growth happens in this many batches, the tenant clock moved on a minute between them. */
const BATCHES = 100;
const GROW_CONCURRENCY = 16;
/** Runs of each read at each size; the report keeps their medians. */
const REPEATS = 3;
const CREATE_BODY = '<customer><first_name>Scale</first_name><last_name>Grown</last_name></customer>';

/** The reads measured at each size; `mid` is the utc_updated_at of the middle record. */
export function scaleReads(size, mid) {
  const middle = Math.floor(size / 2);
  return [
    { key: 'page', label: 'page 1 (customers.xml)', path: '/api/customers.xml' },
    { key: 'pageAfter', label: 'page 1 after= mid-range', path: `/api/customers.xml?after=${encodeURIComponent(mid)}` },
    {
      key: 'pageAfterActive',
      label: 'page 1 after= mid-range, active_only',
      path: `/api/customers.xml?active_only=1&after=${encodeURIComponent(mid)}`,
    },
    {
      key: 'jsonAfter',
      label: 'JSON page after= mid-range',
      path: `/api/customers.json?after=${encodeURIComponent(mid)}`,
    },
    { key: 'count', label: 'q=count', path: '/api/customers.xml?q=count' },
    {
      key: 'countAfter',
      label: 'q=count after= mid-range',
      path: `/api/customers.xml?q=count&after=${encodeURIComponent(mid)}`,
    },
    { key: 'lastUpdated', label: 'q=last_updated_at', path: '/api/customers.xml?q=last_updated_at' },
    { key: 'get', label: `customer by id (${middle})`, path: `/api/customers/${middle}.xml` },
  ];
}

/** POSTs `count` customers over a few keep-alive connections. */
async function createMany(url, token, count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: GROW_CONCURRENCY });
  const headers = { authorization: basicAuth(token), 'content-type': 'application/xml' };
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const status = await new Promise((resolve, reject) => {
        const req = http.request(`${url}/api/customers.xml`, { method: 'POST', headers, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        });
        req.on('error', reject);
        req.end(CREATE_BODY);
      });
      if (status !== 200) throw new Error(`growing ${token}: create answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(GROW_CONCURRENCY, count) }, worker));
  agent.destroy();
}

async function admin(url, path, body) {
  const res = await request(`${url}/__admin/tenants/imonggo/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`control API ${path}: ${res.status} ${res.body}`);
}

/** Grows a tenant to `size` customers in BATCHES batches, a minute of tenant clock apart. */
export async function grow(url, token, size) {
  await admin(url, `${token}/clock/freeze`, { at: '2025-01-01T00:00:00Z' });
  for (let batch = 0; batch < BATCHES; batch += 1) {
    await createMany(url, token, size / BATCHES);
    await admin(url, `${token}/clock/advance`, { seconds: 60 });
  }
}

async function measureRead(url, token, read, seconds, log) {
  const options = { url: url + read.path, connections: 1, headers: { authorization: basicAuth(token) } };
  await cannon({ ...options, duration: 0.5 });
  const result = await cannonInChild({ ...options, duration: seconds });
  if (result.non2xx || result.errors || result.timeouts) {
    throw new Error(`${read.label} at ${token}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  log(`scale   ${token.padEnd(12)} ${read.label}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms`);
  return result;
}

/**
 * Runs the scale section; resolves { sizes, reads: { [key]: { [size]: result } }, creates, rss }.
 * `cli` is the sandbox entry, `seconds` the measured time of each read.
 */
export async function benchScale({ cli, root, seconds, log }) {
  const server = await startNodeServer(
    [cli, '--port', '0', '--host', '127.0.0.1', '--log-level', 'warn', '--dataset', 'empty'],
    {
      cwd: root,
    },
  );
  try {
    const reads = {};
    const labels = {};
    const tokens = Object.fromEntries(SCALE_SIZES.map((size) => [size, `scale-${size}`]));
    const grownAt = {};
    for (const size of SCALE_SIZES) {
      const started = performance.now();
      await grow(server.url, tokens[size], size);
      grownAt[size] = (performance.now() - started) / 1000;
      log(`scale   grew ${tokens[size]} to ${size} customers in ${grownAt[size].toFixed(1)} s`);
    }
    const rssGrownMb = procStatusMb(server.pid, 'VmRSS');
    // Each read is measured REPEATS times at each size, the sizes interleaved, and the medians
    // kept: a stall of the shared machine during one run then moves neither figure.
    const mids = {};
    for (const size of SCALE_SIZES) {
      const middle = await request(`${server.url}/api/customers/${Math.floor(size / 2)}.json`, {
        headers: { authorization: basicAuth(tokens[size]) },
      });
      mids[size] = JSON.parse(middle.body.toString()).utc_updated_at;
    }
    // A short pass over every read first: the JIT and the lazily built indexes warm up here.
    for (const size of SCALE_SIZES) {
      for (const read of scaleReads(size, mids[size])) {
        await cannon({
          url: server.url + read.path,
          connections: 1,
          duration: 0.5,
          headers: { authorization: basicAuth(tokens[size]) },
        });
      }
    }
    for (const [position, read] of scaleReads(SCALE_SIZES[0], mids[SCALE_SIZES[0]]).entries()) {
      labels[read.key] = read.label.replace(/\(\d+\)/, '(middle id)');
      const runs = Object.fromEntries(SCALE_SIZES.map((size) => [size, []]));
      for (let repeat = 0; repeat < REPEATS; repeat += 1) {
        for (const size of SCALE_SIZES) {
          const sized = scaleReads(size, mids[size])[position];
          runs[size].push(await measureRead(server.url, tokens[size], sized, seconds / REPEATS, log));
        }
      }
      reads[read.key] = Object.fromEntries(
        SCALE_SIZES.map((size) => [
          size,
          { rps: median(runs[size].map((r) => r.rps)), p99: median(runs[size].map((r) => r.p99)), runs: runs[size] },
        ]),
      );
    }
    const creates = {};
    for (const size of SCALE_SIZES) {
      const options = {
        url: `${server.url}/api/customers.xml`,
        method: 'POST',
        connections: 10,
        headers: { authorization: basicAuth(tokens[size]), 'content-type': 'application/xml' },
        body: CREATE_BODY,
      };
      await cannon({ ...options, duration: 1 });
      creates[size] = await cannon({ ...options, duration: seconds });
      if (creates[size].non2xx || creates[size].errors) throw new Error(`creates at ${size}: refused`);
      log(`scale   creates into ${tokens[size]}: ${creates[size].rps.toFixed(0)} req/s, p99 ${creates[size].p99} ms`);
    }
    const rssMb = procStatusMb(server.pid, 'VmRSS');
    return { sizes: SCALE_SIZES, labels, reads, creates, grownAt, rssGrownMb, rssMb };
  } finally {
    await stopProcess(server.child);
  }
}
