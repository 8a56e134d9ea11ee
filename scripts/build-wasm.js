// Compiles the hand-written WebAssembly kernels (src/**/*.wat) into TypeScript modules that
// hold their bytes (<name>-wasm.ts beside each .wat), so the main process, the trainer, the
// CLI and the tests load them the same way with no asset handling. `npm run build:wasm`
// after editing a .wat; a unit test fails while a .wat and its module disagree.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import createWabt from 'wabt';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every .wat under src/. */
export function watFiles(dir = join(root, 'src')) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return watFiles(path);
    return entry.name.endsWith('.wat') ? [path] : [];
  });
}

/** The generated module's path for a .wat. */
export const modulePath = (watPath) => join(dirname(watPath), `${basename(watPath, '.wat')}-wasm.ts`);

/** A .wat's binary (SIMD enabled), validated. */
export async function compileWat(watPath) {
  const wabt = await createWabt();
  const parsed = wabt.parseWat(basename(watPath), readFileSync(watPath, 'utf8'), { simd: true });
  try {
    parsed.validate();
    return new Uint8Array(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

/** The TypeScript module that holds a .wat's binary. */
export function moduleSource(watPath, bytes) {
  const source = relative(root, watPath).split('\\').join('/');
  const base64 = Buffer.from(bytes).toString('base64');
  const lines = base64.match(/.{1,96}/g) ?? [];
  return [
    `// Generated from ${basename(watPath)} by \`npm run build:wasm\` (scripts/build-wasm.js): do not edit.`,
    `// Source: ${source}`,
    `export const WASM_BASE64 =`,
    lines.map((line) => `  '${line}'`).join(' +\n') + ';',
    '',
  ].join('\n');
}

async function main() {
  for (const wat of watFiles()) {
    const out = modulePath(wat);
    const bytes = await compileWat(wat);
    writeFileSync(out, moduleSource(wat, bytes));
    console.log(`${relative(root, wat)} → ${relative(root, out)} (${bytes.length} bytes)`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
