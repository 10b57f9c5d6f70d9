import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * However the sandbox is started, signalling the process a test runner holds stops the server
 * and frees its port within 2 s. `npm start` is the case that leaked: npm hands the signal to the
 * `sh` running the script, which dies without passing it on, and the server lived on, reparented.
 * (dist/ is built by the global setup; `--ignore-scripts` skips `prestart`'s second build.)
 */

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

function spawnWay(way: 'npm start' | 'node'): ChildProcess {
  const args = ['--port', '0', '--log-level', 'silent', '--dataset', 'empty'];
  const child =
    way === 'npm start'
      ? spawn('npm', ['start', '--ignore-scripts', '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, ['dist/pos-sandbox.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  return child;
}

async function listeningPort(child: ChildProcess): Promise<number> {
  let out = '';
  for await (const chunk of child.stdout ?? []) {
    out += String(chunk);
    const match = /pos-sandbox listening on http:\/\/[^:]+:(\d+)/.exec(out);
    if (match?.[1]) return Number(match[1]);
  }
  throw new Error(`exited before listening: ${out}`);
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Ms until nothing listens on the port, or Infinity when it is still taken after `limitMs`. */
async function msUntilFree(port: number, limitMs: number): Promise<number> {
  const since = Date.now();
  while (Date.now() - since <= limitMs) {
    if (!(await portTaken(port))) return Date.now() - since;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Number.POSITIVE_INFINITY;
}

describe('signalling the process a test runner holds', () => {
  for (const way of ['npm start', 'node'] as const) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      it(`${way}, ${signal}: the server stops and its port is free within 2 s`, { timeout: 30_000 }, async () => {
        const child = spawnWay(way);
        const port = await listeningPort(child);
        expect(await portTaken(port)).toBe(true);
        child.kill(signal);
        expect(await msUntilFree(port, 2000)).toBeLessThanOrEqual(2000);
      });
    }
  }
});
