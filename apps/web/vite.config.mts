import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Built to dist/web at the repository root, which the API serves at `/`. No plugin: Vite's own transform
// (oxc) compiles TSX with React's automatic runtime. Everything is bundled: nothing loads from the internet.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    // No inline polyfill script: the page's CSP allows scripts from its own origin only.
    modulePreload: { polyfill: false },
    sourcemap: false,
    rolldownOptions: {
      // What every page needs from node_modules (React, React DOM, TanStack Query: 250 kB of the first load's 262 kB) is
      // a chunk of its own, whose name changes only when those packages do: the API serves assets as immutable, so after a
      // deploy that changes the app's code a browser fetches the 12 kB entry again, not the 250 kB (and keeps V8's code
      // cache of it). The pages' own libraries (TanStack Table and Virtual, dagre) stay in the chunks of the pages using them.
      output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules[\\/](react|react-dom|scheduler|@tanstack[\\/](query-core|react-query))[\\/]/ }] } },
      // TanStack Query marks its modules "use client" for server-rendering frameworks; a plain SPA has nothing to keep.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000' } },
});
