#!/usr/bin/env node
// `npm run bench`: loads tsx and runs the TypeScript orchestrator (bench/lib/run-bench.ts);
// each measurement then runs in its own child process. Flags: --json, --quick, --repeats N.
import { register } from 'tsx/esm/api';

register();
const { runBench } = await import('../bench/lib/run-bench.ts');
process.exitCode = await runBench(process.argv.slice(2));
