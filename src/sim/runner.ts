/**
 * The study runner: one way to run every model's study (cam, delta-neutral, fund, a user's own
 * model) on any {@link StudyBackend}, with one result shape. A model's chunk function returns a
 * {@link StudyChunkResult} — the results-table rows of its runs and what it keeps of runs in
 * detail — and the runner streams the rows to a sink in chunk order, summarises the last row
 * of every run per subset, and collects the details.
 */
import type { Seed } from '../core/rng.ts';
import { KEY_COLUMNS, type ResultChunk, type SubstepRecording } from './engine.ts';
import { openSink, type SinkSummary, type SinkTarget } from './sinks.ts';
import { planChunks, type StudyBackend, type StudyChunk } from './study.ts';

/**
 * What a model's chunk function receives: the parameters and inputs of every subset, the
 * study's size and seed, and its chunk (runs `[firstRun, firstRun + runCount)` of `subset`).
 *
 * @example const params = task.payload.subsets[task.subset];
 */
export interface ModelPayload<P = unknown, I = unknown> {
  subsets: P[];
  /** each subset's inputs (what the model's `inputs` read), or undefined */
  inputs: I[];
  runs: number;
  seed: Seed;
  timesteps: number;
  substeps: SubstepRecording;
}

/**
 * What a model keeps of one run in detail (e.g. the fund's run 0: every series, its ledger).
 *
 * @example const d: StudyDetail = { subset: 0, run: 0, data: { series, ledgerLines } };
 */
export interface StudyDetail {
  subset: number;
  run: number;
  /** model-specific, structured-cloneable */
  data: unknown;
}

/**
 * What every model's chunk function returns.
 *
 * @example const r: StudyChunkResult = { rows: runJobs(build, spec, first, count), details: [] };
 */
export interface StudyChunkResult {
  /** the results-table rows of the chunk's runs (`run`, `subset`, `timestep`, `substep`, state columns), runs in order */
  rows: ResultChunk;
  details: StudyDetail[];
}

/** Mean, min and max of each state column over the runs of one subset at the last recorded row. */
export interface FinalStats {
  subset: number;
  overrides: Record<string, unknown>;
  runs: number;
  mean: Record<string, number>;
  min: Record<string, number>;
  max: Record<string, number>;
}

/**
 * A study to run: the model's chunk function and payload, and the study's size.
 *
 * @example const spec: StudySpec<P> = { model: 'cam', module, exportName: 'runScenarioChunk', payload, runs: 8, subsets: 1, seed: 42, timesteps: 365, substeps: 'all', overrides: [{}] };
 */
export interface StudySpec<T> {
  model: string;
  module: URL;
  exportName: string;
  payload: T;
  runs: number;
  subsets: number;
  seed: Seed;
  timesteps: number;
  substeps: SubstepRecording;
  /** the swept values of each subset (for the final statistics) */
  overrides: Record<string, unknown>[];
}

/**
 * The one result shape of every model's study.
 *
 * @example result.final[0].mean.navUsd; result.details[0].data
 */
export interface StudyResult {
  model: string;
  timesteps: number;
  runs: number;
  subsets: number;
  seed: number;
  workers: number;
  /** which backend ran the chunks */
  backend: string;
  output: SinkSummary;
  final: FinalStats[];
  details: StudyDetail[];
}

/** Options of {@link runStudy}. */
export interface RunStudyOptions {
  backend: StudyBackend;
  /** where the rows go (default: memory) */
  out?: SinkTarget;
  /** runs per chunk (default: about a quarter of a worker's share) */
  chunkRuns?: number;
  onProgress?: (doneRuns: number, totalRuns: number) => void;
}

/**
 * Final-row statistics per subset, fed chunk by chunk.
 *
 * @example const f = finalCollector([{}]); f.add(rows); f.stats()[0].mean.balance
 */
export function finalCollector(overrides: readonly Record<string, unknown>[]): { add(chunk: ResultChunk): void; stats(): FinalStats[] } {
  const stats: FinalStats[] = overrides.map((o, subset) => ({ subset, overrides: o, runs: 0, mean: {}, min: {}, max: {} }));
  return {
    add(chunk) {
      const w = chunk.columns.length;
      for (let r = 0; r < chunk.rows; r++) {
        const last = r + 1 === chunk.rows || chunk.data[(r + 1) * w + 2] === 0; // next row starts a new run
        if (!last) continue;
        const s = stats[chunk.data[r * w + 1]];
        s.runs++;
        for (let c = KEY_COLUMNS.length; c < w; c++) {
          const name = chunk.columns[c];
          const v = chunk.data[r * w + c];
          s.mean[name] = (s.mean[name] ?? 0) + v;
          s.min[name] = Math.min(s.min[name] ?? Infinity, v);
          s.max[name] = Math.max(s.max[name] ?? -Infinity, v);
        }
      }
    },
    stats() {
      for (const s of stats) for (const k of Object.keys(s.mean)) s.mean[k] /= s.runs;
      return stats;
    },
  };
}

/**
 * Runs a study on a backend and streams its rows to `out` (default: memory). The output path
 * is checked before any run; a failed run writes nothing (an existing file stays).
 *
 * @example
 * const result = await runStudy(spec, { backend: backendFor(2), out: { kind: 'parquet', path: 'cam.parquet' } });
 * result.final[0].mean.balance_savings
 */
export async function runStudy<T>(spec: StudySpec<T>, opts: RunStudyOptions): Promise<StudyResult> {
  const sink = await openSink(opts.out ?? { kind: 'memory' }, spec.seed);
  const final = finalCollector(spec.overrides);
  const details: StudyDetail[] = [];
  const chunks = planChunks({ runs: spec.runs, subsets: spec.subsets, workers: opts.backend.workers, chunkRuns: opts.chunkRuns });
  const total = spec.runs * spec.subsets;
  let done = 0;
  try {
    await opts.backend.run<T, StudyChunkResult>({ module: spec.module, exportName: spec.exportName, payload: spec.payload, chunks }, async (result, chunk: StudyChunk) => {
      final.add(result.rows);
      details.push(...result.details);
      await sink.write(result.rows);
      done += chunk.runCount;
      opts.onProgress?.(done, total);
    });
  } catch (e) {
    await sink.abort(); // a failed run leaves no output (and an existing file as it was)
    throw e;
  }
  const output = await sink.close();
  return {
    model: spec.model,
    timesteps: spec.timesteps,
    runs: spec.runs,
    subsets: spec.subsets,
    seed: Number(spec.seed),
    workers: opts.backend.workers,
    backend: opts.backend.kind,
    output,
    final: final.stats(),
    details,
  };
}
