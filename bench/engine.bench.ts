/**
 * Engine throughput and the cost of one capital-allocation rebalance.
 *
 * - engine: a two-block model (one policy + one update per block, as radCAD's ~10 µs/step
 *   reference); substeps per second and µs per substep.
 * - cam: the capital allocation model (4 deposits, 3 blocks) in timesteps per second.
 * - rebalance: balance change + transfer matrix + capped exact execution for n = 4 (aim < 5 µs).
 * Absolute times on this machine against their aims (issue 17: the CAM step < 5 µs).
 */
import { parseConfig } from '../src/core/config.ts';
import { runModel } from '../src/sim/engine.ts';
import { defineBlock, type Model } from '../src/sim/model.ts';
import { buildCamModel, CamParamsSchema } from '../src/scenarios/cam.ts';
import { workload, type WorkloadResult } from './report.ts';
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

  const params = parseConfig(CamParamsSchema, {
    deposits: [
      { name: 'pool', balance: 2e7, volatile: true, yield: { kind: 'meanReverting', level: 0.08, speed: 12, vol: 0.15 } },
      { name: 'mm', balance: 3e7, volatile: true, yield: { kind: 'meanReverting', level: 0.04, speed: 24, vol: 0.05 } },
      { name: 'savings', balance: 0, yield: { kind: 'constant', value: 0.03 } },
      { name: 'idle', balance: 1.5e8, yield: { kind: 'constant', value: 0 } },
    ],
    movingAverageWindow: 7,
  });
  const cam = buildCamModel(params);
  const camSteps = 200_000;
  runModel(cam, params, { timesteps: 5_000, seed: 1, run: 0, subset: 0 });
  const camSeconds = time(() => runModel(cam, params, { timesteps: camSteps, seed: 1, run: 0, subset: 0 }));

  rebalanceMicros('direct', 100_000); // warm-up
  const us = (x: number): { value: number; unit: string; higherIsBetter: boolean } => ({ value: x, unit: 'µs', higherIsBetter: false });
  return [
    workload('engine.camStep', 'one timestep of the capital allocation model (n = 4 deposits, engine and policies)', us((camSeconds * 1e6) / camSteps), { kind: 'aim', value: 5, unit: 'µs', what: '< 5 µs (issue 17)' }),
    workload('engine.substep', 'generic engine, two-block model, one substep', us((engineSeconds * 1e6) / (2 * steps)), { kind: 'aim', value: 10, unit: 'µs', what: "≪ 10 µs (radCAD's ~10 µs a step)" }),
    workload('engine.rebalance', 'one capital-allocation rebalance, n = 4 (direct)', us(rebalanceMicros('direct', 1_000_000)), { kind: 'aim', value: 5, unit: 'µs', what: '< 5 µs' }, {
      detail: { minNormMicros: Number(rebalanceMicros('min-norm', 1_000_000).toFixed(4)), feiReferenceMicros: Number(rebalanceMicros('fei-reference', 1_000_000).toFixed(4)) },
    }),
  ];
}
