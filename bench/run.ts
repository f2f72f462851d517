/**
 * `npm run bench [-- name…]`: runs every benchmark module in bench/ (or those named) and prints
 * one JSON object a line on stdout, one per workload ({@link WorkloadResult}: the figure, its
 * baseline, their ratio, the core count). Each module default-exports an async function
 * returning its workloads. `npm run bench:readme` turns these lines into the README's table.
 */
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkloadResult } from './report.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => basename(f, '.bench.ts'))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();
const unknown = wanted.filter((w) => !modules.includes(w));
if (unknown.length > 0) {
  process.stderr.write(`bench: no benchmark named ${unknown.join(', ')} (have: ${readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => basename(f, '.bench.ts')).join(', ')})\n`);
  process.exit(2);
}

for (const name of modules) {
  const mod = (await import(`./${name}.bench.ts`)) as { default: () => Promise<WorkloadResult[]> };
  process.stderr.write(`bench: ${name}…\n`);
  for (const result of await mod.default()) process.stdout.write(`${JSON.stringify({ bench: name, measuredAt: new Date().toISOString(), ...result })}\n`);
}
