/**
 * What a model is, for the generic engine (cadCAD's vocabulary).
 *
 * - **State**: named state variables, each a number or a fixed-length `Float64Array`.
 * - **Partial state update blocks** run in order within each timestep (one substep each).
 *   In a block the **policies** run first, each writing the signals it emits into its own
 *   buffer; signals with the same key are merged (summed by default). Then the **state
 *   updates** compute new values of the variables they own from the previous state and the
 *   merged signals. All updates of a block see the same previous state; the new values
 *   become the state at the end of the block.
 * - **Parameters** are a typed object `P`, the same for every step of a run.
 *
 * Allocation-free contract: signal buffers and vector state buffers are allocated once per
 * run by the engine. A policy writes every signal it emits on every call (buffers keep the
 * previous step's values); a vector state update writes every element of `out` (it is the
 * buffer of two substeps ago, not a copy of the previous value). Models may keep scratch
 * arrays in closures: the engine runs one run at a time per model instance.
 */
import type { Rng, Seed } from '../core/rng.ts';

/** A state variable's value: a scalar or a fixed-length vector. */
export type StateValue = number | Float64Array;

/** A model's state: variable name → value. @example const s = { total: 100, balances: new Float64Array(4) }; */
export type State = Record<string, StateValue>;

/** Signals of one block: key → scalar or vector. @example type G = { targetWeights: Float64Array; volume: number }; */
export type Signals = Record<string, StateValue>;

/**
 * Where the engine is: handed to policies, updates and the initial state.
 *
 * @example const dtYears = ctx.params.dtDays / 365; const z = ctx.rng.normal();
 */
export interface StepContext<P> {
  readonly params: P;
  /** Monte Carlo run index (0-based); the run's generator is `Rng.stream(seed, run)` */
  readonly run: number;
  /** parameter subset index of a sweep (0-based) */
  readonly subset: number;
  /** number of timesteps of the run */
  readonly timesteps: number;
  /** current timestep (1…timesteps; 0 for the initial state) */
  timestep: number;
  /** current substep (1…blocks; 0 for the initial state) */
  substep: number;
  /** the run's random stream (shared by every policy, drawn in block order) */
  readonly rng: Rng;
}

/** How signals with the same key from several policies combine. */
export type SignalMerge = 'sum' | 'max' | 'min' | ((a: number, b: number) => number);

/**
 * Shape of one signal: `length` 0 for a scalar, n for a vector; `merge` (default `'sum'`).
 *
 * @example { targetWeights: { length: 4 }, volume: { length: 0, merge: 'max' } }
 */
export interface SignalSpec {
  length: number;
  merge?: SignalMerge;
}

/**
 * A policy: reads the state, writes the signals it `emits` into `out`.
 *
 * @example
 * const drift: Policy<P, S, { delta: number }> = { emits: ['delta'], run: (ctx, s, out) => { out.delta = ctx.params.mu; } };
 */
export interface Policy<P, S extends State, G extends Signals> {
  /** optional name (for error messages) */
  name?: string;
  /** keys of `G` this policy writes on every call */
  emits: ReadonlyArray<keyof G & string>;
  run(ctx: StepContext<P>, state: Readonly<S>, out: G): void;
}

/**
 * New value of one state variable: scalars return it; vectors write every element of `out`.
 *
 * @example const price: StateUpdate<P, S, G, 'price'> = (ctx, prev, sig) => prev.price * (1 + sig.ret);
 */
export type StateUpdate<P, S extends State, G extends Signals, K extends keyof S> = S[K] extends Float64Array
  ? (ctx: StepContext<P>, prev: Readonly<S>, signals: Readonly<G>, out: Float64Array) => void
  : (ctx: StepContext<P>, prev: Readonly<S>, signals: Readonly<G>) => number;

/**
 * A partial state update block: policies (then merged signals), then state updates.
 *
 * @example defineBlock<P, S, { ret: number }>({ label: 'price', signals: { ret: { length: 0 } }, policies: [drift], updates: { price } })
 */
export interface Block<P, S extends State, G extends Signals> {
  label: string;
  /** shape and merge rule of every signal key the policies emit */
  signals?: { [K in keyof G]: SignalSpec };
  policies?: ReadonlyArray<Policy<P, S, G>>;
  updates: { [K in keyof S]?: StateUpdate<P, S, G, K> };
}

/** Recorded column(s) of one variable: vectors give `columns` names or get `${variable}_${i}`. */
export interface RecordSpec<S extends State> {
  variable: keyof S & string;
  columns?: readonly string[];
}

/** Context of the initial state. */
export interface InitContext<P> {
  readonly params: P;
  /** The study's master seed (named processes draw from `Rng.named(seed, run, name)`). */
  readonly seed: Seed;
  readonly run: number;
  readonly subset: number;
  readonly timesteps: number;
  readonly rng: Rng;
}

/**
 * A runnable model.
 *
 * @example
 * const model: Model<{ mu: number }, { price: number }> = {
 *   name: 'drift',
 *   initialState: () => ({ price: 1 }),
 *   blocks: [{ label: 'step', updates: { price: (ctx, prev) => prev.price * (1 + ctx.params.mu) } }],
 * };
 */
export interface Model<P, S extends State> {
  name: string;
  /** a fresh state for one run (may draw from `ctx.rng`, e.g. to pre-fill market paths) */
  initialState(ctx: InitContext<P>): S;
  // Blocks type their own signals; the model only fixes P and S.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  blocks: ReadonlyArray<Block<P, S, any>>;
  /** variables recorded in the result table (default: every variable, in state order) */
  record?: ReadonlyArray<RecordSpec<S>>;
}

/**
 * Identity helper that lets TypeScript infer a block's signal type.
 *
 * @example const b = defineBlock<P, S, { ret: number }>({ label: 'x', signals: { ret: { length: 0 } }, policies: [], updates: {} });
 */
export function defineBlock<P, S extends State, G extends Signals>(block: Block<P, S, G>): Block<P, S, G> {
  return block;
}
