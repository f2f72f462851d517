/**
 * The generic simulation engine: runs any {@link Model} over timesteps and substeps and
 * writes one row per recorded (timestep, substep) into a row-major `Float64Array`.
 *
 * Loop per timestep t = 1…T and block b = 1…B (substep b): every policy of the block runs
 * on the current state and writes its signals; signals are merged by key; every state update
 * computes its variable's new value from the same previous state; then all new values are
 * committed at once (vector variables flip between two buffers, nothing is copied). Nothing
 * is allocated inside the loop.
 *
 * Runs: run `r` of subset `s` draws from `Rng.stream(seed, r)` — every subset sees the same
 * random numbers for the same run (common random numbers across a sweep), and a run's
 * numbers never depend on which worker computes it.
 */
import { Rng, type Seed } from '../core/rng.ts';
import { UserError } from '../core/errors.ts';
import type { Block, InitContext, Model, Policy, SignalMerge, Signals, State, StepContext } from './model.ts';

/** Key columns leading every result row. */
export const KEY_COLUMNS = ['run', 'subset', 'timestep', 'substep'] as const;

/** Which substeps are recorded: every one (cadCAD) or only the last of each timestep (radCAD `drop_substeps`). */
export type SubstepRecording = 'all' | 'last';

/**
 * Rows of a result table: `columns` = {@link KEY_COLUMNS} then state columns; `data` is
 * row-major (`data[row * columns.length + col]`).
 *
 * @example chunk.data[3 * chunk.columns.length + chunk.columns.indexOf('balances_0')]
 */
export interface ResultChunk {
  columns: string[];
  rows: number;
  data: Float64Array;
}

/** One run to simulate. @example { timesteps: 365, seed: 42, run: 0, subset: 0 } */
export interface RunSpec {
  timesteps: number;
  seed: Seed;
  run: number;
  subset: number;
  /** default 'all' */
  substeps?: SubstepRecording;
}

type Merge = (a: number, b: number) => number;

interface CompiledSignal {
  key: string;
  length: number;
  merge: Merge;
  emitters: Signals[];
}

interface CompiledBlock {
  policies: ReadonlyArray<Policy<unknown, State, Signals>>;
  outs: Signals[];
  merged: Signals;
  /** signals that need merging (≥ 2 emitters, or a scalar with one emitter) */
  mergeList: CompiledSignal[];
  updateKeys: string[];
  updateFns: Array<(...args: unknown[]) => unknown>;
  updateIsVector: boolean[];
  spares: Array<Float64Array | null>;
  newScalars: Float64Array;
}

/** Column layout of recorded variables. */
interface RecordLayout {
  columns: string[];
  keys: string[];
  vector: boolean[];
  lengths: number[];
}

const sum: Merge = (a, b) => a + b;

function mergeFn(merge: SignalMerge | undefined): Merge {
  if (merge === undefined || merge === 'sum') return sum;
  if (merge === 'max') return Math.max;
  if (merge === 'min') return Math.min;
  return merge;
}

function blankSignals(block: Block<unknown, State, Signals>, keys: readonly string[]): Signals {
  const out: Signals = {};
  for (const key of keys) {
    const spec = block.signals?.[key];
    if (spec === undefined) throw new Error(`block "${block.label}": signal "${key}" is emitted but has no entry in signals`);
    out[key] = spec.length > 0 ? new Float64Array(spec.length) : 0;
  }
  return out;
}

