import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/**
 * Golden files: exact expected output, one file each, under test/golden/<vendor>/ (Imonggo
 * unless told). A test compares its output with `expectGolden(name, actual)`; running the tests
 * with UPDATE_GOLDEN=1 rewrites the files from the output instead, except the pinned ones.
 *
 * A vendor directory's PINNED file lists (one name a line, `#` for comments) the goldens written
 * by hand from the vendor's own pages. UPDATE_GOLDEN never rewrites those, whoever calls, so
 * regenerating goldens cannot turn a departure from the vendor's sample into the new truth.
 */

const GOLDEN_ROOT = fileURLToPath(new URL('../golden/', import.meta.url));

export interface GoldenOptions {
  /** The directory under test/golden; "imonggo" unless given. */
  vendor?: string;
}

/** True when this run rewrites goldens from the actual output (UPDATE_GOLDEN=1). */
export function updatingGoldens(): boolean {
  return process.env.UPDATE_GOLDEN === '1';
}

/** The absolute path of a golden: test/golden/<vendor>/<name>. */
export function goldenPath(name: string, options: GoldenOptions = {}): string {
  if (basename(name) !== name || name.startsWith('.')) throw new Error(`a golden name is a plain file name: ${name}`);
  return join(GOLDEN_ROOT, options.vendor ?? 'imonggo', name);
}

/** The goldens of a vendor that UPDATE_GOLDEN leaves alone (its PINNED file). */
export function pinnedGoldens(options: GoldenOptions = {}): Set<string> {
  const file = join(GOLDEN_ROOT, options.vendor ?? 'imonggo', 'PINNED');
  if (!existsSync(file)) return new Set();
  const names = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
  return new Set(names);
}

/** A golden's text; throws when the file is missing. */
export function readGolden(name: string, options: GoldenOptions = {}): string {
  const file = goldenPath(name, options);
  if (!existsSync(file)) {
    throw new Error(`golden ${name} does not exist; run the test with UPDATE_GOLDEN=1 to create it from the output`);
  }
  return readFileSync(file, 'utf8');
}

/**
 * Asserts that `actual` equals the golden byte for byte. With UPDATE_GOLDEN=1 the golden is
 * (re)written from `actual` instead, unless it is pinned; a pinned one is still compared.
 */
export function expectGolden(name: string, actual: string, options: GoldenOptions = {}): void {
  if (updatingGoldens() && !pinnedGoldens(options).has(name)) {
    const file = goldenPath(name, options);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  expect(actual, `output differs from golden ${options.vendor ?? 'imonggo'}/${name}`).toBe(readGolden(name, options));
}
