// Runs one autocannon measurement in a process of its own and prints its figures as JSON:
// node bench/cannon-child.mjs '<autocannon options as JSON>'. The scale section measures p99 at
// one connection; a client whose heap holds everything earlier bench steps left behind adds its
// own garbage-collection pauses to the latencies it reports, and a fresh process has none of that.
import { cannon } from './lib.mjs';

const options = JSON.parse(process.argv[2]);
process.stdout.write(`${JSON.stringify(await cannon(options))}\n`);
