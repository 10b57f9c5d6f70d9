import { execFileSync } from 'node:child_process';

/** Builds dist/ (and the bundle the bin runs) once, for the tests that start the real process. */
export default function setup(): void {
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
}