function compileBlock(block: Block<unknown, State, Signals>, state: State): CompiledBlock {
  const policies = block.policies ?? [];
  const outs = policies.map((p) => blankSignals(block, p.emits));
  const merged: Signals = {};
  const mergeList: CompiledSignal[] = [];
  for (const [key, spec] of Object.entries(block.signals ?? {})) {
    const emitters = outs.filter((_, i) => policies[i].emits.includes(key));
    if (spec.length > 0 && emitters.length === 1) merged[key] = emitters[0][key]; // alias, nothing to merge
    else {
      merged[key] = spec.length > 0 ? new Float64Array(spec.length) : 0;
      mergeList.push({ key, length: spec.length, merge: mergeFn(spec.merge), emitters });
    }
  }
  const updateKeys = Object.keys(block.updates).filter((k) => block.updates[k] !== undefined);
  for (const key of updateKeys) {
    if (!(key in state)) throw new Error(`block "${block.label}": update of unknown state variable "${key}"`);
  }
  const updateIsVector = updateKeys.map((k) => state[k] instanceof Float64Array);
  return {
    policies: policies as ReadonlyArray<Policy<unknown, State, Signals>>,
    outs,
    merged,
    mergeList,
    updateKeys,
    updateFns: updateKeys.map((k) => block.updates[k] as (...args: unknown[]) => unknown),
    updateIsVector,
    spares: updateKeys.map((k, i) => (updateIsVector[i] ? new Float64Array((state[k] as Float64Array).length) : null)),
    newScalars: new Float64Array(updateKeys.length),
  };
}

function recordLayout(model: Model<unknown, State>, state: State): RecordLayout {
  const specs = model.record ?? Object.keys(state).map((variable) => ({ variable, columns: undefined }));
  const layout: RecordLayout = { columns: [...KEY_COLUMNS], keys: [], vector: [], lengths: [] };
  for (const spec of specs) {
    const value = state[spec.variable];
    if (value === undefined) throw new Error(`model "${model.name}": recorded variable "${spec.variable}" is not in the state`);
    const isVector = value instanceof Float64Array;
    const length = isVector ? value.length : 1;
    if (isVector) {
      const names = spec.columns ?? Array.from({ length }, (_, i) => `${spec.variable}_${i}`);
      if (names.length !== length) throw new Error(`model "${model.name}": ${spec.variable} has ${length} elements but ${names.length} column names`);
      layout.columns.push(...names);
    } else layout.columns.push(spec.variable);
    layout.keys.push(spec.variable);
    layout.vector.push(isVector);
    layout.lengths.push(length);
  }
  return layout;
}

/** Rows one run produces: the initial state plus one per recorded substep. */
export function rowsPerRun(blockCount: number, timesteps: number, substeps: SubstepRecording = 'all'): number {
  return 1 + timesteps * (substeps === 'all' ? blockCount : 1);
}

function writeRow(data: Float64Array, offset: number, ctx: StepContext<unknown>, state: State, layout: RecordLayout): number {
  data[offset] = ctx.run;
  data[offset + 1] = ctx.subset;
  data[offset + 2] = ctx.timestep;
  data[offset + 3] = ctx.substep;
  let o = offset + 4;
  for (let v = 0; v < layout.keys.length; v++) {
    const value = state[layout.keys[v]];
    if (layout.vector[v]) {
      const arr = value as Float64Array;
      for (let i = 0; i < arr.length; i++) data[o++] = arr[i];
    } else data[o++] = value as number;
  }
  return o;
}

function mergeSignals(block: CompiledBlock): void {
  for (let s = 0; s < block.mergeList.length; s++) {
    const sig = block.mergeList[s];
    const { emitters, merge, key } = sig;
    if (sig.length === 0) {
      let acc = emitters.length > 0 ? (emitters[0][key] as number) : 0;
      for (let e = 1; e < emitters.length; e++) acc = merge(acc, emitters[e][key] as number);
      block.merged[key] = acc;
    } else {
      const acc = block.merged[key] as Float64Array;
      if (emitters.length === 0) acc.fill(0);
      else acc.set(emitters[0][key] as Float64Array);
      for (let e = 1; e < emitters.length; e++) {
        const src = emitters[e][key] as Float64Array;
        for (let i = 0; i < acc.length; i++) acc[i] = merge(acc[i], src[i]);
      }
    }
  }
}

