import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfigFile } from '../../src/core/config.ts';
import { UserError } from '../../src/core/errors.ts';
import type { FundParams } from '../../src/scenarios/fund/schema.ts';
import { parseScenario } from '../../src/scenarios/index.ts';
import { ROOT } from '../helpers/cli.ts';

type Doc = Record<string, any>;

function parse(report: unknown): FundParams {
  const doc = loadConfigFile(join(ROOT, 'examples/fund.yaml'), z.any()) as Doc;
  doc.params.report = report;
  return parseScenario(doc, 'fund.yaml').subsets[0] as FundParams;
}

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e.field;
    throw e;
  }
  return undefined;
}

describe('params.report of a fund scenario', () => {
  it('takes a venue or a yearly rate as the benchmark, and a risk-free rate', () => {
    expect(parse({ benchmark: 'aave-usdc' }).report).toEqual({ benchmark: 'aave-usdc' });
    expect(parse({ benchmark: 0.05, riskFreeRate: 0.04 }).report).toEqual({ benchmark: 0.05, riskFreeRate: 0.04 });
    expect(parse(undefined).report).toBeUndefined();
  });

  it('names the field of a bad benchmark or rate', () => {
    expect(fieldOf(() => parse({ benchmark: 'nowhere' }))).toBe('params.report.benchmark');
    expect(fieldOf(() => parse({ riskFreeRate: 12 }))).toMatch(/report\.riskFreeRate/);
    expect(fieldOf(() => parse({ benchmarks: 'aave-usdc' }))).toMatch(/report/);
  });
});
