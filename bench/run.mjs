// pos-sandbox benchmark: throughput (Imonggo, Valomnia and MYPOS Connect endpoints) against a
// bare-Fastify ceiling, cold start against a bare hello-world, and RSS with 10 seeded Imonggo
// tenants, then 10 Imonggo + 10 Valomnia, then 10 of each of the three vendors; the control
// plane's costs (list throughput with the request journal on vs off, restoring a snapshot,
// creates with a data directory vs in memory, a cold start that imports 10 tenants).
// `npm run bench` builds first, then runs this.
// All traffic goes to 127.0.0.1. Exits 0 when everything ran (even if a target FAILs), 1 if
// something broke (a server did not start, a request was refused, the watchdog fired...).
//
// `node bench/run.mjs --json <file>` also writes every figure to <file>.
// Knobs (environment, for quick trials only): BENCH_DURATION (s, default 10), BENCH_WARMUP
// (s, default 3), BENCH_COLD_RUNS (default 5), BENCH_TIMEOUT (s, whole-run watchdog, default 900),
// BENCH_ONLY (a comma list of the steps to run: throughput, cold, rss, scale, journal, restore,
// datadir, import; default all).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  benchDataDir,
  benchImportColdStart,
  benchJournal,
  benchRestore,
  CONTROL_TARGETS,
  PERSISTENCE_TARGETS,
} from './control-plane.mjs';
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
import { myposEndpoints, myposRssRequests } from './mypos.mjs';
import { benchScale, SCALE_SIZES, SCALE_TARGETS } from './scale.mjs';
import { valomniaEndpoints, valomniaRssRequests } from './valomnia.mjs';

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
const WATCHDOG_S = Number(process.env.BENCH_TIMEOUT ?? 900);
const SCALE_SECONDS = Number(process.env.BENCH_SCALE_DURATION ?? 6);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
const CONNECTIONS = 10;
const RSS_TENANTS = 10;
const RSS_LOAD_S = 5;

const TARGETS = {
  listRatio: 0.5,
  jsonListRatio: 1.5,
  coldRatio: 1.3,
  firstAnswerRatio: 1.5,
  /** 10 Imonggo tenants alone, after their load (the first memory target). */
  rssMb: 150,
  /** 10 Imonggo + 10 Valomnia tenants, after the load of both. */
  rssBothMb: 200,
  valomniaListRatio: 0.5,
  valomniaShowRatio: 0.5,
  /** 10 tenants of each vendor (Imonggo, Valomnia, MYPOS), after the load of all three. */
  rssAllMb: 250,
  myposListRatio: 0.5,
  myposGetRatio: 0.5,
};

const CREATE_BODY = '<customer><first_name>Bench</first_name><last_name>Mark</last_name></customer>';
/**
 * The Imonggo endpoints; the Valomnia ones need a session and the MYPOS ones a bearer token, so
 * they are made once the sandbox is up.
 */
