// Compiles the hand-written WebAssembly kernels (src/**/*.wat) into TypeScript modules that
// hold their bytes (<name>-wasm.ts beside each .wat), so the main process, the trainer, the
// CLI and the tests load them the same way with no asset handling. `npm run build:wasm`
// after editing a .wat; a unit test fails while a .wat and its module disagree.
//
// Each .wat becomes four builds (WASM_BUILDS): as written, with fused multiply-adds
// (f32x4.relaxed_madd, relaxed SIMD), or with each of them rewritten as a multiply and an
// add (plain SIMD, for engines without relaxed SIMD); each importing an unshared memory (as
// written) or a shared one (for kernels that run on several threads).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import createWabt from 'wabt';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The builds of every .wat: [name, fused multiply-add, shared memory]. */
export const WASM_BUILDS = [
  ['FMA', true, false],
  ['PLAIN', false, false],
  ['FMA_SHARED', true, true],
  ['PLAIN_SHARED', false, true],
];

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

/** The end of the balanced s-expression that starts at text[start] (an opening parenthesis). */
function sexpEnd(text, start) {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced parentheses after offset ${start}`);
}

/** (f32x4.relaxed_madd a b c) → (f32x4.add (f32x4.mul a b) c): the same sum, rounded twice. */
export function withoutFma(text) {
  const head = '(f32x4.relaxed_madd';
  let out = '';
  let at = 0;
  for (let i = text.indexOf(head); i !== -1; i = text.indexOf(head, at)) {
    const end = sexpEnd(text, i);
    const args = [];
    let j = i + head.length;
    while (args.length < 3) {
      j = text.indexOf('(', j);
      const argEnd = sexpEnd(text, j);
      args.push(withoutFma(text.slice(j, argEnd)));
      j = argEnd;
    }
    out += `${text.slice(at, i)}(f32x4.add (f32x4.mul ${args[0]} ${args[1]}) ${args[2]})`;
    at = end;
  }
  return out + text.slice(at);
}

/** The memory import made shared (a shared memory needs a maximum: 4 GiB, tfjs-wasm's). */
export function withSharedMemory(text) {
  const plain = '(import "env" "memory" (memory 1))';
  if (!text.includes(plain)) throw new Error(`expected the memory import ${plain}`);
  return text.replace(plain, '(import "env" "memory" (memory 1 65536 shared))');
}

/** One build of a .wat's text, validated. */
async function compileText(name, text) {
  const wabt = await createWabt();
  const features = { simd: true, relaxed_simd: true, threads: true, bulk_memory: true };
  const parsed = wabt.parseWat(name, text, features);
  try {
    parsed.validate(features);
    return new Uint8Array(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

/** A .wat's builds: { FMA, PLAIN, FMA_SHARED, PLAIN_SHARED } → bytes. */
export async function compileWat(watPath) {
  const source = readFileSync(watPath, 'utf8');
  const out = {};
  for (const [name, fma, shared] of WASM_BUILDS) {
    let text = fma ? source : withoutFma(source);
    if (shared) text = withSharedMemory(text);
    out[name] = await compileText(`${basename(watPath)} (${name})`, text);
  }
  return out;
}

/** The TypeScript module that holds a .wat's builds. */
export function moduleSource(watPath, builds) {
  const source = relative(root, watPath).split('\\').join('/');
  const consts = Object.entries(builds).map(([name, bytes]) => {
    const lines =
      Buffer.from(bytes)
        .toString('base64')
        .match(/.{1,96}/g) ?? [];
    return [`export const WASM_${name} =`, lines.map((line) => `  '${line}'`).join(' +\n') + ';'].join('\n');
  });
  return [
    `// Generated from ${basename(watPath)} by \`npm run build:wasm\` (scripts/build-wasm.js): do not edit.`,
    `// Source: ${source}. Base64 of each build (see WASM_BUILDS there).`,
    ...consts,
    '',
  ].join('\n');
}

async function main() {
  for (const wat of watFiles()) {
    const out = modulePath(wat);
    const builds = await compileWat(wat);
    writeFileSync(out, moduleSource(wat, builds));
    const sizes = Object.entries(builds).map(([name, bytes]) => `${name} ${bytes.length}`);
    console.log(`${relative(root, wat)} → ${relative(root, out)} (bytes: ${sizes.join(', ')})`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
