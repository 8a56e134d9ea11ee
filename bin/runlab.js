#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npx runlab` works on a fresh clone without a build.
// Both hooks: a `--callback` module in TypeScript outside an ES-module package loads as CommonJS.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

register();
registerCjs();
const { main } = await import('../src/main/cli.ts');
const code = await main(process.argv);
// TensorFlow.js can leave timers behind; the command is over, so is the process.
process.exit(code);
