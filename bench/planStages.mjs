// The stages of `capflow plan --input <file> --json` timed inside one fresh process on dist/ (what
// one CLI run pays: every call is the first, before the JIT has warmed up), for the yield manager
// bench. Prints one JSON object of milliseconds. Usage: node bench/planStages.mjs <snapshot file>
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

const file = process.argv[2];
const ms = {};
let last = performance.now();
const lap = (name) => {
  const now = performance.now();
  ms[name] = Number((now - last).toFixed(3));
  last = now;
};

const dist = new URL('../dist/', import.meta.url);
await import(new URL('core/zod.js', dist).href); // zod, as bundled by the build (scripts/bundle-zod.mjs)
lap('zodImportMs');
const [config, snapshot, yieldManager, json] = await Promise.all(
  ['core/config.js', 'strategies/yieldManager/snapshot.js', 'strategies/yieldManager.js', 'core/json.js'].map((m) => import(new URL(m, dist).href)),
);
lap('modulesImportMs'); // the plan path's own modules (zod already loaded)
const doc = config.parseConfigText(readFileSync(file, 'utf8'), file, extname(file) === '.json' ? 'json' : 'yaml');
lap('readParseMs');
config.checkConfigShape(doc, file);
lap('shapeCheckMs');
const validated = config.parseConfig(snapshot.YieldSnapshotSchema, doc, file);
lap('validateMs');
const { policy, state } = snapshot.yieldInputFromSnapshot(validated);
lap('inputMs');
const plan = yieldManager.planYield(policy, state);
lap('planMs');
const text = json.toResultJson(plan);
lap('jsonMs');
process.stdout.write(`${JSON.stringify({ ...ms, venues: plan.decisions.length, jsonChars: text.length })}\n`);