function runBlock(block: CompiledBlock, ctx: StepContext<unknown>, state: State): void {
  for (let p = 0; p < block.policies.length; p++) block.policies[p].run(ctx, state, block.outs[p]);
  mergeSignals(block);
  const n = block.updateKeys.length;
  for (let u = 0; u < n; u++) {
    const fn = block.updateFns[u];
    if (block.updateIsVector[u]) fn(ctx, state, block.merged, block.spares[u]);
    else block.newScalars[u] = fn(ctx, state, block.merged) as number;
  }
  for (let u = 0; u < n; u++) {
    const key = block.updateKeys[u];
    if (block.updateIsVector[u]) {
      const fresh = block.spares[u] as Float64Array;
      block.spares[u] = state[key] as Float64Array;
      state[key] = fresh;
    } else state[key] = block.newScalars[u];
  }
}

function checkTimesteps(timesteps: number): void {
  if (!Number.isSafeInteger(timesteps) || timesteps < 0) {
    throw new UserError({ field: 'timesteps', value: timesteps, message: `must be a non-negative integer, got ${timesteps}` });
  }
}

/**
 * Simulates one run; `sink` gets the column layout and row count once the initial state is
 * known and returns where to write. Returns the number of rows written.
 */
function simulateInto<P, S extends State>(model: Model<P, S>, params: P, spec: RunSpec, sink: (layout: RecordLayout, rows: number) => { data: Float64Array; offset: number }): number {
  checkTimesteps(spec.timesteps);
  const rng = Rng.stream(spec.seed, spec.run);
  const init: InitContext<P> = { params, seed: spec.seed, run: spec.run, subset: spec.subset, timesteps: spec.timesteps, rng };
  const state = { ...model.initialState(init) } as State;
  const m = model as unknown as Model<unknown, State>;
  const blocks = m.blocks.map((b) => compileBlock(b as Block<unknown, State, Signals>, state));
  const layout = recordLayout(m, state);
  const recordAll = (spec.substeps ?? 'all') === 'all';
  const rows = rowsPerRun(blocks.length, spec.timesteps, spec.substeps);
  const { data, offset } = sink(layout, rows);
  const ctx: StepContext<unknown> = { params, run: spec.run, subset: spec.subset, timesteps: spec.timesteps, timestep: 0, substep: 0, rng };
  let o = writeRow(data, offset, ctx, state, layout);
  for (let t = 1; t <= spec.timesteps; t++) {
    ctx.timestep = t;
    for (let b = 0; b < blocks.length; b++) {
      ctx.substep = b + 1;
      runBlock(blocks[b], ctx, state);
      if (recordAll) o = writeRow(data, o, ctx, state, layout);
    }
    if (!recordAll) o = writeRow(data, o, ctx, state, layout);
  }
  return rows;
}

/**
 * The size of one run's table before it runs: its columns and rows (the initial state is built
 * to learn the recorded columns; nothing is simulated).
 *
 * @example runTableSize(model, params, { timesteps: 365, seed: 1, run: 0, subset: 0 }) // { columns: 12, rows: 1096 }
 */
export function runTableSize<P, S extends State>(model: Model<P, S>, params: P, spec: RunSpec): { columns: number; rows: number } {
  checkTimesteps(spec.timesteps);
  const rng = Rng.stream(spec.seed, spec.run);
  const state = { ...model.initialState({ params, seed: spec.seed, run: spec.run, subset: spec.subset, timesteps: spec.timesteps, rng }) } as State;
  const layout = recordLayout(model as unknown as Model<unknown, State>, state);
  return { columns: layout.columns.length, rows: rowsPerRun(model.blocks.length, spec.timesteps, spec.substeps) };
}

/**
 * Runs one Monte Carlo run of `model` and returns its rows.
 *
 * @example
 * const chunk = runModel(model, { mu: 0.01 }, { timesteps: 10, seed: 42, run: 0, subset: 0 });
 * chunk.columns // ['run', 'subset', 'timestep', 'substep', 'price']
 */
