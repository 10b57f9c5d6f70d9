// pos-sandbox benchmark: throughput against a bare-Fastify ceiling, cold start against a bare
// hello-world, and RSS with 10 seeded tenants. `npm run bench` builds first, then runs this.
// All traffic goes to 127.0.0.1. Exits 0 when everything ran (even if a target FAILs), 1 if
// something broke (a server did not start, a request was refused, the watchdog fired...).
//
// `node bench/run.mjs --json <file>` also writes every figure to <file>.
// Knobs (environment, for quick trials only): BENCH_DURATION (s, default 10), BENCH_WARMUP
// (s, default 3), BENCH_COLD_RUNS (default 5), BENCH_TIMEOUT (s, whole-run watchdog, default 240).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  basicAuth,
  cannon,
  children,
  median,
  procCpuMs,
  procStatusMb,
  request,
  startNodeServer,
  stopProcess,
  table,
  waitFor200,
} from './lib.mjs';
import { benchScale, SCALE_SIZES, SCALE_TARGETS } from './scale.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'pos-sandbox.js');
const CEILING = join(ROOT, 'bench', 'ceiling.mjs');
const HELLO = join(ROOT, 'bench', 'hello.mjs');
const RECORDS = 1000;
const SANDBOX_ARGS = [CLI, '--port', '0', '--host', '127.0.0.1', '--log-level', 'warn', '--records', String(RECORDS)];
/** The sandbox as `npm start` runs it (default dataset and records), for the first answer. */
const FIRST_ANSWER_ARGS = [CLI, '--port', '0', '--host', '127.0.0.1', '--log-level', 'warn'];

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
const WATCHDOG_S = Number(process.env.BENCH_TIMEOUT ?? 600);
const SCALE_SECONDS = Number(process.env.BENCH_SCALE_DURATION ?? 6);
const CONNECTIONS = 10;
const RSS_TENANTS = 10;
const RSS_LOAD_S = 5;

const TARGETS = { listRatio: 0.5, jsonListRatio: 1.5, coldRatio: 1.3, firstAnswerRatio: 1.5, rssMb: 150 };

const CREATE_BODY = '<customer><first_name>Bench</first_name><last_name>Mark</last_name></customer>';
const ENDPOINTS = [
  {
    key: 'list',
    label: 'GET /api/customers.xml?per_page=100',
    method: 'GET',
    path: '/api/customers.xml?per_page=100',
    route: '/api/customers.xml',
    token: 'bench-read',
  },
  {
    key: 'listJson',
    label: 'GET /api/customers.json?per_page=50',
    method: 'GET',
    path: '/api/customers.json?per_page=50',
    route: '/api/customers.json',
    token: 'bench-read',
    // Held to a bare route that JSON.stringifies the same 50 records on every request.
    stringify: true,
  },
  {
    key: 'get',
    label: 'GET /api/customers/12.xml',
    method: 'GET',
    path: '/api/customers/12.xml',
    route: '/api/customers/12.xml',
    token: 'bench-read',
  },
  {
    key: 'create',
    label: 'POST /api/customers.xml',
    method: 'POST',
    path: '/api/customers.xml',
    route: '/api/customers.xml',
    // Its own tenant, so the customers it adds never touch the read benchmarks' data.
    token: 'bench-write',
    body: CREATE_BODY,
    contentType: 'application/xml',
  },
];

/** The commit measured, and how many files differ from it (builds use the working tree). */
function gitState() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'seeds'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean).length;
    return dirty ? `${head} + ${dirty} uncommitted file(s) in src/ seeds/` : `${head} (src/ and seeds/ clean)`;
  } catch {
    return 'unknown (no git)';
  }
}

/** The temp folder of this run (the ceiling's response file); removed on any exit. */
let tempDir;

/** Things that broke; any of them makes the exit code 1. */
const problems = [];
const log = (line) => process.stdout.write(`· ${line}\n`);

