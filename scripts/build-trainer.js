#!/usr/bin/env node
// Bundles the trainer into out/trainer/trainer-process.mjs (src/main/runs/trainer/trainer-bundle.ts),
// so a trainer process starts without compiling TypeScript. Part of `npm run build`; the
// CLI and the web host also rebuild it on their own when the sources are newer.
import { register } from 'tsx/esm/api';

register();
const { buildTrainerBundle } = await import('../src/main/runs/trainer/build-trainer-bundle.ts');
const started = performance.now();
const out = await buildTrainerBundle();
console.log(`trainer bundle → ${out} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