export function runModel<P, S extends State>(model: Model<P, S>, params: P, spec: RunSpec): ResultChunk {
  let result: ResultChunk | undefined;
  simulateInto(model, params, spec, (layout, rows) => {
    result = { columns: layout.columns, rows, data: new Float64Array(rows * layout.columns.length) };
    return { data: result.data, offset: 0 };
  });
  return result as ResultChunk;
}

/**
 * A study: the parameter subsets (one per sweep point), the runs per subset, the master seed.
 * Job `k` is run `k % runs` of subset `⌊k / runs⌋` (subset-major order).
 *
 * @example { subsets: [params], runs: 8, seed: 42, timesteps: 365 }
 */
export interface ExperimentSpec<P> {
  subsets: readonly P[];
  runs: number;
  seed: Seed;
  timesteps: number;
  substeps?: SubstepRecording;
}

/** Number of jobs (runs × subsets) of a study. @example jobCount({ subsets: [a, b], runs: 8, … }) // 16 */
export function jobCount(spec: Pick<ExperimentSpec<unknown>, 'subsets' | 'runs'>): number {
  return spec.subsets.length * spec.runs;
}

/**
 * Runs the contiguous jobs `[firstJob, firstJob + count)` of a study and returns their rows
 * in job order. `build` makes the model of one subset (called once per subset in the range).
 *
 * @example const chunk = runJobs((p) => makeModel(p), spec, 0, jobCount(spec));
 */
export function runJobs<P, S extends State>(build: (params: P, subset: number) => Model<P, S>, spec: ExperimentSpec<P>, firstJob: number, count: number): ResultChunk {
  const parts: ResultChunk[] = [];
  let model: Model<P, S> | undefined;
  let modelSubset = -1;
  for (let k = firstJob; k < firstJob + count; k++) {
    const subset = Math.floor(k / spec.runs);
    const run = k % spec.runs;
    if (subset !== modelSubset) {
      model = build(spec.subsets[subset], subset);
      modelSubset = subset;
    }
    parts.push(runModel(model as Model<P, S>, spec.subsets[subset], { timesteps: spec.timesteps, seed: spec.seed, run, subset, substeps: spec.substeps }));
  }
  return concatChunks(parts);
}

/**
 * Concatenates chunks with the same columns (rows in the given order).
 *
 * @example concatChunks([a, b]).rows === a.rows + b.rows
 */
export function concatChunks(parts: readonly ResultChunk[]): ResultChunk {
  if (parts.length === 0) return { columns: [...KEY_COLUMNS], rows: 0, data: new Float64Array(0) };
  if (parts.length === 1) return parts[0];
  const columns = parts[0].columns;
  for (const p of parts) {
    if (p.columns.length !== columns.length || p.columns.some((c, i) => c !== columns[i])) {
      throw new Error(`result chunks have different columns: ${columns.join(',')} vs ${p.columns.join(',')}`);
    }
  }
  const rows = parts.reduce((n, p) => n + p.rows, 0);
  const data = new Float64Array(rows * columns.length);
  let offset = 0;
  for (const p of parts) {
    data.set(p.data.subarray(0, p.rows * columns.length), offset);
    offset += p.rows * columns.length;
  }
  return { columns, rows, data };
}

/**
 * The value of `column` at `row` of a chunk.
 *
 * @example resultCell(chunk, chunk.rows - 1, 'balances_0')
 */
export function resultCell(chunk: ResultChunk, row: number, column: string): number {
  const c = chunk.columns.indexOf(column);
  if (c < 0) throw new Error(`no column "${column}" (have ${chunk.columns.join(', ')})`);
  return chunk.data[row * chunk.columns.length + c];
}

/**
 * One column as an array.
 *
 * @example resultColumn(chunk, 'volume')
 */
export function resultColumn(chunk: ResultChunk, name: string): Float64Array {
  const c = chunk.columns.indexOf(name);
  if (c < 0) throw new Error(`no column "${name}" (have ${chunk.columns.join(', ')})`);
  const out = new Float64Array(chunk.rows);
  for (let r = 0; r < chunk.rows; r++) out[r] = chunk.data[r * chunk.columns.length + c];
  return out;
}