function requestOf(endpoint) {
  const headers = { authorization: basicAuth(endpoint.token) };
  if (endpoint.contentType) headers['content-type'] = endpoint.contentType;
  return { method: endpoint.method, headers, body: endpoint.body };
}

/** Warm-up (discarded), then the measured run; load errors are recorded as problems. */
async function measure(server, endpoint, who) {
  const options = { url: server.url + endpoint.path, connections: CONNECTIONS, ...requestOf(endpoint) };
  await cannon({ ...options, duration: WARMUP });
  // CPU the server and this client (autocannon) burn during the measured run: it shows whether
  // the server was the bottleneck, and its cost per request does not depend on machine noise.
  const serverCpu0 = procCpuMs(server.pid);
  const clientCpu0 = process.cpuUsage();
  const result = await cannon({ ...options, duration: DURATION });
  const clientCpu = process.cpuUsage(clientCpu0);
  result.serverCpuPct = (100 * (procCpuMs(server.pid) - serverCpu0)) / (DURATION * 1000);
  result.clientCpuPct = (100 * (clientCpu.user + clientCpu.system)) / 1000 / (DURATION * 1000);
  result.serverUsPerReq = ((procCpuMs(server.pid) - serverCpu0) * 1000) / result.total;
  if (result.non2xx || result.errors || result.timeouts || !result.ok2xx) {
    problems.push(
      `${who} ${endpoint.label}: ${result.ok2xx} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  log(
    `${who.padEnd(7)} ${endpoint.label}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms, ` +
      `server CPU ${result.serverCpuPct.toFixed(0)}% (${result.serverUsPerReq.toFixed(0)} us/req), ` +
      `client CPU ${result.clientCpuPct.toFixed(0)}%`,
  );
  return result;
}

/**
 * Steps 1-3: the real server and its exact answers, then the ceiling (bare Fastify in its own
 * process serving those bytes as constants). Per endpoint the sandbox and the ceiling are
 * measured back to back with the same load, so drift on a shared machine hits both alike.
 */
async function benchThroughput(dir) {
  const sandbox = await startNodeServer(SANDBOX_ARGS, { cwd: ROOT });
  let ceiling;
  try {
    await waitFor200(`${sandbox.url}/__admin/health`);
    log(`sandbox up at ${sandbox.url} (pid ${sandbox.pid})`);
    const answers = {};
    for (const endpoint of ENDPOINTS) {
      const res = await request(sandbox.url + endpoint.path, requestOf(endpoint));
      if (res.status !== 200) throw new Error(`sandbox ${endpoint.label} answered ${res.status}: ${res.body}`);
      answers[endpoint.key] = { status: res.status, contentType: res.headers['content-type'], body: res.body };
      log(`captured ${endpoint.label}: ${res.body.length} bytes, ${res.headers['content-type']}`);
    }

    const file = join(dir, 'responses.json');
    const responses = ENDPOINTS.map((endpoint) => ({
      method: endpoint.method,
      path: endpoint.route,
      status: answers[endpoint.key].status,
      contentType: answers[endpoint.key].contentType,
      bodyBase64: answers[endpoint.key].body.toString('base64'),
      stringify: endpoint.stringify === true,
    }));
    await writeFile(file, JSON.stringify(responses));
    ceiling = await startNodeServer([CEILING, file], { cwd: ROOT });
    log(`ceiling up at ${ceiling.url} (pid ${ceiling.pid})`);
    for (const endpoint of ENDPOINTS) {
      const res = await request(ceiling.url + endpoint.path, requestOf(endpoint));
      const want = answers[endpoint.key];
      if (
        res.status !== want.status ||
        res.headers['content-type'] !== want.contentType ||
        !res.body.equals(want.body)
      ) {
        throw new Error(`ceiling ${endpoint.label} does not answer the sandbox's exact bytes`);
      }
    }
    log('ceiling answers are byte-identical to the sandbox');

    const results = { sandbox: {}, ceiling: {} };
    for (const endpoint of ENDPOINTS) {
      results.sandbox[endpoint.key] = await measure(sandbox, endpoint, 'sandbox');
      results.ceiling[endpoint.key] = await measure(ceiling, endpoint, 'ceiling');
    }
    return { answers, ...results };
  } finally {
    await Promise.all([stopProcess(sandbox.child), ceiling && stopProcess(ceiling.child)]);
  }
}

