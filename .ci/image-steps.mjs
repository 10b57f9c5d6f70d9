// Carries out the Dockerfile's steps without a Docker engine (CI machines have only the client),
// so that what the image runs is what CI proved: each stage's COPY and RUN in a folder of its own
// (a stage's "/" is that folder), then the last stage's ENTRYPOINT, CMD and HEALTHCHECK with its
// ENV. Only the instructions this Dockerfile uses are understood; any other one fails the run, so
// a change to the Dockerfile cannot slip past unproved. The base image is the machine's own Node.
//
// Proves: flags after the image name reach the server (ENTRYPOINT + CMD), the health check
// passes whether the port comes from the environment or a flag and fails once the server stops,
// SIGTERM stops it within 2 s, and the runtime stage holds only the bundle and what it loads.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const context = process.cwd();
const lines = readFileSync(join(context, 'Dockerfile'), 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const ignored = readFileSync(join(context, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter(Boolean);

const work = mkdtempSync(join(tmpdir(), 'image-steps-'));
const stages = new Map();
let stage;
const args = {};
const substitute = (text) => text.replace(/\$\{(\w+)\}/g, (_, name) => args[name] ?? '');
// A path inside a stage: absolute ones from the stage's root, relative ones from its WORKDIR.
const inStage = (target, path) => join(target.root, path.startsWith('/') ? path : join(target.workdir, path));

for (const line of lines) {
  const [instruction, ...rest] = line.split(/\s+/);
  const operand = line.slice(instruction.length).trim();
  switch (instruction.toUpperCase()) {
    case 'ARG': {
      const [name, value = ''] = operand.split('=');
      args[name] = value;
      break;
    }
    case 'FROM': {
      const name = /\bAS\s+(\S+)/i.exec(operand)?.[1] ?? `stage-${stages.size}`;
      stage = { name, root: join(work, name), workdir: '/', env: {}, user: 'root', run: [] };
      mkdirSync(stage.root, { recursive: true });
      stages.set(name, stage);
      console.log(`image: FROM ${substitute(rest[0])} (this machine's Node ${process.version}) AS ${name}`);
      break;
    }
    case 'WORKDIR':
      stage.workdir = operand;
      mkdirSync(inStage(stage, operand), { recursive: true });
      break;
    case 'ENV':
      for (const [, name, value] of operand.matchAll(/(\w+)=(\S+)/g)) stage.env[name] = value;
      break;
    case 'COPY': {
      const from = /^--from=(\S+)/.exec(rest[0])?.[1];
      const paths = from ? rest.slice(1) : rest;
      const destination = paths.pop();
      for (const source of paths) {
        let origin;
        if (from) {
          origin = inStage(stages.get(from), source);
        } else {
          if (ignored.includes(source.split('/')[0])) throw new Error(`COPY ${source}: .dockerignore leaves it out`);
          origin = join(context, source);
        }
        if (!existsSync(origin)) throw new Error(`COPY ${source}: not found`);
        const target = destination.endsWith('/')
          ? join(inStage(stage, destination), basename(source))
          : inStage(stage, destination);
        cpSync(origin, target, { recursive: true });
      }
      break;
    }
    case 'RUN':
      console.log(`image: [${stage.name}] RUN ${operand}`);
      execFileSync('/bin/sh', ['-c', operand], {
        cwd: inStage(stage, stage.workdir),
        stdio: 'inherit',
        env: { ...process.env, ...stage.env, npm_config_prefer_offline: 'true' },
      });
      break;
    case 'USER':
      stage.user = operand;
      break;
    case 'EXPOSE':
      stage.expose = Number(operand);
      break;
    case 'HEALTHCHECK':
      stage.healthcheck = JSON.parse(operand.slice(operand.indexOf('CMD') + 3));
      break;
    case 'ENTRYPOINT':
      stage.entrypoint = JSON.parse(operand);
      break;
    case 'CMD':
      stage.cmd = JSON.parse(operand);
      break;
    default:
      throw new Error(
        `.ci/image-steps.mjs does not know the instruction ${instruction}: teach it, or the image goes unproved`,
      );
  }
}

const image = stage;
for (const key of ['entrypoint', 'cmd', 'healthcheck']) {
  if (!image[key]) throw new Error(`the last stage has no ${key.toUpperCase()} in exec form`);
}
if (image.user === 'root') throw new Error('the image runs as root');

// The runtime stage: the bundle, its package.json, the contracts and the packages it loads.
const appRoot = inStage(image, image.workdir);
const size = (path) =>
  statSync(path).isDirectory()
    ? readdirSync(path).reduce((sum, name) => sum + size(join(path, name)), 0)
    : statSync(path).size;
const modules = readdirSync(join(appRoot, 'node_modules'));
for (const unwanted of ['typescript', 'vitest', 'esbuild', '@biomejs', 'fastify', 'lowdb']) {
  if (modules.includes(unwanted)) throw new Error(`the runtime stage carries ${unwanted}`);
}
if (existsSync(join(appRoot, 'dist', 'src')) || existsSync(join(appRoot, 'src')))
  throw new Error('sources in the runtime stage');
console.log(
  `image: runtime /app holds ${readdirSync(appRoot).join(', ')}; dist: ${readdirSync(join(appRoot, 'dist')).join(', ')}; ` +
    `${modules.length} top-level packages in node_modules, ${(size(appRoot) / 2 ** 20).toFixed(1)} MiB in all`,
);

// The container's environment: the image's ENV, with its absolute paths under the stage's root.
const containerEnv = (extra = {}) => {
  const env = { PATH: process.env.PATH, HOME: appRoot };
  for (const [name, value] of Object.entries({ ...image.env, ...extra })) {
    env[name] = value.startsWith('/') ? join(image.root, value) : value;
  }
  mkdirSync(join(image.root, 'tmp'), { recursive: true });
  return env;
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const healthcheck = (env) =>
  new Promise((resolve) => {
    const [command, ...rest] = image.healthcheck;
    const child = spawn(command, rest, { cwd: appRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('exit', (code) => resolve({ code, err: err.trim() }));
  });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `docker run [-e …] image [flags]`: starts the server, checks health and the Imonggo customer count, stops it. */
async function run(title, { env: extraEnv = {}, flags, port, expectedCount }) {
  const env = containerEnv(extraEnv);
  const argv = [...image.entrypoint.slice(1), ...(flags ?? image.cmd)];
  const child = spawn(image.entrypoint[0], argv, { cwd: appRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr.on('data', (chunk) => {
    out += chunk;
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  try {
    let health = { code: 1, err: '' };
    for (let tries = 0; tries < 150 && health.code !== 0; tries++) {
      await sleep(100);
      health = await healthcheck(env);
    }
    if (health.code !== 0) throw new Error(`${title}: the health check never passed (${health.err})\n${out}`);
    const url = `http://127.0.0.1:${port}`;
    const auth = `Basic ${Buffer.from('4acc660ce98b9d38d7fea10705aa1ebd7d836fe0:X').toString('base64')}`;
    const answer = await fetch(`${url}/api/customers.xml?q=count`, { headers: { authorization: auth } });
    const body = await answer.text();
    const count = Number(/<count type="integer">(\d+)<\/count>/.exec(body)?.[1]);
    if (answer.status !== 200 || count !== expectedCount)
      throw new Error(`${title}: the count answered ${answer.status} ${body}`);
    const since = Date.now();
    child.kill('SIGTERM');
    const end = await Promise.race([exited, sleep(2000).then(() => 'still running')]);
    if (end !== 0) throw new Error(`${title}: SIGTERM ended it with ${end} after ${Date.now() - since} ms\n${out}`);
    const after = await healthcheck(env);
    if (after.code === 0) throw new Error(`${title}: the health check still passes after the server stopped`);
    console.log(
      `image: ${title}: healthy on port ${port}, ${count} Imonggo customers, stopped by SIGTERM in ${Date.now() - since} ms, then unhealthy`,
    );
  } finally {
    child.kill('SIGKILL');
  }
}

try {
  const envPort = await freePort();
  await run(`docker run -e POS_SANDBOX_PORT=${envPort} pos-sandbox`, {
    env: { POS_SANDBOX_PORT: String(envPort) },
    port: envPort,
    // CMD's demo dataset: the docs customer and 120 generated ones.
    expectedCount: 121,
  });
  const flagPort = await freePort();
  await run(`docker run pos-sandbox --port ${flagPort} --dataset docs --log-level warn`, {
    flags: ['--port', String(flagPort), '--dataset', 'docs', '--log-level', 'warn'],
    port: flagPort,
    // The flags replaced CMD: the docs dataset holds the vendor page's one customer.
    expectedCount: 1,
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
