import { describe, expect, it } from 'vitest';
import { fundPrestartCount, scenarioHints, scenarioPathOf } from '../../src/cli/prestartFund.ts';

const FUND_YAML = 'model: fund   # the whole fund\ntimesteps: 365\nruns: 1   # Monte Carlo runs\nparams:\n  runs: 9\n';

describe('the fund study warm pool (prestartFund)', () => {
  it('reads a scenario file leniently: model, runs and a sweep at the top level, YAML or JSON', () => {
    expect(scenarioHints(FUND_YAML)).toEqual({ fund: true, runs: 1, sweep: false });
    expect(scenarioHints("model: 'fund'\nruns: 400\nsweep:\n  seed: [1, 2]\n")).toEqual({ fund: true, runs: 400, sweep: true });
    expect(scenarioHints('{ "model": "fund", "runs": 250, "params": {} }')).toEqual({ fund: true, runs: 250, sweep: false });
    expect(scenarioHints('model: cam\nruns: 100\n')).toEqual({ fund: false, runs: 100, sweep: false });
    expect(scenarioHints('model: fundamental\n  runs: 5\n')).toEqual({ fund: false, runs: undefined, sweep: false });
  });

  it('takes the scenario path from the first argument of run', () => {
    expect(scenarioPathOf(['run', 'examples/fund.yaml', '--runs', '5'])).toBe('examples/fund.yaml');
    expect(scenarioPathOf(['run', '--runs', '5', 'examples/fund.yaml'])).toBeUndefined();
    expect(scenarioPathOf(['run', '-'])).toBeUndefined();
    expect(scenarioPathOf(['delta-neutral', 'x.yaml'])).toBeUndefined();
  });

  it('starts min(--workers or the cores, runs) − 1 threads for a fund study, runs from --runs or the file', () => {
    const run = (...flags: string[]) => ['run', 'fund.yaml', ...flags];
    expect(fundPrestartCount(run('--runs', '1000', '--workers', '2'), FUND_YAML, 8, 256)).toBe(1);
    expect(fundPrestartCount(run('--runs=1000'), FUND_YAML, 8, 256)).toBe(7);
    expect(fundPrestartCount(run('--runs', '3', '--workers', '8'), FUND_YAML, 8, 256)).toBe(2);
    expect(fundPrestartCount(run('--workers', '4'), FUND_YAML.replace('runs: 1 ', 'runs: 600 '), 8, 256)).toBe(3);
    expect(fundPrestartCount(run('--runs', '1000', '--backend', 'local'), FUND_YAML, 2, 256)).toBe(1);
    expect(fundPrestartCount(run('--runs', '100000', '--workers', '200'), FUND_YAML, 8, 256)).toBe(64);
  });

  it('starts none for one run, another model, a sweep, a queue, a resumed study, help or a flag the command refuses', () => {
    const run = (...flags: string[]) => ['run', 'fund.yaml', ...flags];
    const cases: [string[], string][] = [
      [run(), FUND_YAML],
      [run('--runs', '1000'), 'model: cam\n'],
      [run('--runs', '1000'), `${FUND_YAML}sweep:\n  seed: [1, 2]\n`],
      [run('--runs', '1000', '--backend', 'bullmq'), FUND_YAML],
      [run('--runs', '1000', '--resume', 'abc'), FUND_YAML],
      [run('--runs', '1000', '--help'), FUND_YAML],
      [run('--runs', 'many'), FUND_YAML],
      [run('--runs', '1000', '--workers', '0'), FUND_YAML],
      [run('--runs', '1000', '--workers', '300'), FUND_YAML],
      [['delta-neutral', '--runs', '1000'], FUND_YAML],
    ];
    for (const [argv, text] of cases) expect(fundPrestartCount(argv, text, 8, 256), argv.join(' ')).toBe(0);
  });
});