/** Spawn to first 200 from /__admin/health, in ms. */
async function coldStartOnce(args) {
  const server = await startNodeServer(args, { cwd: ROOT });
  try {
    const answeredAt = await waitFor200(`${server.url}/__admin/health`);
    return answeredAt - server.startedAt;
  } finally {
    await stopProcess(server.child);
  }
}

/**
 * Spawn to the first authenticated answer of a fresh token with the default dataset (demo,
 * 120 records): listening, then creating and seeding that first tenant, in ms.
 */
async function firstAnswerOnce() {
  const server = await startNodeServer(FIRST_ANSWER_ARGS, { cwd: ROOT });
  try {
    const res = await request(`${server.url}/api/customers.xml?per_page=1`, {
      headers: { authorization: basicAuth('first-answer') },
    });
    if (res.status !== 200) throw new Error(`first authenticated answer: ${res.status}`);
    return performance.now() - server.startedAt;
  } finally {
    await stopProcess(server.child);
  }
}

/**
 * Step 4: median of COLD_RUNS of the sandbox's health, of its first authenticated answer, and of
 * the bare hello-world, interleaved after one discarded round.
 */
async function benchColdStart() {
  const helloArgs = [HELLO];
  await coldStartOnce(SANDBOX_ARGS);
  await firstAnswerOnce();
  await coldStartOnce(helloArgs);
  const sandbox = [];
  const firstAnswer = [];
  const hello = [];
  for (let run = 0; run < COLD_RUNS; run += 1) {
    sandbox.push(await coldStartOnce(SANDBOX_ARGS));
    firstAnswer.push(await firstAnswerOnce());
    hello.push(await coldStartOnce(helloArgs));
  }
  const result = {
    sandbox,
    firstAnswer,
    hello,
    sandboxMedian: median(sandbox),
    firstAnswerMedian: median(firstAnswer),
    helloMedian: median(hello),
  };
  result.ratio = result.sandboxMedian / result.helloMedian;
  result.firstAnswerRatio = result.firstAnswerMedian / result.helloMedian;
  const runs = (list) => list.map((ms) => ms.toFixed(0)).join(', ');
  log(`cold start sandbox [${runs(sandbox)}] ms, first answer [${runs(firstAnswer)}] ms, hello [${runs(hello)}] ms`);
  return result;
}

/** Step 5: a fresh server, 10 tokens (10 seeded tenants of RECORDS customers), load, VmRSS. */
async function benchRss() {
  const server = await startNodeServer(SANDBOX_ARGS, { cwd: ROOT });
  try {
    await waitFor200(`${server.url}/__admin/health`);
    const idleMb = procStatusMb(server.pid, 'VmRSS');
    const tokens = Array.from({ length: RSS_TENANTS }, (_, i) => `rss-tenant-${String(i + 1).padStart(2, '0')}`);
    for (const token of tokens) {
      const res = await request(`${server.url}/api/customers.xml?per_page=1`, {
        headers: { authorization: basicAuth(token) },
      });
      if (res.status !== 200) throw new Error(`seeding tenant ${token}: status ${res.status}`);
    }
    const seededMb = procStatusMb(server.pid, 'VmRSS');
    const tenants = JSON.parse((await request(`${server.url}/__admin/tenants`)).body.toString()).tenants;
    if (tenants.length !== RSS_TENANTS)
      throw new Error(`expected ${RSS_TENANTS} tenants, server has ${tenants.length}`);
    // Load: every page of every tenant's customers (so every record is rendered) and single reads.
    const pages = Math.ceil((RECORDS + 1) / 100);
    const requests = [];
    for (const token of tokens) {
      const headers = { authorization: basicAuth(token) };
      for (let page = 1; page <= pages; page += 1) {
        requests.push({ method: 'GET', path: `/api/customers.xml?per_page=100&page=${page}`, headers });
      }
      requests.push({ method: 'GET', path: '/api/customers/12.xml', headers });
      requests.push({ method: 'GET', path: '/api/suppliers.xml', headers });
    }
    const load = await cannon({ url: server.url, connections: CONNECTIONS, duration: RSS_LOAD_S, requests });
    if (load.non2xx || load.errors || load.timeouts) {
      problems.push(`RSS load: ${load.non2xx} non-2xx, ${load.errors} errors, ${load.timeouts} timeouts`);
    }
    const rssMb = procStatusMb(server.pid, 'VmRSS');
    const hwmMb = procStatusMb(server.pid, 'VmHWM');
    log(
      `RSS idle ${idleMb.toFixed(1)} MB, after seeding ${RSS_TENANTS} tenants ${seededMb.toFixed(1)} MB, ` +
        `after ${load.total} requests ${rssMb.toFixed(1)} MB (peak ${hwmMb.toFixed(1)} MB)`,
    );
    return { idleMb, seededMb, rssMb, hwmMb, loadRequests: load.total, loadRps: load.rps };
  } finally {
    await stopProcess(server.child);
  }
}

