/**
 * Engine throughput and the cost of one capital-allocation rebalance.
 *
 * - engine: a two-block model (one policy + one update per block, as radCAD's ~10 µs/step
 *   reference); substeps per second and µs per substep.
 * - camStep: one timestep of the capital allocation model of examples/cam.yaml (4 deposits, 3
 *   blocks: engine and policies) measured by `timeCamSteps` (src/cli/camTime.ts) — the function
 *   `capflow cam time` prints — in this process, in CPU µs per timestep; beside it, the figure the
 *   CLI itself prints for the same file (`capflow cam time examples/cam.yaml --json`, its own
 *   process), so the bench and the CLI report one measurement.
 * - rebalance: balance change + transfer matrix + capped exact execution for n = 4 (aim < 5 µs).
 * Absolute times on this machine against their aims (issue 17: the CAM step < 5 µs).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfigFile } from '../src/core/config.ts';
import { runModel } from '../src/sim/engine.ts';
import { defineBlock, type Model } from '../src/sim/model.ts';
import { parseScenario } from '../src/scenarios/registry.ts';
import { timeCamSteps, type CamStepTiming } from '../src/cli/camTime.ts';
import { workload, type WorkloadResult } from './report.ts';
import { ROOT, timeCli } from './util.ts';
import { balanceChange, emptyTotals, executeTransfers, transferMatrix, type TransferMethod } from '../src/strategies/capitalAllocation.ts';

type S = { price: number; cash: number };

function twoBlockModel(): Model<{ mu: number }, S> {
  const a = defineBlock<{ mu: number }, S, { ret: number }>({
    label: 'price',
    signals: { ret: { length: 0 } },
    policies: [{ emits: ['ret'], run: (ctx, _s, out) => { out.ret = ctx.params.mu; } }],
    updates: { price: (_ctx, prev, sig) => prev.price * (1 + sig.ret) },
  });
  const b = defineBlock<{ mu: number }, S, { flow: number }>({
    label: 'cash',
    signals: { flow: { length: 0 } },
    policies: [{ emits: ['flow'], run: (_ctx, s, out) => { out.flow = s.price * 0.001; } }],
    updates: { cash: (_ctx, prev, sig) => prev.cash + sig.flow },
  });
  return { name: 'bench', initialState: () => ({ price: 1, cash: 0 }), blocks: [a, b] };
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

function rebalanceMicros(method: TransferMethod, iterations: number): number {
  const n = 4;
  const balances = new Float64Array([2e7, 3e7, 0, 1.5e8]);
  const targets = [[0.5, 0.2, 0.3, 0], [0.1, 0.15, 0, 0.75]];
  const change = new Float64Array(n);
  const matrix = new Float64Array(n * n);
  const totals = emptyTotals();
  const seconds = time(() => {
    for (let k = 0; k < iterations; k++) {
      balanceChange(balances, targets[k & 1], 0.18257418583505536, change);
      transferMatrix(change, method, matrix);
      executeTransfers(balances, matrix, null, totals);
    }
  });
  return (seconds * 1e6) / iterations;
}

export default async function bench(): Promise<WorkloadResult[]> {
  const steps = 1_000_000;
  const model = twoBlockModel();
  runModel(model, { mu: 1e-6 }, { timesteps: 10_000, seed: 1, run: 0, subset: 0 }); // warm-up
  const engineSeconds = time(() => runModel(model, { mu: 1e-6 }, { timesteps: steps, seed: 1, run: 0, subset: 0 }));

  const camFile = 'examples/cam.yaml';
  const cam = timeCamSteps(parseScenario(loadConfigFile(join(ROOT, camFile), z.unknown()), camFile));
  const cli = JSON.parse(timeCli(['cam', 'time', camFile, '--json']).stdout) as CamStepTiming;

  rebalanceMicros('direct', 100_000); // warm-up
  const us = (x: number): { value: number; unit: string; higherIsBetter: boolean } => ({ value: x, unit: 'µs', higherIsBetter: false });
  return [
    workload('engine.camStep', `one timestep of the capital allocation model (${camFile}: n = ${cam.deposits} deposits, engine and policies), CPU time, as \`capflow cam time\` measures it`, us(cam.stepCpuMicros), { kind: 'aim', value: 5, unit: 'µs', what: '< 5 µs (issue 17)' }, {
      detail: {
        timestepsPerPass: cam.runs * cam.timesteps,
        wallMicros: Number(cam.stepWallMicros.toFixed(3)),
        firstPassCpuMicros: Number(cam.firstPassCpuMicros.toFixed(3)),
        cliStepCpuMicros: Number(cli.stepCpuMicros.toFixed(3)),
        cliWallMicros: Number(cli.stepWallMicros.toFixed(3)),
        cliOverBench: Number((cli.stepCpuMicros / cam.stepCpuMicros).toFixed(3)),
      },
    }),
    workload('engine.substep', 'generic engine, two-block model, one substep', us((engineSeconds * 1e6) / (2 * steps)), { kind: 'aim', value: 10, unit: 'µs', what: "≪ 10 µs (radCAD's ~10 µs a step)" }),
    workload('engine.rebalance', 'one capital-allocation rebalance, n = 4 (direct)', us(rebalanceMicros('direct', 1_000_000)), { kind: 'aim', value: 5, unit: 'µs', what: '< 5 µs' }, {
      detail: { minNormMicros: Number(rebalanceMicros('min-norm', 1_000_000).toFixed(4)), feiReferenceMicros: Number(rebalanceMicros('fei-reference', 1_000_000).toFixed(4)) },
    }),
  ];
}
