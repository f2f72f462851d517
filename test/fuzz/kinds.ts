/**
 * The input kinds the fuzz suite mutates. Each is one entry: a valid seed, and how a mutated
 * input becomes a command line (and, for a kind with its own invariant such as ledger feeds,
 * how a case is prepared and checked). A new kind is one more entry in {@link FUZZ_KINDS}.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { ROOT } from '../helpers/cli.ts';
import type { CaseResult } from './harness.ts';
import { checkLedgerCase, LEDGER_FEED_SEED, LEDGER_HOSTILE_VALUES, LEDGER_SHAPED_MUTATION, ledgerOf, prepareLedger } from './ledgerKind.ts';

/** One kind of input. */
export interface FuzzKind {
  name: string;
  /** `file`: a document mutated at the field and byte level; `flags`: a flag list mutated by token. */
  form: 'file' | 'flags';
  /** file kinds: the valid seed document (as parsed YAML), and the file extension */
  seed?: unknown;
  ext?: string;
  /** flags kinds: valid flag lists, without the command words */
  flagSeeds?: string[][];
  /** the command line for an input file (`input`) or a flag list, writing into `outDir` */
  argv(input: string | string[], outDir: string): string[];
  /** files a successful run must have written (relative to outDir) */
  writes?: string[];
  /** field values this kind's mutations use besides {@link HOSTILE_VALUES} */
  hostileValues?: unknown[];
  /** file kinds: mutations of the seed that keep its shape (mixed in with the field and byte ops) */
  shapedMutation?: fc.Arbitrary<{ doc: unknown; describe: string }>;
  /** the share of CAPFLOW_FUZZ_RUNS (and of the spawned cases) this kind runs (default 1; less for costly cases) */
  runsShare?: number;
  /** sets up a case's directory before it runs (e.g. the ledger a feed is synced into) */
  prepare?(dir: string): void;
  /** this kind's own invariant after a case; `run` runs follow-up command lines the same way */
  check?(input: string, outDir: string, r: CaseResult, run: (argv: string[]) => Promise<CaseResult>, where: string): Promise<void>;
}

const example = (name: string): unknown => parse(readFileSync(join(ROOT, 'examples', name), 'utf8'));

/** A small cam study: cheap enough for hundreds of cases. */
const camSeed = { ...(example('cam.yaml') as object), timesteps: 20, runs: 2 };
const dnSeed = { ...(example('delta-neutral.yaml') as object), timesteps: 20, runs: 2 };
const fundSeed = { ...(example('fund.yaml') as object), timesteps: 10, runs: 1 };

/** Every kind the suite fuzzes. */
export const FUZZ_KINDS: FuzzKind[] = [
  { name: 'scenario (cam)', form: 'file', seed: camSeed, ext: '.yaml', argv: (f, out) => ['run', f as string, '--workers', '1', '--json', '--out', join(out, 'r.csv')], writes: ['r.csv'] },
  { name: 'scenario (delta-neutral)', form: 'file', seed: dnSeed, ext: '.yaml', argv: (f) => ['run', f as string, '--workers', '1', '--json'] },
  { name: 'scenario (fund)', form: 'file', seed: fundSeed, ext: '.json', argv: (f) => ['run', f as string, '--workers', '1', '--json'] },
  { name: 'plan snapshot', form: 'file', seed: example('plan.yaml'), ext: '.yaml', argv: (f) => ['plan', '--input', f as string, '--json'] },
  {
    name: 'ledger feed',
    form: 'file',
    seed: LEDGER_FEED_SEED,
    ext: '.jsonl',
    hostileValues: LEDGER_HOSTILE_VALUES,
    shapedMutation: LEDGER_SHAPED_MUTATION,
    runsShare: 0.3, // a case copies a ledger; an accepted one runs two more commands (a re-sync with a later event, verify)
    argv: (f, out) => ['treasury', 'sync', '--events', f as string, '--db', ledgerOf(out), '--json'],
    prepare: prepareLedger,
    check: checkLedgerCase,
  },
  {
    name: 'flags',
    form: 'flags',
    flagSeeds: [
      ['amm', 'swap', '--reserve-in', '1000', '--reserve-out', '2000000', '--amount-in', '10'],
      ['lending', 'rates', '--utilization', '0.8'],
      ['leverage', 'open-short', '--reserve', '10000', '--leverage', '3', '--price', '1500', '--fee', '0.0005'],
      ['leverage', 'close-short', '--collateral', '39985', '--borrowed', '20', '--close', '20', '--price', '1400'],
      ['cam', 'rebalance', '--current', '500,300,200', '--target', '0.4,0.4,0.2'],
      ['delta-neutral', '--synthetic', 'gbm', '--steps', '30', '--daily-vol', '0.04', '--initial-price', '35000', '--pool-apr', '0.2', '--funding-apr', '0.05', '--maker-fee', '0.0002', '--rebalance-every', '1', '--runs', '3'],
      ['run', join(ROOT, 'examples/cam.yaml'), '--runs', '1', '--seed', '7', '--workers', '1'],
      ['treasury', 'generate', '--events', '20', '--seed', '3'],
    ],
    argv: (flags, out) => {
      const list = flags as string[];
      return list[0] === 'treasury' ? [...list, '--out', join(out, 'feed.jsonl'), '--json'] : [...list, '--json'];
    },
  },
];

/** Values a field mutation puts in place of a leaf (YAML text: .nan and .inf are real numbers). */
export const HOSTILE_VALUES: unknown[] = [
  NaN, Infinity, -Infinity, 1e308, -1e308, 1e20, 2 ** 53 + 2, 1e15, -1, 0, -0, 0.5, 1, 2, 1e-320, 999999, 100000, 36500,
  '', 'x', '1e3', '0x10', null, true, [], {}, [1, 2], { a: 1 }, '\u0000', '\u202e', 'a'.repeat(300),
];

/** Flag values a flag mutation puts in place of a value. */
export const HOSTILE_FLAG_VALUES: string[] = [
  'NaN', 'Infinity', '-Infinity', '1e308', '-1e308', '1e20', '9007199254740993', '1e15', '-1', '0', '-0', '0.5', '1', '2', '1e-320',
  '', ' ', 'x', '0x10', '0b1', '1,2', ',', '1e', '--json', '\u0000', '99999999', '365000',
];

/** YAML text of a document (NaN and ±Infinity as .nan / .inf). */
export function yamlText(doc: unknown): string {
  return stringify(doc);
}
