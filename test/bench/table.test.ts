import { describe, expect, it } from 'vitest';
import { workload } from '../../bench/report.ts';
import { TABLE_END, TABLE_START, mergeResults, parseBenchLines, renderTable, replaceBetweenMarkers, type BenchLine } from '../../bench/table.ts';

const line = (r: ReturnType<typeof workload>, bench: string): BenchLine => ({ bench, measuredAt: '2026-12-04T13:00:00.000Z', ...r });

describe('bench records and the README table', () => {
  const vsNumpy = line(workload('deltaNeutral.vsNumpy', 'whole process', { value: 2, unit: 's', higherIsBetter: false }, { kind: 'same-run', value: 5, unit: 's', what: 'numpy' }, { target: 2.5 }), 'deltaNeutral');
  const absent = line(workload('deltaNeutral.vsNumpy', 'whole process', { value: 2, unit: 's', higherIsBetter: false }, { kind: 'same-run', value: null, unit: 's', what: 'numpy', absentReason: 'python3 has no numpy' }, { target: 2.5 }), 'deltaNeutral');
  const sync = line(workload('ledger.sync', 'sync', { value: 50_000, unit: 'events/s', higherIsBetter: true }, { kind: 'aim', value: 100_000, unit: 'events/s', what: '>= 100,000 events/s' }), 'ledger');

  it('orients the ratio so that > 1 is better, for times and for rates, and says whether the target is met', () => {
    expect(vsNumpy.ratio).toBe(2.5);
    expect(vsNumpy.met).toBe(true);
    expect(sync.ratio).toBe(0.5);
    expect(sync.target).toBe(1);
    expect(sync.met).toBe(false);
    expect(absent.ratio).toBeNull();
    expect(absent.met).toBeNull();
    expect(vsNumpy.cores).toBeGreaterThan(0);
  });

  it('round-trips through JSON lines, skipping npm header lines, and rejects a line that is not a record', () => {
    const text = `> capflow bench\n\n${JSON.stringify(vsNumpy)}\n${JSON.stringify(sync)}\n`;
    expect(parseBenchLines(text)).toEqual([vsNumpy, sync]);
    expect(() => parseBenchLines('{"node":"v20"}')).toThrow(/not a workload record/);
  });

  it('merges by workload: a new record replaces the stored one, others stay', () => {
    expect(mergeResults([absent, sync], [vsNumpy])).toEqual([vsNumpy, sync]);
  });

  it('puts same-run ratios and absolute figures in separate tables, with an absent baseline and its reason', () => {
    const table = renderTable([absent, sync]);
    const [sameRun, absolute] = table.split('**Absolute figures on this machine**');
    expect(sameRun).toContain('`deltaNeutral.vsNumpy`');
    expect(sameRun).toContain('absent: python3 has no numpy');
    expect(absolute).toContain('`ledger.sync`');
    expect(absolute).toContain('50,000 events/s');
    expect(absolute).toContain('0.50×');
    expect(absolute).not.toContain('deltaNeutral');
    expect(table).toContain('2 cores');
  });

  it('rewrites only what lies between the markers, and refuses a README without them', () => {
    const readme = `# x\n${TABLE_START}\nold table\n${TABLE_END}\nafter\n`;
    const out = replaceBetweenMarkers(readme, 'new table');
    expect(out).toBe(`# x\n${TABLE_START}\nnew table\n${TABLE_END}\nafter\n`);
    expect(replaceBetweenMarkers(out, 'new table')).toBe(out);
    expect(() => replaceBetweenMarkers('# x\n', 't')).toThrow(/markers/);
  });

  it('shows any bench module\'s records without naming it, each absolute figure with its date and load, and drops none', () => {
    const fresh = { ...line(workload('newBench.thing', 'a figure\nover two lines | with a bar', { value: 12.5, unit: 'ms', higherIsBetter: false }, { kind: 'aim', value: 100, unit: 'ms', what: '< 100 ms' }), 'newBench'), loadAverage1m: 12.75 };
    const odd = { ...line(workload('other.kind', 'a baseline kind this table does not know', { value: 1, unit: 's', higherIsBetter: false }, { kind: 'aim', value: 2, unit: 's', what: 'two' }), 'other'), baseline: { kind: 'reference' as never, what: 'a reference', value: 2, unit: 's' } };
    const table = renderTable(mergeResults([], [fresh, odd, vsNumpy]));
    const [sameRun, absolute] = table.split('**Absolute figures on this machine**');
    expect(sameRun).toContain('`deltaNeutral.vsNumpy`');
    expect(absolute).toContain(`| \`newBench.thing\` | a figure over two lines \\| with a bar | 12.5 ms | < 100 ms | 8.00× | yes | 2026-12-04, load 12.8 |`);
    expect(absolute).toContain('`other.kind`');
    expect(absolute).toContain('a reference (reference)');
    expect(table.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(3);
    expect(sameRun).toMatch(/same run.*same machine under the same load/);
    expect(absolute).toMatch(/measured on this machine under the load shown/);
  });
});
