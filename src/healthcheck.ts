// `node dist/healthcheck.js [URL_FILE]`: exits 0 when the sandbox whose URL the file holds
// answers GET /__admin/health with 200 within 2 s, and 1 otherwise (no file, refused, slow).
// The file is the one `--url-file` / POS_SANDBOX_URL_FILE names, so the check follows the port
// however it was set (flag, environment or 0); the Docker image's HEALTHCHECK runs this.
import { readFileSync } from 'node:fs';

const HEALTH_PATH = '/__admin/health';
const TIMEOUT_MS = 2000;

async function main(): Promise<number> {
  const path = process.argv[2] ?? process.env.POS_SANDBOX_URL_FILE;
  if (!path) {
    process.stderr.write('healthcheck: no URL file (pass its path or set POS_SANDBOX_URL_FILE)\n');
    return 1;
  }
  let url: string;
  try {
    url = readFileSync(path, 'utf8').trim();
  } catch {
    process.stderr.write(`healthcheck: ${path} does not exist: the sandbox is not listening\n`);
    return 1;
  }
  try {
    const answer = await fetch(`${url}${HEALTH_PATH}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (answer.status === 200) return 0;
    process.stderr.write(`healthcheck: ${url}${HEALTH_PATH} answered ${answer.status}\n`);
  } catch (error) {
    process.stderr.write(`healthcheck: ${url}${HEALTH_PATH}: ${(error as Error).message}\n`);
  }
  return 1;
}

process.exitCode = await main();
