/**
 * `npm run -s bench -- <name…> | npm run -s bench:readme` (or `npm run bench:readme -- <file>`):
 * merges the workload records read from stdin (or the file) into bench/results.jsonl — a
 * record replaces the stored one of the same workload, so one workload can be re-measured
 * alone — and rewrites README.md's benchmark table between its marker comments from that file.
 * With no input on stdin (a terminal) and no file, only regenerates the table.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeResults, parseBenchLines, renderTable, replaceBetweenMarkers } from './table.ts';
import { ROOT } from './util.ts';

const RESULTS = join(ROOT, 'bench/results.jsonl');
const README = join(ROOT, 'README.md');

const source = process.argv[2];
const input = source !== undefined ? readFileSync(source, 'utf8') : process.stdin.isTTY ? '' : readFileSync(0, 'utf8');
const fresh = parseBenchLines(input);
const stored = existsSync(RESULTS) ? parseBenchLines(readFileSync(RESULTS, 'utf8')) : [];
const results = mergeResults(stored, fresh);
writeFileSync(RESULTS, results.map((r) => JSON.stringify(r)).join('\n') + (results.length > 0 ? '\n' : ''));
writeFileSync(README, replaceBetweenMarkers(readFileSync(README, 'utf8'), renderTable(results)));
process.stderr.write(`bench:readme: ${fresh.length} new record(s), ${results.length} in bench/results.jsonl; README.md table rewritten\n`);
