import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes the URL a started sandbox serves to `path`, for whoever cannot read its stdout: a
 * container's HEALTHCHECK, a CI script in any language. The file appears whole or not at all
 * (written beside it, then renamed), so a reader never sees half a URL.
 */
export function writeUrlFile(path: string, url: string): void {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, `${url}\n`);
  renameSync(partial, path);
}

/**
 * Removes the URL file on stop, so a health check reads "not running" rather than a stale port;
 * left alone when another sandbox has written its own URL there since.
 */
export function removeUrlFile(path: string, url: string): void {
  try {
    if (readFileSync(path, 'utf8').trim() === url) rmSync(path);
  } catch {
    // Already gone: nothing to remove.
  }
}
