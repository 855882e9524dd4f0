// Bundles the console (Preact, TSX) into apps/api/dist/console-ui with esbuild,
// gzips each file for serving and prints the initial load, compressed.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const out = fileURLToPath(new URL('../dist/console-ui/', import.meta.url));
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [`${here}src/main.tsx`],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: `${out}app.js`,
  logLevel: 'warning',
});
copyFileSync(`${here}src/app.css`, `${out}app.css`);
copyFileSync(`${here}src/index.html`, `${out}index.html`);
let total = 0;
for (const f of ['index.html', 'app.js', 'app.css']) {
  const gz = gzipSync(readFileSync(`${out}${f}`), { level: 9 });
  writeFileSync(`${out}${f}.gz`, gz);
  total += gz.length;
}
console.log(`console: initial load ${(total / 1024).toFixed(1)} KB gzip (limit 150 KB)`);
if (total > 150 * 1024) process.exit(1);