const IMONGGO_ENDPOINTS = [
  {
    key: 'list',
    vendor: 'Imonggo',
    label: 'GET /api/customers.xml?per_page=100',
    method: 'GET',
    path: '/api/customers.xml?per_page=100',
    route: '/api/customers.xml',
    token: 'bench-read',
  },
  {
    key: 'listJson',
    vendor: 'Imonggo',
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
    vendor: 'Imonggo',
    label: 'GET /api/customers/12.xml',
    method: 'GET',
    path: '/api/customers/12.xml',
    route: '/api/customers/12.xml',
    token: 'bench-read',
  },
  {
    key: 'create',
    vendor: 'Imonggo',
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

/**
 * One request of an endpoint: Basic auth of its token (Imonggo) or its own headers (a Valomnia
 * session, a MYPOS bearer token). A `body` that is a function makes a fresh body for each request.
 */
function requestOf(endpoint) {
  const headers = endpoint.headers ? { ...endpoint.headers } : { authorization: basicAuth(endpoint.token) };
  if (endpoint.contentType) headers['content-type'] = endpoint.contentType;
  const body = typeof endpoint.body === 'function' ? endpoint.body() : endpoint.body;
  return { method: endpoint.method, headers, body };
}

/** autocannon options for an endpoint; a body made per request goes through `setupRequest`. */
function loadOf(server, endpoint) {
  if (typeof endpoint.body !== 'function') {
    return { url: server.url + endpoint.path, connections: CONNECTIONS, ...requestOf(endpoint) };
  }
  const { method, headers } = requestOf(endpoint);
  const setupRequest = (req) => ({ ...req, body: endpoint.body() });
  return {
    url: server.url,
    connections: CONNECTIONS,
    requests: [{ method, path: endpoint.path, headers, setupRequest }],
  };
}

/** Warm-up (discarded), then the measured run; load errors are recorded as problems. */
async function measure(server, endpoint, who) {
  const options = loadOf(server, endpoint);
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
    const endpoints = [
      ...IMONGGO_ENDPOINTS,
      ...(await valomniaEndpoints(sandbox.url)),
      ...(await myposEndpoints(sandbox.url)),
    ];
    const answers = {};
    for (const endpoint of endpoints) {
      const res = await request(sandbox.url + endpoint.path, requestOf(endpoint));
      if (res.status !== (endpoint.status ?? 200)) {
        throw new Error(`sandbox ${endpoint.label} answered ${res.status}: ${res.body}`);
      }
      answers[endpoint.key] = { status: res.status, contentType: res.headers['content-type'], body: res.body };
      log(`captured ${endpoint.label}: ${res.body.length} bytes, ${res.headers['content-type']}`);
    }

    const file = join(dir, 'responses.json');
    const responses = endpoints.map((endpoint) => ({
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
    for (const endpoint of endpoints) {
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
    for (const endpoint of endpoints) {
      results.sandbox[endpoint.key] = await measure(sandbox, endpoint, 'sandbox');
      results.ceiling[endpoint.key] = await measure(ceiling, endpoint, 'ceiling');
    }
    return { endpoints, answers, ...results };
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

/**
 * Step 5: a fresh server; 10 Imonggo tokens (10 seeded tenants of RECORDS customers) and their
 * load, VmRSS (the first memory target); then 10 Valomnia logins (10 more tenants of RECORDS
 * customers) and a load over both vendors' tenants, VmRSS again; then 10 MYPOS tokens (10 more
 * tenants of RECORDS customers) and a load over all three vendors' tenants, VmRSS a third time.
 */
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
    await expectTenants(server.url, { imonggo: RSS_TENANTS });
    // Load: every page of every tenant's customers (so every record is rendered) and single reads.
    const pages = Math.ceil((RECORDS + 1) / 100);
    const imonggoRequests = [];
    for (const token of tokens) {
      const headers = { authorization: basicAuth(token) };
      for (let page = 1; page <= pages; page += 1) {
        imonggoRequests.push({ method: 'GET', path: `/api/customers.xml?per_page=100&page=${page}`, headers });
      }
      imonggoRequests.push({ method: 'GET', path: '/api/customers/12.xml', headers });
      imonggoRequests.push({ method: 'GET', path: '/api/suppliers.xml', headers });
    }
    const load = await rssLoad(server.url, imonggoRequests, 'Imonggo');
    const rssMb = procStatusMb(server.pid, 'VmRSS');
    const hwmMb = procStatusMb(server.pid, 'VmHWM');
    log(
      `RSS idle ${idleMb.toFixed(1)} MB, after seeding ${RSS_TENANTS} Imonggo tenants ${seededMb.toFixed(1)} MB, ` +
        `after ${load.total} requests ${rssMb.toFixed(1)} MB (peak ${hwmMb.toFixed(1)} MB)`,
    );

    const logins = Array.from({ length: RSS_TENANTS }, (_, i) => `rss-${String(i + 1).padStart(2, '0')}@example.com`);
    const valomniaRequests = await valomniaRssRequests(server.url, logins);
    const bothSeededMb = procStatusMb(server.pid, 'VmRSS');
    await expectTenants(server.url, { imonggo: RSS_TENANTS, valomnia: RSS_TENANTS });
    // Both vendors' requests interleaved, so every tenant stays in use while the heap settles.
    const bothLoad = await rssLoad(server.url, interleave(imonggoRequests, valomniaRequests), 'Imonggo + Valomnia');
    const bothRssMb = procStatusMb(server.pid, 'VmRSS');
    const bothHwmMb = procStatusMb(server.pid, 'VmHWM');
    log(
      `RSS after seeding ${RSS_TENANTS} Valomnia tenants more ${bothSeededMb.toFixed(1)} MB, ` +
        `after ${bothLoad.total} requests to both ${bothRssMb.toFixed(1)} MB (peak ${bothHwmMb.toFixed(1)} MB)`,
    );

    // The same emails as the Valomnia logins: tenants are per vendor, so these are 10 new ones.
    const myposRequests = await myposRssRequests(server.url, logins);
    const allSeededMb = procStatusMb(server.pid, 'VmRSS');
    await expectTenants(server.url, { imonggo: RSS_TENANTS, valomnia: RSS_TENANTS, myposconnect: RSS_TENANTS });
    const allLoad = await rssLoad(
      server.url,
      interleave(imonggoRequests, valomniaRequests, myposRequests),
      'Imonggo + Valomnia + MYPOS',
    );
    const allRssMb = procStatusMb(server.pid, 'VmRSS');
    const allHwmMb = procStatusMb(server.pid, 'VmHWM');
    log(
      `RSS after seeding ${RSS_TENANTS} MYPOS tenants more ${allSeededMb.toFixed(1)} MB, ` +
        `after ${allLoad.total} requests to all three ${allRssMb.toFixed(1)} MB (peak ${allHwmMb.toFixed(1)} MB)`,
    );
    return {
      idleMb,
      seededMb,
      rssMb,
      hwmMb,
      loadRequests: load.total,
      loadRps: load.rps,
      both: {
        seededMb: bothSeededMb,
        rssMb: bothRssMb,
        hwmMb: bothHwmMb,
        loadRequests: bothLoad.total,
        loadRps: bothLoad.rps,
      },
      all: {
        seededMb: allSeededMb,
        rssMb: allRssMb,
        hwmMb: allHwmMb,
        loadRequests: allLoad.total,
        loadRps: allLoad.rps,
      },
    };
  } finally {
    await stopProcess(server.child);
  }
}

/** The lists' requests taken in turn (one of each, then the next of each...), so every tenant stays in use. */
function interleave(...lists) {
  const mixed = [];
  for (let i = 0; i < Math.max(...lists.map((list) => list.length)); i += 1) {
    for (const list of lists) if (i < list.length) mixed.push(list[i]);
  }
  return mixed;
}

/** Throws unless the server holds exactly `counts` tenants per vendor ({ imonggo: 10, ... }). */
async function expectTenants(url, counts) {
  const { tenants } = JSON.parse((await request(`${url}/__admin/tenants`)).body.toString());
  const found = {};
  for (const tenant of tenants) found[tenant.vendor] = (found[tenant.vendor] ?? 0) + 1;
  const want = JSON.stringify(Object.entries(counts).sort());
  if (JSON.stringify(Object.entries(found).sort()) !== want) {
    throw new Error(`expected tenants ${JSON.stringify(counts)}, server has ${JSON.stringify(found)}`);
  }
}

/** RSS_LOAD_S of `requests` (cycled) at CONNECTIONS; refusals are recorded as problems. */
async function rssLoad(url, requests, who) {
  const load = await cannon({ url, connections: CONNECTIONS, duration: RSS_LOAD_S, requests });
  if (load.non2xx || load.errors || load.timeouts) {
    problems.push(`RSS load (${who}): ${load.non2xx} non-2xx, ${load.errors} errors, ${load.timeouts} timeouts`);
  }
  return load;
}

/** Prints the tables and the targets; returns the targets as { target, measured, result } rows. */
function report({ throughput, cold, rss, scale, journal, restore, dataDir, importStart }) {
  const out = [];
  const pass = (ok) => (ok ? 'PASS' : 'FAIL');
  if (throughput) {
    out.push(
      '',
      `Throughput (autocannon, ${CONNECTIONS} connections, ${DURATION} s after ${WARMUP} s warm-up)`,
      table([
        [
          'vendor',
          'endpoint',
          'bytes',
          'sandbox req/s',
          'p99 ms',
          'ceiling req/s',
          'ceiling p99 ms',
          'ratio',
          'server CPU us/req (sandbox/ceiling)',
        ],
        ...throughput.endpoints.map((e) => [
          e.vendor,
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
      `Memory (--records ${RECORDS}; ${RSS_TENANTS} Imonggo tenants, then ${RSS_TENANTS} Valomnia tenants more, then ${RSS_TENANTS} MYPOS tenants more; each load ${RSS_LOAD_S} s at ${CONNECTIONS} connections)`,
      table([
        ['moment', 'VmRSS MB'],
        ['idle, no tenant', Number(rss.idleMb.toFixed(1))],
        [`${RSS_TENANTS} Imonggo tenants seeded`, Number(rss.seededMb.toFixed(1))],
        [`after ${rss.loadRequests} Imonggo requests`, Number(rss.rssMb.toFixed(1))],
        ['peak so far (VmHWM)', Number(rss.hwmMb.toFixed(1))],
        [`+ ${RSS_TENANTS} Valomnia tenants seeded`, Number(rss.both.seededMb.toFixed(1))],
        [`after ${rss.both.loadRequests} requests to both vendors`, Number(rss.both.rssMb.toFixed(1))],
        ['peak so far (VmHWM)', Number(rss.both.hwmMb.toFixed(1))],
        [`+ ${RSS_TENANTS} MYPOS tenants seeded`, Number(rss.all.seededMb.toFixed(1))],
        [`after ${rss.all.loadRequests} requests to all three vendors`, Number(rss.all.rssMb.toFixed(1))],
        ['peak (VmHWM)', Number(rss.all.hwmMb.toFixed(1))],
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
  const vendorRatios = [
    [
      'valomniaList',
      `Valomnia list (max=100) >= ${TARGETS.valomniaListRatio * 100}% of ceiling`,
      TARGETS.valomniaListRatio,
    ],
    ['valomniaShow', `Valomnia show >= ${TARGETS.valomniaShowRatio * 100}% of ceiling`, TARGETS.valomniaShowRatio],
    ['valomniaCreate', 'Valomnia create (form) share of ceiling (figure, no target)', null],
    ['valomniaImage', 'Valomnia medium_ image share of ceiling (figure, no target)', null],
    ['myposList', `MYPOS list (liPageSize=100) >= ${TARGETS.myposListRatio * 100}% of ceiling`, TARGETS.myposListRatio],
    ['myposGet', `MYPOS get by code >= ${TARGETS.myposGetRatio * 100}% of ceiling`, TARGETS.myposGetRatio],
    ['myposCreate', 'MYPOS create (JSON) share of ceiling (figure, no target)', null],
  ];
  for (const [key, label, target] of vendorRatios) {
    if (throughput?.sandbox[key]) {
      const ratio = throughput.sandbox[key].rps / throughput.ceiling[key].rps;
      rows.push([label, `${(ratio * 100).toFixed(1)}%`, target === null ? 'info' : pass(ratio >= target)]);
    } else rows.push([label, 'not measured', target === null ? 'info' : 'ERROR']);
  }
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
  const rssLabel = `RSS, ${RSS_TENANTS} Imonggo tenants after load < ${TARGETS.rssMb} MB`;
  const rssBothLabel = `RSS, ${RSS_TENANTS} Imonggo + ${RSS_TENANTS} Valomnia tenants after load < ${TARGETS.rssBothMb} MB`;
  const rssAllLabel = `RSS, ${RSS_TENANTS} Imonggo + ${RSS_TENANTS} Valomnia + ${RSS_TENANTS} MYPOS tenants after load < ${TARGETS.rssAllMb} MB`;
  if (rss) {
    rows.push([rssLabel, `${rss.rssMb.toFixed(1)} MB`, pass(rss.rssMb < TARGETS.rssMb)]);
    rows.push([rssBothLabel, `${rss.both.rssMb.toFixed(1)} MB`, pass(rss.both.rssMb < TARGETS.rssBothMb)]);
    rows.push([rssAllLabel, `${rss.all.rssMb.toFixed(1)} MB`, pass(rss.all.rssMb < TARGETS.rssAllMb)]);
  } else {
    rows.push([rssLabel, 'not measured', 'ERROR']);
    rows.push([rssBothLabel, 'not measured', 'ERROR']);
    rows.push([rssAllLabel, 'not measured', 'ERROR']);
  }
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
  if (journal) {
    out.push(
      '',
      'Request journal (the same server with --journal 0 and with the default 1,000; runs off/on three times, medians of three)',
      table([
        ['endpoint', 'off req/s', 'on req/s', 'on/off', 'server CPU us/req (off/on)'],
        ...Object.values(journal).map((f) => [
          f.label,
          Math.round(f.offRps),
          Math.round(f.onRps),
          `${(100 * f.ratio).toFixed(1)}%`,
          `${f.offUsPerReq.toFixed(0)} / ${f.onUsPerReq.toFixed(0)}`,
        ]),
      ]),
    );
    for (const f of Object.values(journal)) {
      rows.push([
        `journal on >= ${CONTROL_TARGETS.journalRatio * 100}% of off: ${f.label}`,
        `${(100 * f.ratio).toFixed(1)}%`,
        pass(f.ratio >= CONTROL_TARGETS.journalRatio),
      ]);
    }
  } else rows.push(['journal on vs off', 'not measured', 'ERROR']);
  const restoreLabel = `restore of a 10,000-customer snapshot (then its first read) < ${CONTROL_TARGETS.restoreMs} ms, median of 5`;
  if (restore) {
    rows.push([
      restoreLabel,
      `${restore.medianMs.toFixed(1)} ms (${restore.customers} customers; runs ${restore.runsMs.map((t) => t.toFixed(1)).join(', ')})`,
      pass(restore.medianMs < CONTROL_TARGETS.restoreMs),
    ]);
  } else rows.push([restoreLabel, 'not measured', 'ERROR']);
  const dataDirLabel = `creates with --data-dir >= ${PERSISTENCE_TARGETS.dataDirRatio * 100}% of in memory (runs memory/disk/memory/disk, medians)`;
  if (dataDir) {
    rows.push([
      dataDirLabel,
      `${(100 * dataDir.ratio).toFixed(1)}% (${Math.round(dataDir.diskRps)} vs ${Math.round(dataDir.memoryRps)}/s; server CPU ${dataDir.diskUsPerReq.toFixed(0)} vs ${dataDir.memoryUsPerReq.toFixed(0)} us/req; file ${(dataDir.fileBytes / 2 ** 20).toFixed(1)} MiB)`,
      pass(dataDir.ratio >= PERSISTENCE_TARGETS.dataDirRatio),
    ]);
  } else rows.push([dataDirLabel, 'not measured', 'ERROR']);
  const importLabel = 'cold start with --import of 10 demo tenants (figure, no target)';
  if (importStart) {
    rows.push([
      importLabel,
      `${importStart.importMs.toFixed(0)} ms vs ${importStart.plainMs.toFixed(0)} ms without (${importStart.ratio.toFixed(2)}x)`,
      'info',
    ]);
  } else rows.push([importLabel, 'not measured', 'ERROR']);
  out.push('', 'Targets', table(rows));
  if (problems.length) out.push('', 'Problems (exit code 1):', ...problems.map((p) => `  - ${p}`));
  process.stdout.write(`${out.join('\n')}\n`);
  return rows.slice(1).map(([target, measured, result]) => ({ target, measured, result }));
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
    if (ONLY && !ONLY.has(name.split(' ')[0].toLowerCase())) return undefined;
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
    found.journal = await step('journal', () => benchJournal({ args: SANDBOX_ARGS, root: ROOT, log, measure }));
    found.restore = await step('restore', () => benchRestore({ args: SANDBOX_ARGS, root: ROOT, log }));
    found.dataDir = await step('datadir', () =>
      benchDataDir({ args: SANDBOX_ARGS, root: ROOT, log, measure, tempDir: dir }),
    );
    found.importStart = await step('import', () =>
      benchImportColdStart({ args: SANDBOX_ARGS, root: ROOT, log, tempDir: dir }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const targets = report(found);
  const jsonAt = process.argv.indexOf('--json');
  if (jsonAt > 0 && process.argv[jsonAt + 1]) {
    const figures = {
      date: new Date().toISOString(),
      node: process.version,
      commit: gitState(),
      settings: { connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, coldRuns: COLD_RUNS, records: RECORDS },
      throughput: found.throughput && {
        endpoints: found.throughput.endpoints.map((e) => ({
          key: e.key,
          vendor: e.vendor,
          label: e.label,
          method: e.method,
          path: e.path,
          status: found.throughput.answers[e.key].status,
          contentType: found.throughput.answers[e.key].contentType,
        })),
        sizes: Object.fromEntries(
          found.throughput.endpoints.map((e) => [e.key, found.throughput.answers[e.key].body.length]),
        ),
        sandbox: found.throughput.sandbox,
        ceiling: found.throughput.ceiling,
      },
      coldStart: found.cold,
      rss: found.rss,
      scale: found.scale,
      journal: found.journal,
      restore: found.restore,
      dataDir: found.dataDir,
      importStart: found.importStart,
      targets,
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
