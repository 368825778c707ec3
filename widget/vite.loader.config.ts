// Builds the loader that shops embed: dist/widget/widget.js, one small IIFE with a stable name
// and no framework. Runs after vite.config.ts and must not empty dist/.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: resolve(import.meta.dirname, 'dist/widget'),
    emptyOutDir: false,
    target: 'es2017',
    lib: {
      entry: resolve(import.meta.dirname, 'src/loader/widget.ts'),
      formats: ['iife'],
      name: 'ChatserverWidget',
      fileName: () => 'widget.js',
    },
  },
});
