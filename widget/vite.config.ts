// Builds the pages of the front end: the shopper chat app (widget/chat.html, loaded in the
// loader's iframe), the agent panel (agent/), the admin console (admin/) and the demo shop (demo/). The loader itself is a
// separate IIFE build (vite.loader.config.ts) because it must keep a stable, unhashed name.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const pages = resolve(import.meta.dirname, 'pages');

export default defineConfig({
  root: pages,
  base: '/',
  // favicon.svg / favicon.png, copied as they are to dist/ and served at the root (api/static.py)
  publicDir: resolve(import.meta.dirname, 'public'),
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2020',
    // the charts chunk (ECharts, about 175 kB gzipped) is loaded only by the reports page
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      input: {
        chat: resolve(pages, 'widget/chat.html'),
        agent: resolve(pages, 'agent/index.html'),
        admin: resolve(pages, 'admin/index.html'),
        demo: resolve(pages, 'demo/index.html'),
      },
      output: {
        // Preact in one chunk (every app), socket.io-client and its parts in another (the chat
        // app and the agent panel; the admin console only talks REST and does not load it),
        // ECharts in a third that only the lazily loaded reports page imports.
        manualChunks: (id: string) =>
          /node_modules[\\/]preact[\\/]/.test(id)
            ? 'preact'
            : /node_modules[\\/](echarts|zrender|tslib)[\\/]/.test(id)
              ? 'charts'
              : id.includes('node_modules')
                ? 'vendor'
                : undefined,
      },
    },
  },
  server: {
    // `npm run dev` against a server running on :8080
    proxy: {
      '/socket.io': { target: 'http://127.0.0.1:8080', ws: true },
      '/api': 'http://127.0.0.1:8080',
      '/healthz': 'http://127.0.0.1:8080',
      '/media': 'http://127.0.0.1:8080',
    },
  },
});
