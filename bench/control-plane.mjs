// The control plane's part of `npm run bench`:
// - the request journal's cost: list throughput with the journal on (the default, 1,000 per
//   tenant) against the same server with `--journal 0`, runs interleaved off/on three times,
//   medians of three, so drift on a shared machine hits both alike and one slow phase (in one
//   run it raised the client's CPU per request from 82 to 138 µs for 3 of 4 runs) does not
//   decide the figure alone; target: on >= 80 % of off;
// - restoring a snapshot of a 10,000-customer tenant after writes, timed at the client (the
//   control API's round trip included); target: < 100 ms.
import { performance } from 'node:perf_hooks';
import { basicAuth, median, request, startNodeServer, stopProcess, waitFor200 } from './lib.mjs';
import { valomniaLogin } from './valomnia.mjs';

export const CONTROL_TARGETS = { journalRatio: 0.8, restoreMs: 100 };

const RESTORE_CUSTOMERS = 10_000;
const RESTORE_RUNS = 5;
const JSON_TYPE = { 'content-type': 'application/json' };

/** The list endpoints whose throughput the journal must not sink. */
async function listEndpoints(url) {
  const cookie = await valomniaLogin(url, 'bench-journal@example.com');
  return [
    {
      key: 'imonggoList',
      label: 'Imonggo GET /api/customers.xml?per_page=100',
      method: 'GET',
      path: '/api/customers.xml?per_page=100',
      headers: { authorization: basicAuth('bench-journal') },
    },
    {
      key: 'valomniaList',
      label: 'Valomnia GET /api/v1.0/customers?max=100',
      method: 'GET',
      path: '/api/v1.0/customers?max=100',
      headers: { cookie },
    },
  ];
}

/**
 * Throughput of the list endpoints with the journal off and on. `measure(server, endpoint, who)`
 * is run.mjs's warm-up-then-measure; `args` start the sandbox as the throughput step does.
 */
export async function benchJournal({ args, root, log, measure }) {
  const runs = { off: {}, on: {} };
  for (const mode of ['off', 'on', 'off', 'on', 'off', 'on']) {
    const server = await startNodeServer([...args, '--journal', mode === 'on' ? '1000' : '0'], { cwd: root });
    try {
      await waitFor200(`${server.url}/__admin/health`);
      for (const endpoint of await listEndpoints(server.url)) {
        const result = await measure(server, endpoint, `journal ${mode}`);
        runs[mode][endpoint.key] = [...(runs[mode][endpoint.key] ?? []), result];
      }
      if (mode === 'on') {
        const journal = await request(`${server.url}/__admin/tenants/imonggo/bench-journal/requests/count`);
        const { count } = JSON.parse(journal.body.toString('utf8'));
        if (count !== 1000) throw new Error(`the journal holds ${count} entries after the load, not 1000`);
        log(`journal on: the Imonggo tenant's journal is full (${count} entries)`);
      }
    } finally {
      await stopProcess(server.child);
    }
  }
  const figures = {};
  for (const key of Object.keys(runs.on)) {
    const off = median(runs.off[key].map((r) => r.rps));
    const on = median(runs.on[key].map((r) => r.rps));
    figures[key] = {
      label: runs.on[key][0].label ?? key,
      offRps: off,
      onRps: on,
      ratio: on / off,
      offUsPerReq: median(runs.off[key].map((r) => r.serverUsPerReq)),
      onUsPerReq: median(runs.on[key].map((r) => r.serverUsPerReq)),
    };
  }
  return figures;
}

/** Snapshot a 10,000-customer tenant, write to it, and time the restores. */
export async function benchRestore({ args, root, log }) {
  const server = await startNodeServer(args, { cwd: root });
  try {
    await waitFor200(`${server.url}/__admin/health`);
    const credential = 'bench-restore';
    const made = await request(`${server.url}/__admin/tenants`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify({ vendor: 'imonggo', credential, dataset: 'demo', records: RESTORE_CUSTOMERS }),
    });
    if (made.status !== 201) throw new Error(`creating the tenant: ${made.status} ${made.body}`);
    const auth = { authorization: basicAuth(credential) };
    const count = async () => {
      const res = await request(`${server.url}/api/customers.xml?q=count`, { headers: auth });
      return Number(/<count type="integer">(\d+)</.exec(res.body.toString('utf8'))?.[1]);
    };
    const before = await count();
    const saved = await request(`${server.url}/__admin/snapshots`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify({ name: 'bench', tenants: [{ vendor: 'imonggo', credential }] }),
    });
    if (saved.status !== 201) throw new Error(`saving the snapshot: ${saved.status} ${saved.body}`);
    const timings = [];
    for (let run = 0; run < RESTORE_RUNS; run++) {
      for (let i = 0; i < 20; i++) {
        await request(`${server.url}/api/customers.xml`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/xml' },
          body: `<customer><name>Restore ${run}-${i}</name></customer>`,
        });
      }
      if ((await count()) !== before + 20) throw new Error('the writes before a restore did not land');
      const started = performance.now();
      const restored = await request(`${server.url}/__admin/snapshots/bench/restore`, { method: 'POST' });
      timings.push(performance.now() - started);
      if (restored.status !== 200) throw new Error(`restore: ${restored.status} ${restored.body}`);
      // The first read after a restore rebuilds the indexes the restore dropped: part of its cost.
      const readStarted = performance.now();
      const after = await count();
      timings[timings.length - 1] += performance.now() - readStarted;
      if (after !== before) throw new Error(`after the restore the tenant holds ${after} customers, not ${before}`);
    }
    log(`restore of ${before} customers (then the first count): ${timings.map((t) => t.toFixed(1)).join(', ')} ms`);
    return { customers: before, runsMs: timings, medianMs: median(timings) };
  } finally {
    await stopProcess(server.child);
  }
}

