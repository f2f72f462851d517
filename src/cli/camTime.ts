/**
 * The time of one step of the capital allocation model — the engine and its policies — as
 * `capflow cam time` prints it and as `npm run bench` reports it (bench/engine.bench.ts calls
 * this very function, so the two figures are the same measurement). In cli/ because it reads
 * the clock.
 *
 * What is timed: `runModel` of the scenario's `cam` model for each run (Rng.stream(seed, run)),
 * in this thread — building the run's state (its yield and risk paths), then every timestep's
 * three blocks (market, targets, rebalance: policies, signal merge, state updates) and the
 * recorded rows. Not timed: reading and checking the scenario file, process start-up, writing a
 * result table. A first pass over the runs (the JIT compiling the step) is reported apart; the
 * figure is the median of the passes after it, per timestep, in the process's CPU time (what
 * the step costs, whatever else the machine runs) and in wall-clock time.
 */
import { UserError } from '../core/errors.ts';
import { buildCamModel, type CamParams } from '../scenarios/cam.ts';
import type { Scenario } from '../scenarios/registry.ts';
import { runModel } from '../sim/engine.ts';

/**
 * What {@link timeCamSteps} measured. Times are per timestep (one timestep = the three blocks).
 *
 * @example const t: CamStepTiming = timeCamSteps(scenario, { runs: 200 }); t.stepCpuMicros // ≈ 1.5
 */
export interface CamStepTiming {
  deposits: number;
  timesteps: number;
  runs: number;
  substeps: Scenario['substeps'];
  /** timed passes over the runs after the first (the median is reported) */
  passes: number;
  /** median CPU time (this process: user + system) of a timestep over the passes after the first, µs */
  stepCpuMicros: number;
  /** median wall-clock time of a timestep over the passes after the first, µs (includes time the OS gave to other processes) */
  stepWallMicros: number;
  /** the first pass (cold: the JIT compiling the step), CPU µs per timestep */
  firstPassCpuMicros: number;
}

/** Timesteps a pass runs at least when `runs` is not given (enough for a stable figure: a pass of about 0.1–0.2 s). */
export const MIN_TIMED_STEPS = 100_000;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** CPU seconds of this process (user + system) so far. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Times the step of a `cam` scenario (no sweep) in this thread: one cold pass over `runs` runs
 * (default: the file's runs, raised to make at least {@link MIN_TIMED_STEPS} timesteps), then
 * `passes` timed passes; see the module comment for what is timed.
 *
 * @example timeCamSteps(parseScenario(doc, 'cam.yaml'), { runs: 200 }).stepCpuMicros
 */
export function timeCamSteps(scenario: Scenario, opts: { runs?: number; passes?: number } = {}): CamStepTiming {
  if (scenario.model !== 'cam') throw new UserError({ field: 'model', value: scenario.model, message: 'cam time times the cam model only', hint: 'give a scenario file with model: cam' });
  if (scenario.subsets.length !== 1) throw new UserError({ field: 'sweep', value: scenario.subsets.length, message: 'cam time times one parameter set', hint: 'drop the sweep from the scenario file' });
  const params = scenario.subsets[0] as CamParams;
  const runs = opts.runs ?? Math.max(scenario.runs, Math.ceil(MIN_TIMED_STEPS / Math.max(1, scenario.timesteps)));
  const passes = opts.passes ?? 3;
  const model = buildCamModel(params);
  const steps = runs * scenario.timesteps;
  if (steps === 0) throw new UserError({ field: 'timesteps', value: scenario.timesteps, message: 'needs at least one timestep to time', hint: 'set timesteps: 365 in the scenario file' });
  const pass = (): { cpu: number; wall: number } => {
    const wall0 = performance.now();
    const cpu0 = cpuSeconds();
    for (let run = 0; run < runs; run++) runModel(model, params, { timesteps: scenario.timesteps, seed: scenario.seed, run, subset: 0, substeps: scenario.substeps });
    return { cpu: ((cpuSeconds() - cpu0) * 1e6) / steps, wall: ((performance.now() - wall0) * 1e3) / steps };
  };
  const first = pass();
  const timed = Array.from({ length: passes }, pass);
  return {
    deposits: params.deposits.length,
    timesteps: scenario.timesteps,
    runs,
    substeps: scenario.substeps,
    passes,
    stepCpuMicros: median(timed.map((p) => p.cpu)),
    stepWallMicros: median(timed.map((p) => p.wall)),
    firstPassCpuMicros: first.cpu,
  };
}
