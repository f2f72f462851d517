import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliJson } from '../helpers/cli.ts';
import { queryDuckDb } from '../helpers/duckdb.ts';

describe('capflow run --snapshot-day N --snapshot-out: the fund\'s day as a capflow plan input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capflow-snap-'));

  for (const [day, ext] of [[30, 'yaml'], [200, 'json']] as const) {
    it(`plans exactly the trades the fund executed on day ${day} (${ext})`, async () => {
      const snap = join(dir, `day${day}.${ext}`);
      const out = join(dir, `fund${day}.duckdb`);
      const run = runCliJson(['run', 'examples/fund.yaml', '--snapshot-day', String(day), '--snapshot-out', snap, '--out', out]);
      expect(run.code).toBe(0);
      expect(run.json.snapshot).toEqual({ day, path: snap });
      const plan = runCliJson(['plan', '--input', snap]);
      expect(plan.code).toBe(0);
      const planned = (plan.json.trades as { venue: string; action: string; deltaUsd: number; settlesInDays: number }[]).map((t) => [t.venue, t.settlesInDays > 0 ? 'request redeem' : t.action, Math.abs(t.deltaUsd)]);
      const executed = await queryDuckDb(out, `SELECT venue, action, amount_usd FROM fund_trades WHERE day = ${day} ORDER BY rowid`);
      expect(executed.length).toBeGreaterThan(0);
      expect(executed.map((r) => [r[0], r[1]])).toEqual(planned.map((p) => [p[0], p[1]]));
      executed.forEach((r, k) => expect(Math.abs(Number(r[2]) - Number(planned[k][2]))).toBeLessThanOrEqual(1e-6));
    });
  }

  it('refuses a day beyond the horizon, or one flag without the other, writing nothing', () => {
    const snap = join(dir, 'never.yaml');
    const cases: [string[], string][] = [
      [['--snapshot-day', '366', '--snapshot-out', snap], '--snapshot-day'],
      [['--snapshot-day', '3'], '--snapshot-out'],
      [['--snapshot-out', snap], '--snapshot-day'],
    ];
    for (const [flags, field] of cases) {
      const r = runCliJson(['run', 'examples/fund.yaml', ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.json.error.field).toBe(field);
    }
    const cam = runCliJson(['run', 'examples/cam.yaml', '--snapshot-day', '1', '--snapshot-out', snap]);
    expect(cam.code).toBe(2);
    expect(cam.json.error.field).toBe('--snapshot-out');
    expect(existsSync(snap)).toBe(false);
  });
});
