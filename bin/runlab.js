#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npx runlab` works on a fresh clone without a build.
// Both hooks: a `--callback` module in TypeScript outside an ES-module package loads as CommonJS.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

register();
registerCjs();
const { main, flushAndExit } = await import('../src/main/cli.ts');
const code = await main(process.argv);
// TensorFlow.js can leave timers behind, so the process is ended here — once everything
// written to stdout and stderr has reached them (a pipe takes it asynchronously).
await flushAndExit(code);
