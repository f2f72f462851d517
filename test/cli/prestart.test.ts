import { describe, expect, it } from 'vitest';
import { prestartCount } from '../../src/cli/prestart.ts';

describe('prestartCount (the CLI warm pool)', () => {
  const dn = (...flags: string[]) => ['delta-neutral', '--synthetic', 'gbm', ...flags];
  it('starts min(--workers or the cores, --runs) − 1 threads for a delta-neutral Monte Carlo', () => {
    expect(prestartCount(dn('--runs', '40000'), 2, 256)).toBe(1);
    expect(prestartCount(dn('--runs', '40000'), 8, 256)).toBe(7);
    expect(prestartCount(dn('--runs', '40000', '--workers', '1'), 8, 256)).toBe(0);
    expect(prestartCount(dn('--runs=40000', '--workers=3'), 8, 256)).toBe(2);
    expect(prestartCount(dn('--runs', '2', '--workers', '4'), 8, 256)).toBe(1);
    expect(prestartCount(dn('--runs', '100000', '--workers', '200'), 8, 256)).toBe(64); // at most 64 ahead; the call starts the rest
  });

  it('starts none for other commands, help, one path, or flags the command will refuse', () => {
    for (const argv of [
      ['run', 'examples/cam.yaml', '--runs', '100'],
      dn('--runs', '40000', '--help'),
      dn(),
      dn('--runs', '1'),
      dn('--runs', 'many'),
      dn('--runs', '40000', '--workers', '0'),
      dn('--runs', '40000', '--workers', '2.5'),
      dn('--runs', '40000', '--workers', '300'),
      dn('--runs'),
    ]) expect(prestartCount(argv, 8, 256), argv.join(' ')).toBe(0);
  });
});
