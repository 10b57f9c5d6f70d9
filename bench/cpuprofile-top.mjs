// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time,
// and the same time grouped by package / source area.
// Usage: node bench/cpuprofile-top.mjs <file.cpuprofile> [top=25]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/cpuprofile-top.mjs <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));

// Self time per node from the sample deltas (more exact than hitCount x mean interval).
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i += 1) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'node_modules/')
    .replace(/^.*\/(dist\/.*)$/, '$1');

const byFunction = new Map();
const byArea = new Map();
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (!us) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  let area;
  if (!url) area = functionName.startsWith('(') ? functionName : '(native/V8)';
  else if (url.startsWith('node:')) area = 'node: core';
  else if (url.includes('/node_modules/')) area = `node_modules/${url.split('/node_modules/').pop().split('/')[0]}`;
  else area = shortUrl(url).split('/').slice(0, 3).join('/');
  byArea.set(area, (byArea.get(area) ?? 0) + us);
}

const pct = (us) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
process.stdout.write(`${file}: ${(totalUs / 1000).toFixed(0)} ms sampled\n\nTop ${top} functions by self time\n`);
for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  process.stdout.write(`${pct(us)} ${ms(us)}  ${key}\n`);
}
process.stdout.write('\nSelf time by area\n');
for (const [area, us] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
  process.stdout.write(`${pct(us)} ${ms(us)}  ${area}\n`);
}
