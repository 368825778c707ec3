// Copies Swagger UI (npm: swagger-ui-dist) and our page around it into dist/api-docs, which the
// server serves at /api/docs (chatserver/api/openapi.py). Runs after the Vite builds.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';

const here = resolve(import.meta.dirname, '..');
const out = resolve(here, 'dist/api-docs');
const swagger = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

mkdirSync(out, { recursive: true });
for (const name of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
  copyFileSync(resolve(swagger, name), resolve(out, name));
}
for (const name of ['index.html', 'api-docs.js', 'api-docs.css']) {
  copyFileSync(resolve(here, 'api-docs', name), resolve(out, name));
}
