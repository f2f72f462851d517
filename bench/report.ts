/**
 * The record `npm run bench` prints for each workload (one JSON object a line) and the helpers
 * that build it. Not a benchmark itself (bench/run.ts loads only *.bench.ts).
 *
 * Two kinds of figure: `same-run` — the baseline was measured in the same bench run on the same
 * machine (numpy, one worker), so the ratio holds across machines and loads; `aim` — an absolute
 * time or rate on this machine, compared with the project's aim (issue 17), which moves with the
 * machine and its load.
 */
import { cpus, loadavg } from 'node:os';

/** How a figure compares: `same-run` baseline measured now, or the project's `aim`. */
export type BaselineKind = 'same-run' | 'aim';

/**
 * What `npm run bench` prints for one workload. `ratio` is always oriented so that > 1 means
 * capflow is better than the baseline (faster, or under the aim); `target` is the ratio the
 * project aims for (null when none).
 *
 * @example const r: WorkloadResult = workload('rng.normal', { value: 76e6, unit: 'draws/s', higherIsBetter: true }, { kind: 'aim', value: null, unit: 'draws/s', what: 'none', absentReason: 'no aim' });
 */
export interface WorkloadResult {
  workload: string;
  what: string;
  figure: { value: number; unit: string };
  baseline: { kind: BaselineKind; what: string; value: number | null; unit: string; absentReason?: string };
  ratio: number | null;
  target: number | null;
  met: boolean | null;
  cores: number;
  node: string;
  loadAverage1m: number;
  detail?: Record<string, unknown>;
}

/** A measured figure: its value, unit and direction. @example const f: Figure = { value: 0.45, unit: 's', higherIsBetter: false }; */
export interface Figure {
  value: number;
  unit: string;
  higherIsBetter: boolean;
}

/** A baseline: measured now (`same-run`) or the aim, or absent (`value: null` with a reason). @example const b: Baseline = { kind: 'aim', value: 3, unit: 's', what: 'issue 17 aim' }; */
export interface Baseline {
  kind: BaselineKind;
  value: number | null;
  unit: string;
  what: string;
  absentReason?: string;
}

const round = (x: number): number => Number(x.toPrecision(4));

/**
 * Builds one workload's record: ratio = baseline / figure for times (lower is better), figure /
 * baseline for rates; `target` the ratio aimed for (1 for an aim: meet it).
 *
 * @example workload('fund.run1000', 'fund study, 1,000 runs', { value: 6.1, unit: 's', higherIsBetter: false }, { kind: 'aim', value: 3, unit: 's', what: '< 3 s' })
 */
export function workload(name: string, what: string, figure: Figure, baseline: Baseline, options: { target?: number | null; detail?: Record<string, unknown> } = {}): WorkloadResult {
  const b = baseline.value;
  const ratio = b === null || !(figure.value > 0) || !(b > 0) ? null : round(figure.higherIsBetter ? figure.value / b : b / figure.value);
  const target = options.target !== undefined ? options.target : baseline.kind === 'aim' && b !== null ? 1 : null;
  return {
    workload: name,
    what,
    figure: { value: round(figure.value), unit: figure.unit },
    baseline: { kind: baseline.kind, what: baseline.what, value: b === null ? null : round(b), unit: baseline.unit, ...(baseline.absentReason ? { absentReason: baseline.absentReason } : {}) },
    ratio,
    target,
    met: ratio === null || target === null ? null : ratio >= target,
    cores: cpus().length,
    node: process.version,
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
    ...(options.detail ? { detail: options.detail } : {}),
  };
}