function report({ throughput, cold, rss, scale }) {
  const out = [];
  const pass = (ok) => (ok ? 'PASS' : 'FAIL');
  if (throughput) {
    out.push(
      '',
      `Throughput (autocannon, ${CONNECTIONS} connections, ${DURATION} s after ${WARMUP} s warm-up)`,
      table([
        [
          'endpoint',
          'bytes',
          'sandbox req/s',
          'p99 ms',
          'ceiling req/s',
          'ceiling p99 ms',
          'ratio',
          'server CPU us/req (sandbox/ceiling)',
        ],
        ...ENDPOINTS.map((e) => [
          e.label,
          throughput.answers[e.key].body.length,
          Math.round(throughput.sandbox[e.key].rps),
          throughput.sandbox[e.key].p99,
          Math.round(throughput.ceiling[e.key].rps),
          throughput.ceiling[e.key].p99,
          `${((100 * throughput.sandbox[e.key].rps) / throughput.ceiling[e.key].rps).toFixed(1)}%`,
          `${throughput.sandbox[e.key].serverUsPerReq.toFixed(0)} / ${throughput.ceiling[e.key].serverUsPerReq.toFixed(0)}`,
        ]),
      ]),
    );
  }
  if (cold) {
    out.push(
      '',
      `Cold start (spawn -> first 200, median of ${COLD_RUNS})`,
      table([
        ['process', 'median ms', 'runs ms'],
        [
          'sandbox (node dist/pos-sandbox.js)',
          Number(cold.sandboxMedian.toFixed(1)),
          cold.sandbox.map((ms) => ms.toFixed(0)).join(' '),
        ],
        [
          'sandbox, first authenticated answer (default dataset)',
          Number(cold.firstAnswerMedian.toFixed(1)),
          cold.firstAnswer.map((ms) => ms.toFixed(0)).join(' '),
        ],
        [
          'bare Fastify (bench/hello.mjs)',
          Number(cold.helloMedian.toFixed(1)),
          cold.hello.map((ms) => ms.toFixed(0)).join(' '),
        ],
        ['ratio health / hello', `${cold.ratio.toFixed(2)}x`, ''],
        ['ratio first answer / hello', `${cold.firstAnswerRatio.toFixed(2)}x`, ''],
      ]),
    );
  }
  if (rss) {
    out.push(
      '',
      `Memory (--records ${RECORDS}, ${RSS_TENANTS} tenants, ${rss.loadRequests} requests over ${RSS_LOAD_S} s)`,
      table([
        ['moment', 'VmRSS MB'],
        ['idle, no tenant', Number(rss.idleMb.toFixed(1))],
        [`${RSS_TENANTS} tenants seeded`, Number(rss.seededMb.toFixed(1))],
        ['after load', Number(rss.rssMb.toFixed(1))],
        ['peak (VmHWM)', Number(rss.hwmMb.toFixed(1))],
      ]),
    );
  }
  const rows = [['target', 'measured', 'result']];
  if (throughput) {
    const ratio = throughput.sandbox.list.rps / throughput.ceiling.list.rps;
    rows.push([
      `XML list >= ${TARGETS.listRatio * 100}% of ceiling`,
      `${(ratio * 100).toFixed(1)}%`,
      pass(ratio >= TARGETS.listRatio),
    ]);
  } else rows.push([`XML list >= ${TARGETS.listRatio * 100}% of ceiling`, 'not measured', 'ERROR']);
  if (throughput) {
    const ratio = throughput.sandbox.listJson.rps / throughput.ceiling.listJson.rps;
    rows.push([
      `JSON list >= ${TARGETS.jsonListRatio}x a bare JSON.stringify route`,
      `${ratio.toFixed(2)}x`,
      pass(ratio >= TARGETS.jsonListRatio),
    ]);
  } else rows.push([`JSON list >= ${TARGETS.jsonListRatio}x a bare JSON.stringify route`, 'not measured', 'ERROR']);
  if (cold) {
    rows.push([
      `cold start <= ${TARGETS.coldRatio}x hello-world`,
      `${cold.ratio.toFixed(2)}x`,
      pass(cold.ratio <= TARGETS.coldRatio),
    ]);
    rows.push([
      `first authenticated answer <= ${TARGETS.firstAnswerRatio}x hello-world`,
      `${cold.firstAnswerRatio.toFixed(2)}x`,
      pass(cold.firstAnswerRatio <= TARGETS.firstAnswerRatio),
    ]);
  } else rows.push([`cold start <= ${TARGETS.coldRatio}x hello-world`, 'not measured', 'ERROR']);
  if (rss) rows.push([`RSS < ${TARGETS.rssMb} MB`, `${rss.rssMb.toFixed(1)} MB`, pass(rss.rssMb < TARGETS.rssMb)]);
  else rows.push([`RSS < ${TARGETS.rssMb} MB`, 'not measured', 'ERROR']);
  if (scale) {
    const [small, large] = SCALE_SIZES;
    out.push(
      '',
      `Scale (one sandbox, tenants grown through the API; each read at 1 connection, median of 3 runs of ${(SCALE_SECONDS / 3).toFixed(1)} s, sizes interleaved)`,
      table([
        ['read', `${small} req/s`, `${small} p99 ms`, `${large} req/s`, `${large} p99 ms`, `${large}/${small}`],
        ...Object.entries(scale.reads).map(([key, bySize]) => [
          scale.labels[key],
          Math.round(bySize[small].rps),
          bySize[small].p99,
          Math.round(bySize[large].rps),
          bySize[large].p99,
          `${(bySize[large].rps / bySize[small].rps).toFixed(2)}x`,
        ]),
        [
          'POST /api/customers.xml (10 connections)',
          Math.round(scale.creates[small].rps),
          scale.creates[small].p99,
          Math.round(scale.creates[large].rps),
          scale.creates[large].p99,
          `${(scale.creates[large].rps / scale.creates[small].rps).toFixed(2)}x`,
        ],
      ]),
      `grown in ${scale.grownAt[small].toFixed(1)} s and ${scale.grownAt[large].toFixed(1)} s; VmRSS ${scale.rssGrownMb.toFixed(1)} MB after growth, ${scale.rssMb.toFixed(1)} MB at the end`,
    );
    for (const [key, bySize] of Object.entries(scale.reads)) {
      const ratio = bySize[large].rps / bySize[small].rps;
      rows.push([
        `scale: ${scale.labels[key]} at ${large} >= ${SCALE_TARGETS.readRatio}x its ${small} rate, p99 < ${SCALE_TARGETS.p99Ms} ms`,
        `${ratio.toFixed(2)}x, p99 ${bySize[large].p99} ms`,
        pass(ratio >= SCALE_TARGETS.readRatio && bySize[large].p99 < SCALE_TARGETS.p99Ms),
      ]);
    }
    // "Creates stay >= 10,000/s" was set on a machine whose bare ceiling took 44,563 POSTs/s; it
    // is held as that share of the ceiling measured in this run, so machine speed cancels out.
    const createTarget = SCALE_TARGETS.createsPerSecond / SCALE_TARGETS.createCeilingThen;
    const label = `scale: creates at ${large} >= ${(createTarget * 100).toFixed(1)}% of this run's POST ceiling (${SCALE_TARGETS.createsPerSecond}/s at ${SCALE_TARGETS.createCeilingThen}/s)`;
    if (throughput) {
      const share = scale.creates[large].rps / throughput.ceiling.create.rps;
      rows.push([
        label,
        `${(share * 100).toFixed(1)}% (${Math.round(scale.creates[large].rps)}/s of ${Math.round(throughput.ceiling.create.rps)}/s)`,
        pass(share >= createTarget),
      ]);
    } else rows.push([label, 'no ceiling measured', 'ERROR']);
  } else rows.push(['scale', 'not measured', 'ERROR']);
  out.push('', 'Targets', table(rows));
  if (problems.length) out.push('', 'Problems (exit code 1):', ...problems.map((p) => `  - ${p}`));
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm run bench does)`);
  log(`node ${process.version}, duration ${DURATION} s, warm-up ${WARMUP} s, ${CONNECTIONS} connections`);
  log(`commit ${gitState()}`);
  const load = loadavg().map((l) => l.toFixed(2));
  log(`${cpus().length} CPUs, load average ${load.join(' ')} at start`);
  const dir = await mkdtemp(join(tmpdir(), 'pos-sandbox-bench-'));
  tempDir = dir;
  const found = {};
  // Each step stands alone: one that breaks is reported and the others still run.
  const step = async (name, fn) => {
    try {
      return await fn();
    } catch (error) {
      problems.push(`${name}: ${error.stack ?? error}`);
      return undefined;
    }
  };
  try {
    found.throughput = await step('throughput', () => benchThroughput(dir));
    found.cold = await step('cold start', benchColdStart);
    found.rss = await step('RSS', benchRss);
    found.scale = await step('scale', () => benchScale({ cli: CLI, root: ROOT, seconds: SCALE_SECONDS, log }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  report(found);
  const jsonAt = process.argv.indexOf('--json');
  if (jsonAt > 0 && process.argv[jsonAt + 1]) {
    const figures = {
      date: new Date().toISOString(),
      node: process.version,
      commit: gitState(),
      settings: { connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, coldRuns: COLD_RUNS, records: RECORDS },
      throughput: found.throughput && {
        sizes: Object.fromEntries(ENDPOINTS.map((e) => [e.key, found.throughput.answers[e.key].body.length])),
        sandbox: found.throughput.sandbox,
        ceiling: found.throughput.ceiling,
      },
      coldStart: found.cold,
      rss: found.rss,
      scale: found.scale,
      problems,
    };
    await writeFile(process.argv[jsonAt + 1], `${JSON.stringify(figures, null, 2)}\n`);
  }
  return problems.length === 0 ? 0 : 1;
}

// Never leave a server behind: on any exit (a crash included) and on Ctrl-C, stop the children.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}; stopping\n`);
    process.exit(1);
  });
}

const watchdog = setTimeout(() => {
  process.stderr.write(`bench: watchdog: still running after ${WATCHDOG_S} s; stopping\n`);
  for (const child of children) child.kill('SIGKILL');
  process.exit(1);
}, WATCHDOG_S * 1000);

main().then(
  (code) => {
    clearTimeout(watchdog);
    process.exitCode = code;
  },
  async (error) => {
    clearTimeout(watchdog);
    process.stderr.write(`bench: ${error.stack ?? error}\n`);
    await Promise.all([...children].map((child) => stopProcess(child)));
    process.exitCode = 1;
  },
);
