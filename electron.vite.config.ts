/**
 * electron-vite build: main (Electron entry + trainer child process), a CommonJS preload
 * (sandboxed preloads cannot be ESM) and the Svelte renderer. Builds without the Electron
 * binary, so it runs on machines where Electron itself cannot.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { RENDERER_CSP, relaxForDevServer } from './src/main/csp';

const root = import.meta.dirname;
// The renderer's Vite root is src/renderer; a Svelte config, if the project adds one, sits at the top.
const svelteConfig = resolve(root, 'svelte.config.js');

/** `electron-vite dev` only: let Vite's injected styles and HMR socket through the meta CSP. */
function devServerCsp(): Plugin {
  return {
    name: 'runlab:dev-csp',
    apply: 'serve',
    transformIndexHtml: {
      order: 'pre',
      handler: (html, ctx) =>
        html.replace(RENDERER_CSP, relaxForDevServer(RENDERER_CSP, ctx.server?.resolvedUrls?.local[0] ?? 'http://localhost:5173')),
    },
  };
}

export default defineConfig({
  main: {
    build: {
      // Dependencies stay in node_modules: tfjs-backend-wasm finds its .wasm files next to itself.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'src/main/index.ts'),
          'trainer-process': resolve(root, 'src/main/runs/trainer/trainer-process.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron' and a few built-ins: bundle everything else.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    // Relative asset URLs: the same build loads from file:// (Electron) and http:// (web host).
    base: './',
    plugins: [svelte({ configFile: existsSync(svelteConfig) ? svelteConfig : false }), devServerCsp()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // electron-vite leaves the renderer unminified; minified it is less than half the size.
      minify: true,
      // Vite warns past 500 kB for pages fetched over a network; this one loads from disk or
      // 127.0.0.1 (Chart.js and the views make ~540 kB), and the warning read as an error on
      // a first `npm start`.
      chunkSizeWarningLimit: 800,
      rolldownOptions: { input: resolve(root, 'src/renderer/index.html') },
    },
  },
});
