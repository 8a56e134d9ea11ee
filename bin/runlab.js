#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npx runlab` works on a fresh clone without a build.
import { register } from 'tsx/esm/api';

register();
const { main, flushAndExit } = await import('../src/main/cli.ts');
const code = await main(process.argv);
// TensorFlow.js can leave timers behind, so the process is ended here — once everything
// written to stdout and stderr has reached them (a pipe takes it asynchronously).
await flushAndExit(code);
