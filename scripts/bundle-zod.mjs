// Build step after `tsc` (npm run build): replaces the compiled dist/core/zod.js, which
// re-exports from the 'zod' package (about 95 modules, 45 ms to load), with src/core/zod.ts
// bundled together with zod and tree-shaken to the names it exports (a few ms to load).
// See src/core/zod.ts. Usage: node scripts/bundle-zod.mjs
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const zodPackage = JSON.parse(readFileSync(new URL('node_modules/zod/package.json', root), 'utf8'));
const copyright = readFileSync(new URL('node_modules/zod/LICENSE', root), 'utf8').split('\n').find((line) => line.startsWith('Copyright'));

await build({
  entryPoints: [new URL('src/core/zod.ts', root).pathname],
  outfile: new URL('dist/core/zod.js', root).pathname,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  allowOverwrite: true,
  banner: { js: `// capflow's part of zod ${zodPackage.version} (https://zod.dev), bundled by scripts/bundle-zod.mjs. zod: MIT License, ${copyright}.` },
  logLevel: 'warning',
});
