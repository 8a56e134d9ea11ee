#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npx runlab` works on a fresh clone without a build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main/cli.ts');
const code = await main(process.argv);
// TensorFlow.js can leave timers behind; the command is over, so is the process.
process.exit(code);
