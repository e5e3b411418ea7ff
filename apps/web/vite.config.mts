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
      // TanStack Query marks its modules "use client" for server-rendering frameworks; a plain SPA has nothing to keep.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000', '/health': 'http://127.0.0.1:3000' } },
});
