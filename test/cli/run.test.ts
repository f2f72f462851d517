import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, runCliJson } from '../helpers/cli.ts';
import { queryDuckDb } from '../helpers/duckdb.ts';

const dir = mkdtempSync(join(tmpdir(), 'capflow-run-'));

describe('capflow run', () => {
  it('examples/cam.yaml --runs 8 --seed 42: identical files with --workers 1 and --workers 2', () => {
    for (const ext of ['parquet', 'csv']) {
      const outs = [1, 2].map((w) => {
        const path = join(dir, `w${w}.${ext}`);
        const r = runCliJson(['run', 'examples/cam.yaml', '--runs', '8', '--seed', '42', '--workers', String(w), '--out', path]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.json.output.rows).toBe(8 * (1 + 365 * 3));
        return readFileSync(path);
      });
      expect(outs[0].equals(outs[1])).toBe(true);
    }
  });

  it('results open in DuckDB: same table from 1 and 2 workers, Σ balances constant', async () => {
    const files = [1, 2].map((w) => {
      const path = join(dir, `w${w}.duckdb`);
      expect(runCli(['run', 'examples/cam.yaml', '--runs', '4', '--seed', '42', '--workers', String(w), '--out', path]).code).toBe(0);
      return path;
    });
    const digest = 'SELECT count(*), sum(hash(COLUMNS(*))) FROM results';
    expect(await queryDuckDb(files[0], digest)).toEqual(await queryDuckDb(files[1], digest));
    const check = await queryDuckDb(files[0], `SELECT count(DISTINCT run), min(seed), max(seed),
      max(abs(balance_liquidityPool + balance_moneyMarket + balance_savings + balance_idle - 200000000)), max(shortfall) FROM results`);
    expect(check[0]).toEqual([4n, 42n, 42n, 0, 0]);
  });

  it('runs a sweep (cartesian) and summarises the final state per subset', () => {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(
      file,
      `model: cam
timesteps: 30
runs: 2
params:
  deposits:
    - { name: a, balance: 100, yield: { kind: constant, value: 0.05 } }
    - { name: b, balance: 100, yield: { kind: constant, value: 0.01 } }
sweep:
  mode: cartesian
  parameters:
    rebalanceDurationDays: [10, 60]
    method: [direct, min-norm]
`,
    );
    const { code, json } = runCliJson(['run', file, '--workers', '2']);
    expect(code).toBe(0);
    expect(json.subsets).toBe(4);
    expect(json.final.map((f: { overrides: unknown }) => f.overrides)).toEqual([
      { rebalanceDurationDays: 10, method: 'direct' },
      { rebalanceDurationDays: 10, method: 'min-norm' },
      { rebalanceDurationDays: 60, method: 'direct' },
      { rebalanceDurationDays: 60, method: 'min-norm' },
    ]);
    // faster rebalancing gets closer to the 5:1 target
    expect(json.final[0].mean.balance_a).toBeGreaterThan(json.final[2].mean.balance_a);
    expect(json.final[0].mean.balance_a + json.final[0].mean.balance_b).toBe(200);
  });

  it("runs a user's own model module with --workers 2: the same rows as in this thread", async () => {
    const outs = [1, 2].map((w) => {
      const path = join(dir, `drift-w${w}.parquet`);
      const { code, json, stderr } = runCliJson(['run', 'test/sim/fixtures/drift.yaml', '--workers', String(w), '--out', path]);
      expect(code, stderr).toBe(0);
      expect(json).toMatchObject({ model: 'drift', runs: 16, subsets: 2, workers: w, backend: w === 1 ? 'in-process' : 'worker-threads' });
      expect(json.output.rows).toBe(2 * 16 * 51);
      expect(json.output.columns).toEqual(['run', 'subset', 'seed', 'timestep', 'substep', 'price', 'steps']);
      expect(json.final[0].mean.price).toBeGreaterThan(json.final[1].mean.price); // higher drift, higher price (same noise: common random numbers)
      return path;
    });
    const digest = 'SELECT count(*), sum(hash(COLUMNS(*))) FROM read_parquet(?)';
    const [one, two] = await Promise.all(outs.map((p) => queryDuckDb(':memory:', digest.replace('?', `'${p}'`))));
    expect(two).toEqual(one);
  });

  it("exits 2 naming the field for a user's model that is missing, not a model, or given bad params; 1 when it fails", () => {
    const scenario = (name: string, text: string): string => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    };
    const fixture = join(ROOT, 'test/sim/fixtures');
    const notModel = join(dir, 'not-a-model.mjs');
    writeFileSync(notModel, 'export const x = 1;\n');
    const cases: Array<[string, string]> = [
      [scenario('um1.yaml', `model: ./nowhere.mjs\ntimesteps: 3\nparams: {}\n`), 'model'],
      [scenario('um2.yaml', `model: ./not-a-model.mjs\ntimesteps: 3\nparams: {}\n`), 'model'],
      [scenario('um3.yaml', `model: ${fixture}/drift.mjs\ntimesteps: 3\nparams: { mu: 0.1, speed: 2 }\n`), 'params.speed'],
      [scenario('um4.yaml', `model: ${fixture}/drift.mjs\ntimesteps: 3\nparams: { vol: 0.1 }\n`), 'params.mu'],
    ];
    for (const [file, field] of cases) {
      const { code, json } = runCliJson(['run', file, '--workers', '2']);
      expect(code, JSON.stringify(json)).toBe(2);
      expect(json.error.field).toBe(field);
    }
    const out = join(dir, 'fails.csv');
    const failing = runCli(['run', scenario('um5.yaml', `model: ${fixture}/drift.mjs\ntimesteps: 3\nruns: 8\nparams: { mu: 0.1, failAt: 5 }\n`), '--workers', '2', '--out', out]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/run 5 failed on purpose/);
    expect(existsSync(out)).toBe(false);
  });

  it('prints a summary for people (no progress bar when piped)', () => {
    const r = runCli(['run', 'examples/cam.yaml', '--runs', '1', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/model\s+cam/);
    expect(r.stdout).toMatch(/balance_savings/);
    expect(r.stderr).toBe('');
  });

  it('exits 2 naming the field on bad scenarios and flags', () => {
    const bad = (name: string, text: string): string => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    };
    const deposits = 'params:\n  deposits:\n    - { name: a, balance: 1, yield: { kind: constant, value: 0.05 } }\n    - { name: b, balance: 1, yield: { kind: constant, value: 0 } }\n';
    const cases: Array<[string[], string]> = [
      [['run', bad('m.yaml', `model: nope\ntimesteps: 3\n${deposits}`)], 'model'],
      [['run', bad('u.yaml', `model: cam\ntimesteps: 3\ncolour: red\n${deposits}`)], 'colour'],
      [['run', bad('t.yaml', `model: cam\ntimesteps: -3\n${deposits}`)], 'timesteps'],
      [['run', bad('k.yaml', `model: cam\ntimesteps: 3\n${deposits}  speed: 3\n`)], 'params.speed'],
      [['run', bad('s.yaml', `model: cam\ntimesteps: 3\n${deposits}sweep:\n  parameters:\n    nope: [1, 2]\n`)], 'sweep.parameters.nope'],
      [['run', 'examples/cam.yaml', '--workers', '0'], '--workers'],
      [['run', 'examples/cam.yaml', '--runs', '1.5'], '--runs'],
      [['run', 'examples/cam.yaml', '--seed', '-1'], '--seed'],
      [['run', 'examples/cam.yaml', '--out', 'x.txt'], '--out'],
      [['run', 'examples/cam.yaml', '--out', join(dir, 'missing', 'x.parquet')], '--out'],
      [['run', bad('h.yaml', `model: cam\ntimesteps: 3\n${deposits.replaceAll('balance: 1,', 'balance: 1e308,')}`)], 'params.deposits[0].balance'],
      [
        ['run', bad('w.yaml', `model: cam\ntimesteps: 3\n${deposits}sweep:\n  parameters:\n    rebalanceDurationDays: [0.1, 30]\n`)],
        'sweep subset 0 (rebalanceDurationDays = 0.1): params.rebalanceDurationDays',
      ],
    ];
    for (const [args, field] of cases) {
      const { code, json } = runCliJson(args);
      expect(code, JSON.stringify(json)).toBe(2);
      expect(json.error.field).toBe(field);
    }
  });
});
