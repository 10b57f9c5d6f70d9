import { execFileSync } from 'node:child_process';

/** Builds dist/ once, for the tests that start the real server process. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
