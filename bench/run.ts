/**
 * `npm run bench [-- name…]`: runs every benchmark module in bench/ (or those named) and prints
 * one JSON object { benchmarkName: result } on stdout. Each module default-exports an async
 * function returning a JSON-serialisable result.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => basename(f, '.bench.ts'))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

const results: Record<string, unknown> = {};
for (const name of modules) {
  const mod = (await import(`./${name}.bench.ts`)) as { default: () => Promise<unknown> };
  process.stderr.write(`bench: ${name}…\n`);
  results[name] = await mod.default();
}
process.stdout.write(`${JSON.stringify({ node: process.version, cpus: (await import('node:os')).cpus().length, results }, null, 2)}\n`);