export const PERSISTENCE_TARGETS = { dataDirRatio: 0.8 };

const CREATE_ENDPOINT = {
  key: 'create',
  label: 'Imonggo POST /api/customers.xml',
  method: 'POST',
  path: '/api/customers.xml',
  headers: { authorization: basicAuth('bench-persist'), 'content-type': 'application/xml' },
  body: '<customer><first_name>Bench</first_name><last_name>Mark</last_name></customer>',
};

/**
 * Creates per second in memory and with --data-dir (a fresh directory each run), runs
 * interleaved memory/disk/memory/disk; target: with the directory >= 80 % of in memory. Each run's
 * tenant grows by every create, so the directory writes a growing file every window.
 */
export async function benchDataDir({ args, root, log, measure, tempDir }) {
  const { mkdtemp, readdir, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const runs = { memory: [], disk: [] };
  let written = null;
  for (const mode of ['memory', 'disk', 'memory', 'disk']) {
    const dir = mode === 'disk' ? await mkdtemp(join(tempDir, 'data-dir-')) : null;
    const server = await startNodeServer(dir ? [...args, '--data-dir', dir] : args, { cwd: root });
    try {
      await waitFor200(`${server.url}/__admin/health`);
      runs[mode].push(await measure(server, CREATE_ENDPOINT, `creates ${mode}`));
    } finally {
      await stopProcess(server.child);
    }
    if (dir) {
      const folder = join(dir, 'tenants', 'imonggo');
      const [file] = await readdir(folder);
      written = { bytes: (await stat(join(folder, file))).size };
      log(`data dir: the tenant's file holds ${(written.bytes / 2 ** 20).toFixed(1)} MiB after the run`);
    }
  }
  const memory = median(runs.memory.map((r) => r.rps));
  const disk = median(runs.disk.map((r) => r.rps));
  return {
    memoryRps: memory,
    diskRps: disk,
    ratio: disk / memory,
    memoryUsPerReq: median(runs.memory.map((r) => r.serverUsPerReq)),
    diskUsPerReq: median(runs.disk.map((r) => r.serverUsPerReq)),
    fileBytes: written?.bytes ?? 0,
  };
}

/**
 * Cold start (spawn to the first 200 of /__admin/health) with --import of 10 tenant documents
 * (demo tenants of the three vendors, exported from a running sandbox), against the same start
 * without them; runs interleaved, medians. A figure, no target.
 */
export async function benchImportColdStart({ args, root, log, tempDir, runs = 5 }) {
  const { writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const source = await startNodeServer(args, { cwd: root });
  const files = [];
  try {
    await waitFor200(`${source.url}/__admin/health`);
    const vendors = ['imonggo', 'valomnia', 'myposconnect'];
    for (let i = 0; i < 10; i++) {
      const vendor = vendors[i % 3];
      const credential = vendor === 'imonggo' ? `import-${i}` : `import-${i}@example.com`;
      const doc = await request(`${source.url}/__admin/tenants/${vendor}/${encodeURIComponent(credential)}/export`);
      if (doc.status !== 200) throw new Error(`export ${vendor} ${credential}: ${doc.status}`);
      const file = join(tempDir, `tenant-${i}.json`);
      await writeFile(file, doc.body);
      files.push(file);
    }
  } finally {
    await stopProcess(source.child);
  }
  const importArgs = [...args, ...files.flatMap((file) => ['--import', file])];
  const startOnce = async (list) => {
    const server = await startNodeServer(list, { cwd: root });
    try {
      return (await waitFor200(`${server.url}/__admin/health`)) - server.startedAt;
    } finally {
      await stopProcess(server.child);
    }
  };
  await startOnce(importArgs);
  const plain = [];
  const imported = [];
  for (let run = 0; run < runs; run++) {
    plain.push(await startOnce(args));
    imported.push(await startOnce(importArgs));
  }
  log(
    `cold start: plain [${plain.map((ms) => ms.toFixed(0)).join(', ')}] ms, with 10 imports [${imported.map((ms) => ms.toFixed(0)).join(', ')}] ms`,
  );
  return {
    plainMs: median(plain),
    importMs: median(imported),
    ratio: median(imported) / median(plain),
    runs: { plain, imported },
  };
}
