/**
 * The project's own fuzz suite (issue 15): valid scenario files, plan snapshots, ledger feeds
 * and flag lists mutated at the byte and the field level, run through the CLI's main(). The
 * invariant for every case: exit 0 with consistent output (JSON that parses, the files it names
 * written), or exit 2 with nothing written; never exit 1, never a hang, never out of memory.
 * A kind may add its own (ledger feeds: exit 2 leaves the ledger byte-identical; after exit 0
 * the ledger is consistent, a re-sync and a later valid feed succeed: see ledgerKind.ts).
 *
 * Seeded and bounded: CAPFLOW_FUZZ_RUNS (cases per input kind, default 380; a kind whose cases
 * cost more runs its `runsShare` of them: ledger feeds 0.3, so 5 × 380 + 114 = 2,014 in all)
 * and CAPFLOW_FUZZ_SEED. Most cases run in-process in a worker thread; a sample runs as real
 * processes (./bin/capflow).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { InProcessCli, type CaseResult } from './harness.ts';
import { FUZZ_KINDS, HOSTILE_VALUES, type FuzzKind } from './kinds.ts';
import { applyByteOps, applyFieldOps, applyFlagOps, byteOp, documentText, fieldOpOf, flagOp, type ByteOp, type FieldOp } from './mutate.ts';

const RUNS = Number(process.env.CAPFLOW_FUZZ_RUNS ?? 380);
const SEED = Number(process.env.CAPFLOW_FUZZ_SEED ?? 20261204);
/** Cases per kind that also run as a real process. */
const SPAWNED = Number(process.env.CAPFLOW_FUZZ_SPAWNED ?? 4);

const root = mkdtempSync(join(tmpdir(), 'capflow-fuzz-'));
const cli = new InProcessCli();
afterAll(async () => {
  await cli.close();
  rmSync(root, { recursive: true, force: true });
});

/** One mutated case: its input written under a fresh directory, and the command line. */
interface Case {
  dir: string;
  outDir: string;
  /** the mutated input file (file kinds) */
  input?: string;
  argv: string[];
  describe: string;
}

let caseNo = 0;
function freshDirs(): { dir: string; outDir: string } {
  const dir = join(root, `c${caseNo++}`);
  const outDir = join(dir, 'out');
  mkdirSync(outDir, { recursive: true });
  return { dir, outDir };
}

function fileCaseArb(kind: FuzzKind): fc.Arbitrary<Case> {
  const fieldOp = fieldOpOf([...HOSTILE_VALUES, ...(kind.hostileValues ?? [])]);
  const generic = fc.oneof(
    fc.array(fieldOp, { minLength: 1, maxLength: 3 }).map((f) => ({ field: f, bytes: [] as ByteOp[] })),
    fc.array(byteOp, { minLength: 1, maxLength: 4 }).map((b) => ({ field: [] as FieldOp[], bytes: b })),
  ).map(({ field, bytes }) => ({ text: applyByteOps(documentText(applyFieldOps(kind.seed, field), kind.ext as string), bytes), describe: JSON.stringify({ field, bytes }) }));
  const shaped = kind.shapedMutation?.map(({ doc, describe }) => ({ text: Buffer.from(documentText(doc, kind.ext as string)), describe }));
  const inputs = shaped === undefined ? generic : fc.oneof(generic, shaped);
  return inputs.map(({ text, describe }) => {
    const { dir, outDir } = freshDirs();
    const input = join(dir, `input${kind.ext}`);
    writeFileSync(input, text);
    kind.prepare?.(dir);
    return { dir, outDir, input, argv: kind.argv(input, outDir), describe };
  });
}

function flagCaseArb(kind: FuzzKind): fc.Arbitrary<Case> {
  const seeds = kind.flagSeeds as string[][];
  return fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(flagOp, { minLength: 1, maxLength: 3 })).map(([s, ops]) => {
    const { dir, outDir } = freshDirs();
    return { dir, outDir, argv: kind.argv(applyFlagOps(seeds[s], ops), outDir), describe: JSON.stringify(ops) };
  });
}

/** The invariant: exit 0 with consistent output, or exit 2 with nothing written; then the kind's own. */
async function checkInvariant(kind: FuzzKind, c: Case, r: CaseResult, run: (argv: string[]) => Promise<CaseResult>): Promise<void> {
  const where = `${kind.name}: ${c.argv.join(' ')}\nmutation: ${c.describe}\nstderr: ${r.stderr.slice(0, 2000)}\nstdout: ${r.stdout.slice(0, 500)}`;
  checkOutputs(c, r, where);
  if (kind.check !== undefined && c.input !== undefined) await kind.check(c.input, c.outDir, r, run, where);
}

function checkOutputs(c: Case, r: CaseResult, where: string): void {
  expect([0, 2], where).toContain(r.code);
  const written = readdirSync(c.outDir);
  if (r.code === 2) {
    expect(written, `exit 2 wrote files\n${where}`).toEqual([]);
    expect(JSON.parse(r.stdout).error.message, where).toEqual(expect.any(String));
    return;
  }
  expect(() => JSON.parse(r.stdout), `exit 0 without JSON output\n${where}`).not.toThrow();
  expect(written.filter((f) => f.endsWith('.tmp')), `temporary files left\n${where}`).toEqual([]);
}

describe('fuzz: mutated inputs exit 0 (consistent) or 2 (nothing written), never 1, a hang or OOM', () => {
  for (const kind of FUZZ_KINDS) {
    const runs = Math.ceil(RUNS * (kind.runsShare ?? 1));
    const spawnedCases = Math.ceil(SPAWNED * (kind.runsShare ?? 1));
    it(`${kind.name}: ${runs} in-process cases`, async () => {
      const arb = kind.form === 'file' ? fileCaseArb(kind) : flagCaseArb(kind);
      const codes = { 0: 0, 2: 0 };
      await fc.assert(
        fc.asyncProperty(arb, async (c) => {
          const r = await cli.run(c.argv);
          await checkInvariant(kind, c, r, (argv) => cli.run(argv));
          codes[r.code as 0 | 2]++;
          rmSync(c.dir, { recursive: true, force: true });
        }),
        { seed: SEED, numRuns: runs, endOnFailure: true },
      );
      // the mutations reach both sides: some inputs still run, some are refused
      expect(codes[0], JSON.stringify(codes)).toBeGreaterThan(runs / 50);
      expect(codes[2], JSON.stringify(codes)).toBeGreaterThan(runs / 50);
    }, 600_000);

    it(`${kind.name}: ${spawnedCases} cases as real processes`, async () => {
      const arb = kind.form === 'file' ? fileCaseArb(kind) : flagCaseArb(kind);
      const spawned = async (argv: string[]): Promise<CaseResult> => runCli(argv);
      for (const c of fc.sample(arb, { seed: SEED + 1, numRuns: spawnedCases })) {
        await checkInvariant(kind, c, await spawned(c.argv), spawned);
        rmSync(c.dir, { recursive: true, force: true });
      }
    }, 600_000);
  }
});
